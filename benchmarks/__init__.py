"""Side-by-side measurements against baselines in the same run (never timed asserts in tests)."""
