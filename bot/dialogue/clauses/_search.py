"""/clause 关键词 and inline mode: find any standard clause, read it, insert it into a draft.

    /clause 课后服务    the best clauses, ``PAGE`` at a time (topic, title, the start of the text);
                       per result 查看全文 and 插入到草稿; 上一页 / 下一页
    /clause            asks for the keywords: the next text is the query
    @bot 课后服务       inline, in any chat: up to ``INLINE_PAGE`` clauses a page; choosing one
                       posts its text; an empty query lists the most inserted clauses

With a draft open (its overview, a section, an item …) the results are the clauses that fit the
draft's year and level; 查看全文 renders the clause for that draft (region, year, the user's
targets) and 插入到草稿 asks for one of its sections. Without one, 查看全文 shows the text for
the neutral region (``bot.search.preview``) and 插入到草稿 lists the user's drafts the clause fits
(or offers a new one). The draft's Composer renders the inserted clause
(``compose.refine.add_clause``); it is saved with the revision the buttons carry and counted as
INSERTED (``usage``).

A query whose first page has no good result is recorded for the curators (``record=True``);
inline queries are not (they arrive keystroke by keystroke). The session keeps the clause ids of
the page shown: a button names a result by its index, and the nonce makes older buttons stale.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from bot.compose.plan import Plan, SectionRole
from bot.compose.refine import add_clause, composer_for
from bot.dialogue import usage
from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.clauses import ClauseAct
from bot.dialogue.codes.interview import InterviewAct
from bot.dialogue.draft import Labels, item_view, load_plan, save, section_name
from bot.dialogue.layout import LABEL, short
from bot.dialogue.router import Feature, command_name
from bot.dialogue.state.clauses import ClauseQuestion, ClauseSearch
from bot.dialogue.state.draft import Screen
from bot.dialogue.turn import Deps, Rejected, Turn, revision_tag, rows
from bot.dialogue.types import MAX_TEXT, Event, EventKind, InlineAnswer, InlineResult, Reply
from bot.dialogue.usage import UsageEvent
from bot.errors import InputError
from bot.library.library import Library
from bot.library.models import Clause, ClauseKind
from bot.search.index import RESULT_KINDS
from bot.search.preview import headline, neutral_region, preview, preview_year
from bot.store.models import DraftRecord

PAGE = 5  # results per /clause page
INLINE_PAGE = 50  # results per inline page (Telegram's maximum)
MAX_INLINE_OFFSET = 500  # inline paging stops here
EXCERPT = 40  # characters of a clause's text in the results
DESCRIPTION = 80  # characters of an inline result's description
MAX_QUERY = 100
POPULAR_SECONDS = 60.0  # usage statistics are read again after this long (empty inline query)
MAX_RESULT_ID = 64  # bytes
SEARCHED = RESULT_KINDS
_ROLE = {
    ClauseKind.TASK: SectionRole.TOPIC,
    ClauseKind.TARGET: SectionRole.TARGETS,
    ClauseKind.SAFEGUARD: SectionRole.SAFEGUARDS,
    ClauseKind.GENERAL: SectionRole.GENERAL,
    ClauseKind.CLOSING: SectionRole.CLOSING,
}
Handler = Callable[[Turn, Action], list[Reply]]


# --- /clause ---------------------------------------------------------------------------------


def command(turn: Turn) -> list[Reply]:
    """/clause [keywords]: the first page of results, or the question for the keywords."""
    session = turn.session
    session.pending = None
    draft = _open_draft(turn)
    state = ClauseSearch(draft_id=draft.id if draft is not None else "")
    session.clauses = state
    query = turn.event.text.strip()
    if not query:
        session.enter(ClauseQuestion())
        return [turn.reply(turn.say("clause_ask"))]
    return [_search(turn, state, query, 0, record=True)]


def asking(turn: Turn) -> bool:
    """Whether the bot waits for the keywords of /clause."""
    return turn.session.clauses is not None and turn.session.mode(ClauseQuestion) is not None


def on_text(turn: Turn, text: str) -> list[Reply]:
    """The keywords /clause asked for."""
    state = turn.session.clauses
    assert state is not None
    if not text.strip():
        return [turn.reply(turn.say("clause_ask"))]
    return [_search(turn, state, text.strip(), 0, record=True)]


def stop_asking(turn: Turn) -> bool:
    """Forget the question for keywords (another command came); whether there was one."""
    if not asking(turn):
        return False
    turn.session.leave(ClauseQuestion)
    return True


def _open_draft(turn: Turn) -> DraftRecord | None:
    """The draft the user is looking at (not a read-only view link), if any."""
    view = turn.session.view
    if view is None or not view.draft_id or view.screen in (Screen.LIST, Screen.SHARED):
        return None
    record = turn.deps.store.drafts.get(view.draft_id)
    return record if record is not None and record.visible_to(turn.user_id) else None


def _state_draft(turn: Turn, state: ClauseSearch) -> tuple[DraftRecord, Plan] | None:
    """The draft the search is about, if it is still there and the user's."""
    if not state.draft_id:
        return None
    record = turn.deps.store.drafts.get(state.draft_id)
    if record is None or not record.visible_to(turn.user_id):
        state.draft_id = ""
        return None
    return record, load_plan(record)


def _search(turn: Turn, state: ClauseSearch, query: str, page: int, *, record: bool) -> Reply:
    search = turn.deps.search
    if search is None:
        raise InputError("clause_search_unavailable")
    if len(query) > MAX_QUERY:
        raise InputError("clause_query_too_long", limit=MAX_QUERY, length=len(query))
    found = _state_draft(turn, state)
    plan = found[1] if found is not None else None
    hits = search.search(
        query, year=plan.year if plan else None, level=plan.region.level if plan else None,
        kinds=SEARCHED, limit=PAGE + 1, offset=page * PAGE, record=record,
    )
    state.query, state.page = query, page
    turn.session.leave(ClauseQuestion)
    state.ids = [hit.clause_id for hit in hits[:PAGE]]
    state.more = len(hits) > PAGE
    return _results(turn, state)


def _results(turn: Turn, state: ClauseSearch) -> Reply:
    found = _state_draft(turn, state)
    first = state.page * PAGE + 1
    listed, buttons = [], []
    for k, clause_id in enumerate(state.ids):
        clause = turn.library.clause(clause_id)
        topic = turn.library.topic_of(clause_id)
        if clause is None or clause.retired or topic is None:
            continue  # changed by an admin since the search
        title, text = _rendered(turn, clause, found[1] if found else None)
        listed.append({"n": first + k, "topic": topic.name, "title": title,
                       "excerpt": short(" ".join(text.split()), EXCERPT)})
        buttons.append([
            turn.labelled("btn_clause_full", ClauseAct.CLAUSE_FULL, k, n=first + k),
            turn.labelled("btn_clause_insert", ClauseAct.CLAUSE_INSERT, k, n=first + k),
        ])
    paging = []
    if state.page > 0:
        paging.append(turn.labelled("btn_prev_page", ClauseAct.CLAUSE_PAGE, state.page - 1))
    if state.more:
        paging.append(turn.labelled("btn_next_page", ClauseAct.CLAUSE_PAGE, state.page + 1))
    draft = _draft_params(found)
    text = turn.screen("clause_results", query=short(state.query, 30), page=state.page + 1,
                       results=listed, more=state.more, **draft)
    return turn.reply(text, [*buttons, paging])


def _draft_params(found: tuple[DraftRecord, Plan] | None) -> dict[str, object]:
    if found is None:
        return {"draft": "", "year": 0}
    return {"draft": found[0].name, "year": found[1].year}


def _rendered(turn: Turn, clause: Clause, plan: Plan | None) -> tuple[str, str]:
    """The clause's title and text for the draft, or for the neutral region."""
    if plan is not None:
        item = composer_for(plan, turn.library).render_item(clause)
        return _titled(item.title, item.text), item.text
    return _neutral(turn.deps, turn.library, clause)


def _neutral(deps: Deps, library: Library, clause: Clause) -> tuple[str, str]:
    search = deps.search
    spec = search.analyzer.neutral_region if search is not None else None
    if spec is None:
        raise InputError("clause_search_unavailable")
    year = preview_year(clause, None, deps.clock())
    shown = preview(library, clause, neutral_region(spec), year)
    return _titled(shown.title, shown.text), shown.text


def _titled(title: str, text: str) -> str:
    """A clause's title, or (it has none) the start of its rendered text."""
    return headline(title, text)


def _title(turn: Turn, clause: Clause, plan: Plan | None = None) -> str:
    return _rendered(turn, clause, plan)[0]


# --- the buttons -----------------------------------------------------------------------------


def _state(turn: Turn) -> ClauseSearch:
    state = turn.session.clauses
    if state is None or not state.query:
        raise Rejected("button_invalid")
    return state


def _picked(turn: Turn, state: ClauseSearch, k: int) -> Clause:
    if not 0 <= k < len(state.ids):
        raise Rejected("button_invalid")
    clause = turn.library.clause(state.ids[k])
    if clause is None or clause.retired:
        raise Rejected("clause_gone")
    return clause


def _page(turn: Turn, action: Action) -> list[Reply]:
    state = _state(turn)
    return [_search(turn, state, state.query, action.ints[0], record=False)]


def _full(turn: Turn, action: Action) -> list[Reply]:
    state = _state(turn)
    k = action.ints[0]
    clause = _picked(turn, state, k)
    found = _state_draft(turn, state)
    title, text = _rendered(turn, clause, found[1] if found else None)
    topic = turn.library.topic_of(clause.id)
    search = turn.deps.search
    spec = search.analyzer.neutral_region if search is not None else None
    screen = turn.screen("clause_full", topic=topic.name if topic else "", title=title,
                         text=text, region=spec.full_name if spec else "", **_draft_params(found))
    return [turn.reply(screen, [
        [turn.labelled("btn_clause_insert_this", ClauseAct.CLAUSE_INSERT, k)],
        [turn.labelled("btn_clause_results", ClauseAct.CLAUSE_PAGE, state.page)],
    ])]


def _insert(turn: Turn, action: Action) -> list[Reply]:
    state = _state(turn)
    k = action.ints[0]
    clause = _picked(turn, state, k)
    found = _state_draft(turn, state)
    if found is not None:
        return [_where(turn, state, k, clause, found[0])]
    return [_which_draft(turn, state, k, clause)]


def _draft(turn: Turn, action: Action) -> list[Reply]:
    state = _state(turn)
    k = action.ints[0]
    clause = _picked(turn, state, k)
    return [_where(turn, state, k, clause, turn.draft(action.draft))]


def _which_draft(turn: Turn, state: ClauseSearch, k: int, clause: Clause) -> Reply:
    """No draft is open: the user's drafts the clause fits (newest first), or a new one."""
    fitting = [
        record for record in turn.deps.store.drafts.list_for(turn.user_id)
        if _fits(clause, load_plan(record))
    ][: turn.deps.page_size]
    picks = [turn.button(short(r.name, LABEL), ClauseAct.CLAUSE_DRAFT, r.id, k) for r in fitting]
    text = turn.screen("clause_drafts", title=_title(turn, clause), drafts=len(fitting))
    return turn.reply(text, [
        *rows(picks, 1),
        [turn.labelled("btn_new", InterviewAct.NEW)],
        [turn.labelled("btn_clause_results", ClauseAct.CLAUSE_PAGE, state.page)],
    ])


def _where(turn: Turn, state: ClauseSearch, k: int, clause: Clause, record: DraftRecord) -> Reply:
    """The sections of the draft the clause can go into."""
    plan = load_plan(record)
    _check_fits(turn, clause, record, plan)
    labels = Labels.of(plan)
    rev = revision_tag(record)
    picks = [
        turn.button(short(f"{labels.sections.get(s, '')}{section_name(turn, plan, s)}", LABEL),
                    ClauseAct.CLAUSE_SECTION, record.id, rev, k, s)
        for s in _sections_for(plan, clause)
    ]
    text = turn.screen("clause_where", title=_title(turn, clause, plan), draft=record.name)
    return turn.reply(text, [
        *rows(picks, 1), [turn.labelled("btn_clause_results", ClauseAct.CLAUSE_PAGE, state.page)],
    ])


def _section(turn: Turn, action: Action) -> list[Reply]:
    """Insert the clause into the section: rendered for the draft, saved, counted."""
    state = _state(turn)
    rev, k, s = action.ints
    clause = _picked(turn, state, k)
    record = turn.current(action.draft, rev)
    plan = load_plan(record)
    if s not in _sections_for(plan, clause):
        raise Rejected("button_invalid")
    _check_fits(turn, clause, record, plan)
    i = add_clause(plan, turn.library, s, clause)
    record = save(turn, record, plan)
    usage.record(turn, UsageEvent.INSERTED, clause.id)
    item = plan.sections[s].items[i]
    note = turn.say("clause_inserted", title=short(_titled(item.title, item.text), LABEL))
    return [item_view(turn, record, s, i, note=note)]


def _fits(clause: Clause, plan: Plan) -> bool:
    return clause.fits(plan.year, plan.region.level)


def _check_fits(turn: Turn, clause: Clause, record: DraftRecord, plan: Plan) -> None:
    if not _fits(clause, plan):
        start, end = clause.years
        raise InputError("clause_not_for_draft", draft=record.name, year=plan.year,
                         start=start, end=end or 0)
    if not _sections_for(plan, clause):
        raise InputError("clause_already_in_draft", draft=record.name)


def _sections_for(plan: Plan, clause: Clause) -> list[int]:
    """Sections of the role the clause's kind belongs in (any but group headings if the plan
    has none), without those that hold the clause already."""
    role = _ROLE.get(clause.kind)
    sections = [(s, x) for s, x in enumerate(plan.sections) if x.role is not SectionRole.GROUP]
    matching = [(s, x) for s, x in sections if x.role is role]
    return [
        s for s, section in (matching or sections)
        if all(item.clause_id != clause.id for item in section.items)
    ]


HANDLERS: dict[Code, Handler] = {
    ClauseAct.CLAUSE_PAGE: _page,
    ClauseAct.CLAUSE_FULL: _full,
    ClauseAct.CLAUSE_INSERT: _insert,
    ClauseAct.CLAUSE_DRAFT: _draft,
    ClauseAct.CLAUSE_SECTION: _section,
}


def on_button(turn: Turn, action: Action) -> list[Reply]:
    return HANDLERS[action.act](turn, action)


def _first(turn: Turn, action: Action | None) -> list[Reply] | None:
    """Anything but a text ends the question for keywords; /cancel then only ends that."""
    event = turn.event
    if event.kind is not EventKind.TEXT and stop_asking(turn) and (
        event.kind is EventKind.COMMAND and command_name(event.command) == "cancel"
    ):
        return [Reply(text=turn.say("clause_cancelled")), *turn.current_screen()]
    return None


def _text(turn: Turn, text: str) -> list[Reply] | None:
    return on_text(turn, text) if asking(turn) else None


def _screen(turn: Turn) -> list[Reply] | None:
    return [Reply(text=turn.say("clause_ask"))] if asking(turn) else None


# --- inline mode -----------------------------------------------------------------------------


class Popular:
    """What an empty inline query lists: the most inserted clauses (the usage statistics, read
    again after ``POPULAR_SECONDS``), then each topic's first default task, then the other
    default tasks, then the other default clauses, in library order."""

    def __init__(self, seconds: float = POPULAR_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, int, list[str]] | None = None

    def ids(self, deps: Deps, library: Library) -> list[str]:
        now = time.monotonic()
        with self._lock:
            cached = self._cached
            if cached is not None and cached[1] == id(library) and now - cached[0] < self.seconds:
                return cached[2]
        ids = _popular(deps, library)
        with self._lock:
            self._cached = (now, id(library), ids)
        return ids


def _popular(deps: Deps, library: Library) -> list[str]:
    out = []
    for clause_id in dict.fromkeys([*_most_inserted(deps), *_curated(library)]):
        clause = library.clause(clause_id)
        if clause is not None and not clause.retired and clause.kind in SEARCHED:
            out.append(clause_id)
    return out


def _most_inserted(deps: Deps) -> list[str]:
    counts = deps.curation.usage.counts()[UsageEvent.INSERTED] if deps.curation else None
    return [i for i, _ in sorted((counts or {}).items(), key=lambda c: (-c[1], c[0]))]


def _curated(library: Library) -> list[str]:
    """Each topic's first default task, then the other default tasks, then the other defaults."""
    tasks = [
        [c.id for c in sorted(topic.clauses, key=lambda c: c.order)
         if c.default and c.kind is ClauseKind.TASK]
        for topic in library.topics.values()
    ]
    others = [c.id for c in library.clauses() if c.default]
    return [ids[0] for ids in tasks if ids] + [i for ids in tasks for i in ids[1:]] + others


def inline_answer(deps: Deps, event: Event, popular: Popular) -> InlineAnswer:
    """Clauses for an inline query, rendered for the neutral region; never records a miss."""
    search = deps.search
    if search is None or search.analyzer.neutral_region is None:
        return InlineAnswer()
    library = deps.current_library()
    offset = _offset(event.offset)
    query = event.text.strip()[:MAX_QUERY]
    if query:
        hits = search.search(query, kinds=SEARCHED, limit=INLINE_PAGE, offset=offset,
                             record=False)
        ids, more = [hit.clause_id for hit in hits], len(hits) == INLINE_PAGE
    else:
        listed = popular.ids(deps, library)
        ids, more = listed[offset : offset + INLINE_PAGE], offset + INLINE_PAGE < len(listed)
    results = [r for i in ids if (r := _inline_result(deps, library, i)) is not None]
    more = more and offset + INLINE_PAGE < MAX_INLINE_OFFSET
    return InlineAnswer(results=results, next_offset=str(offset + INLINE_PAGE) if more else "")


def _offset(text: str) -> int:
    value = text.strip()
    return min(int(value), MAX_INLINE_OFFSET) if value.isdigit() else 0


def _inline_result(deps: Deps, library: Library, clause_id: str) -> InlineResult | None:
    clause, topic = library.clause(clause_id), library.topic_of(clause_id)
    if clause is None or topic is None:
        return None
    title, text = _neutral(deps, library, clause)
    body = deps.messages.text("inline_clause", title=title, text=text).strip()
    flat = " ".join(text.split())
    description = deps.messages.text("inline_description", topic=topic.name, text=flat)
    return InlineResult(id=_result_id(clause_id), title=short(title, LABEL * 4),
                        description=short(description, DESCRIPTION), text=short(body, MAX_TEXT))


def _result_id(clause_id: str) -> str:
    if len(clause_id.encode()) <= MAX_RESULT_ID:
        return clause_id
    return hashlib.sha1(clause_id.encode()).hexdigest()


PRIORITY = 20  # after admins' tasks; its question for keywords takes the next text


def feature() -> Feature:
    """/clause and inline mode (a new cache of the popular clauses for each engine)."""
    popular = Popular()
    return Feature(
        name="clauses", priority=PRIORITY, acts=frozenset(HANDLERS), mode=ClauseQuestion,
        press=on_button,
        commands={"clause": command}, text=_text, screen=_screen, first=_first,
        inline=lambda deps, event: inline_answer(deps, event, popular),
    )

