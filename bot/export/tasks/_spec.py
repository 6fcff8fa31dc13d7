"""The shipped table spec (``snippets/_tasks.yaml``), read once per process."""

from __future__ import annotations

from functools import cache

from bot.compose.plan import Plan
from bot.compose.tasks import TASKS_FILE, TaskSpec, TaskTable, load_task_spec, task_table
from bot.shipped import shipped_dir


@cache
def shipped_task_spec() -> TaskSpec:
    return load_task_spec(shipped_dir("snippets") / TASKS_FILE)


def table_of(plan: Plan, spec: TaskSpec | None) -> TaskTable:
    return task_table(plan, spec or shipped_task_spec())
