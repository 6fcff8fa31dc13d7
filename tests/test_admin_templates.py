"""Template policy: admins write wording, never code (jinja2 AST walk + output cap)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation import ChangeRejected, LibraryService, NewClause
from bot.curation._template_policy import MAX_TEMPLATE_CHARS, template_violations
from bot.library.library import Library
from bot.library.models import ClauseKind
from tests.admin_support import OWNER, dump, make_service, topic_text

INJECTIONS = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ scope.__class__ }}",
    "{{ scope|attr('__class__') }}",
    "{{ scope['__class__'] }}",
    "{{ era._secret }}",
    "{{ _private }}",
    "{{ self }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ range(10)|list }}",
    "{% for i in range(100000000) %}x{% endfor %}",
    "{% for x in scope recursive %}{{ loop(x) }}{% endfor %}",
    "{{ 'a' * 100000000 }}",
    "{{ 'a' ~ 'b' }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% set x = 'a' %}{{ x }}",
    "{% set x %}a{% endset %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% call scope() %}{% endcall %}",
    "{% include 'x' %}",
    "{% import 'x' as y %}",
    "{% extends 'x' %}",
    "{% with a = 1 %}{% endwith %}",
    "{% filter upper %}x{% endfilter %}",
    "{{ scope.format(1) }}",
    "{{ scope|format('%s') }}",
    "{{ [scope] * 1000 }}",
    "{{ scope|default(scope * 2) }}",
    "{{ scope|center(100000000) }}",
]


@pytest.mark.parametrize("source", INJECTIONS)
def test_injection_attempts_are_refused(source: str) -> None:
    assert template_violations(source), source


@pytest.mark.parametrize(
    "source",
    [
        "{{ scope }}推进学前教育，{{ self_ref }}新建幼儿园{{ n }}所。",
        "{% if era.milestone %}{{ era.milestone }}，{% endif %}坚持{{ era.thought }}。",
        "{% if level == 'county' and year >= 2021 %}县域{% elif not x %}全域{% else %}{% endif %}",
        "{{ a if b else c }}{{ x|default('') }}{{ x is defined }}{# note #}",
        "{% raw %}{{ literal }}{% endraw %}",
    ],
)
def test_plain_wording_is_accepted(source: str) -> None:
    assert template_violations(source) == []


def test_messages_name_the_construct() -> None:
    assert "'for'" in template_violations("{% for i in x %}{% endfor %}")[0]
    assert "'__class__'" in template_violations("{{ ''.__class__ }}")[0]
    assert "'attr'" in template_violations("{{ x|attr('y') }}")[0]
    assert "'*'" in template_violations("{{ 'a' * 9 }}")[0]
    assert "syntax error" in template_violations("{% if %}")[0]
    assert "too long" in template_violations("好" * (MAX_TEMPLATE_CHARS + 1))[0]


def test_the_shipped_library_passes_the_policy(library: Library) -> None:
    refused = [
        (clause.id, source, template_violations(source))
        for clause in library.clauses()
        for wording in clause.wordings()
        for source in (wording.title or "", wording.text)
        if template_violations(source)
    ]
    assert refused == []


@pytest.fixture
def service(tmp_path: Path) -> LibraryService:
    return make_service(tmp_path)


@pytest.mark.parametrize("source", INJECTIONS[:8] + INJECTIONS[11:18])
def test_chat_edit_with_injection_is_refused(service: LibraryService, source: str) -> None:
    before = dump(service.library)
    preview = service.preview_edit(OWNER, "preschool.supply", text=source)
    assert preview.token is None and preview.problems
    assert {p.clause_id for p in preview.problems} == {"preschool.supply"}
    with pytest.raises(ChangeRejected):
        service.edit_clause_text(OWNER, "preschool.supply", source)
    assert dump(service.library) == before and service.revision == 0


def test_new_clause_with_injection_is_refused(service: LibraryService) -> None:
    new = NewClause(topic="preschool", kind=ClauseKind.TASK, title="标题{{ ''.__class__ }}",
                    text="{% for i in range(9) %}{{ scope }}{% endfor %}")
    preview = service.preview_new_clause(OWNER, new)
    fields = {p.field for p in preview.problems}
    assert preview.token is None and {"title", "text"} <= fields


def test_upload_with_injection_lists_every_clause(service: LibraryService) -> None:
    data = topic_text("preschool", (
        "  - id: preschool.a\n    kind: task\n    text: \"{{ scope|attr('__class__') }}\"\n"
        "  - id: preschool.b\n    kind: task\n    text: \"{{ 'a' * 100000000 }}\"\n"
        "    variants:\n      - text: \"{% set x = 1 %}{{ scope }}\"\n"
    ), name="学前教育")
    preview = service.preview_upload(OWNER, "preschool.yaml", data)
    where = {(p.clause_id, p.field, p.line) for p in preview.problems}
    assert where == {("preschool.a", "text", 5), ("preschool.b", "text", 8),
                     ("preschool.b", "variants[0].text", 8)}
    assert preview.token is None and service.revision == 0


def test_rendered_output_is_capped(service: LibraryService) -> None:
    # No arithmetic can make it long; a long literal text is capped by the template limit.
    long_text = "{{ scope }}" + "好" * (MAX_TEMPLATE_CHARS - 20)
    assert template_violations(long_text) == []
    preview = service.preview_edit(OWNER, "preschool.supply", text=long_text + "好" * 40)
    assert preview.token is None
    assert any("too long" in p.message for p in preview.problems)


BOMBS = ["{{ 'a' * 100000000000 }}", "{{ 'a'|center(100000000000) }}",
         "{{ [1] * 100000000000 }}", "{{ '%100000000000s' % 'a' }}"]


@pytest.mark.parametrize("source", BOMBS)
def test_constant_bombs_are_refused_before_anything_compiles_them(
    service: LibraryService, source: str
) -> None:
    """Compiling a template folds constant expressions: the policy must come first."""
    assert service.preview_edit(OWNER, "preschool.supply", text=source).problems
    data = topic_text("preschool", f'  - id: preschool.a\n    kind: task\n    text: "{source}"\n',
                      name="学前教育")
    problems = service.preview_upload(OWNER, "preschool.yaml", data).problems
    assert [(p.clause_id, p.field) for p in problems] == [("preschool.a", "text")]
