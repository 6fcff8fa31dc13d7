"""Wiring: the engine every adapter talks to, built once from the settings.

    engine = build_engine(Settings())
    replies = engine.handle(event)

The engine holds the ``LibraryService``: every event reads the library as it is then (after
``refresh``, which picks up admins' changes made in other processes), so a change applied from
the chat or the command line is live at once, without a restart. With ``search=True`` the
engine also gets a ``SearchService`` over that library (admins find clauses by keywords with it;
otherwise by plain word matching), rebuilt after every change (``follow``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.curation import LibraryService
from bot.dialogue.draft import word_exporter
from bot.dialogue.engine import Engine
from bot.dialogue.turn import Clock
from bot.library.library import Library
from bot.messages import Messages
from bot.store import Store, open_store

if TYPE_CHECKING:  # the engine is what the adapters expect
    from bot.adapters.protocol import DialogueEngine
    from bot.search.service import SearchService
    from bot.store.postgres import Database

    _ENGINE: type[DialogueEngine] = Engine


def build_engine(settings: Settings, *, clock: Clock = date.today, search: bool = False) -> Engine:
    """Open the library service (shipped snippets/ + the admins' revisions) and the store under
    ``settings.data_dir``, or both in PostgreSQL when ``settings.database_url`` is set;
    ``search``: start the search index too (the segmentation dictionary,
    the search data files in ``settings.snippets_dir``), kept up to date with the library."""
    database = _database(settings)
    curation = LibraryService.open(settings, database=database)
    index = None
    if search:
        from bot.search.service import SearchService

        index = SearchService.start(settings, curation.library)
        follow(curation, index)
    store: Store = open_store(settings.data_dir) if database is None else _pg_store(database)
    messages = Messages(settings.prompts_dir)
    return Engine(curation.library, store, messages, clock=clock, word_export=word_exporter(),
                  data_dir=settings.data_dir, curation=curation, search=index)


def _database(settings: Settings) -> Database | None:
    """The PostgreSQL database of ``settings.database_url``, migrated; None: TinyDB (psycopg is
    imported only then)."""
    url = settings.database_url.get_secret_value()
    if not url:
        return None
    from bot.store.postgres import open_database

    return open_database(url)


def _pg_store(database: Database) -> Store:
    from bot.store.postgres import open_pg_store

    return open_pg_store(database)


def follow(curation: LibraryService, search: SearchService) -> None:
    """Rebuild the search index after every change of the library (in this process or, at
    ``refresh``, in another)."""

    def rebuild(library: Library) -> None:
        search.rebuild(library)

    curation.subscribe(rebuild)
