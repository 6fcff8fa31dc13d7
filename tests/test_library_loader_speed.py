"""The loader's start-up shortcut: a template without ``{`` is not parsed (it cannot hold Jinja
markup with the renderer's delimiters), yet a broken or undeclared one is still reported."""

from __future__ import annotations

from bot.library import templates as render
from bot.library.loader import Collector, check_clause
from bot.library.models import Clause


def test_the_renderers_markup_all_starts_with_a_brace() -> None:
    env = render._ENV
    starts = (env.block_start_string, env.variable_start_string, env.comment_start_string)
    assert all(start.startswith("{") for start in starts)
    assert env.line_statement_prefix is None and env.line_comment_prefix is None
    assert render.variables_used("全面推进依法治教（2025年）% # }}") == set()


def test_templates_with_markup_are_still_checked() -> None:
    clause = Clause.model_validate(
        {
            "id": "t.one",
            "kind": "task",
            "title": "标题{{ oops",
            "years": [2020, None],
            "levels": ["city"],
            "text": "{{ scope }}推进{{ undeclared }}工作",
        }
    )
    out = Collector()
    check_clause(clause, "t.yaml", 3, out)
    messages = {(p.field, p.message.split(" (")[0].split(":")[0]) for p in out.problems}
    assert ("title", "template syntax error") in messages
    assert ("text", "variable 'undeclared' is used but not declared in vars") in messages
