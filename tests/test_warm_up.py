"""Warming up at start: what the first users would otherwise wait for is done before serving."""

from __future__ import annotations

import pytest

from bot.compose import render as render_module
from bot.compose.render import compile_template, render
from bot.dialogue.engine import Engine
from bot.library.models import VarSpec
from bot.messages import Messages
from bot.store import memory_store
from tests.chat import TODAY, Chat, small_library


def test_messages_warm_up_compiles_every_entry_and_screen() -> None:
    fresh = Messages()
    compiled = fresh.warm_up()
    with_markup = [s for e in fresh._catalogue.values() for s in e.values() if "{" in s]
    screens = list(fresh.directory.glob("screens/*.j2"))
    assert compiled == len(set(with_markup)) + len(screens) and screens
    assert fresh.warm_up() == len(screens)  # entries are not compiled twice


def test_after_warm_up_a_whole_draft_compiles_no_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(  # a Messages of its own: nothing compiled by other tests
        small_library(), memory_store(), Messages(), clock=lambda: TODAY, raise_errors=True
    )
    engine.warm_up()
    compiled: list[str] = []
    real = render_module._ENV.from_string

    def counting(source: str) -> object:
        compiled.append(source)
        return real(source)

    monkeypatch.setattr(render_module._ENV, "from_string", counting)
    monkeypatch.setattr(engine.messages._env, "from_string", counting)
    compile_template.cache_clear()  # what other tests compiled does not count …
    render_module.warm_up(small_library().template_sources())  # … only what warm_up does
    compiled.clear()
    Chat(engine).draft_quickly()
    assert compiled == []


@pytest.mark.parametrize("source", ["推进学前教育普及普惠发展。", "一\r\n二", " 三\r四 ", "x\n"])
def test_a_text_without_markup_renders_as_jinja_would(source: str) -> None:
    spec: dict[str, VarSpec] = {}
    jinja = render_module._WS_RE.sub("", compile_template(source).render({}).strip())
    assert render(source, {}, spec, {}) == jinja
