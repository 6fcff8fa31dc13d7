"""`python -m bot` is the same as the `planbot` command."""

from bot.cli import main

raise SystemExit(main())
