"""Which tasks a thematic section keeps: each topic's tasks in order, round-robin, to a budget.

A thematic section (``kinds/*.yaml`` ``themes``) holds the chosen priorities among its topics. With
every priority chosen it must stay a readable section, not the sum of every topic's tasks: the
topics take turns, each giving its next task (its first, then its second …) until the section's
budget is spent. A task that uses a figure the user gave is always kept, and every topic keeps at
least its first task, so a focused plan gives each topic more room and no chosen topic vanishes.

>>> keep([["a1", "a2", "a3"], ["b1"]], budget=3)
[['a1', 'a2'], ['b1']]
>>> keep([["a1", "a2"], ["b1", "b2"]], budget=1, pinned={"b2"})
[['a1'], ['b1', 'b2']]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

T = TypeVar("T")


def keep(
    per_topic: Sequence[Sequence[T]], budget: int, pinned: Collection[T] = ()
) -> list[list[T]]:
    """The tasks each topic keeps, in each topic's own order (see the module docstring)."""
    chosen: list[set[int]] = [set() for _ in per_topic]
    for t, tasks in enumerate(per_topic):
        chosen[t].update(i for i, task in enumerate(tasks) if task in pinned)
        if tasks:
            chosen[t].add(0)
    used = sum(len(c) for c in chosen)
    depth = 1
    while used < budget and any(depth < len(tasks) for tasks in per_topic):
        for t, tasks in enumerate(per_topic):
            if used >= budget:
                break
            if depth < len(tasks) and depth not in chosen[t]:
                chosen[t].add(depth)
                used += 1
        depth += 1
    return [[task for i, task in enumerate(tasks) if i in chosen[t]]
            for t, tasks in enumerate(per_topic)]
