"""What only the PostgreSQL store has: migrations, whole-update transactions, several
instances on one database, and the curation records (revisions, admins, audit, usage).

The suite every store passes is tests/test_store.py and tests/test_store_shares.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.curation import LibraryService, NewClause, UsageEvent
from bot.curation._pg import PgAdminRegistry, PgAuditLog, PgRevisionLog, PgUsageStats
from bot.errors import ConflictError
from bot.library.models import ClauseKind, Level
from bot.store import StoreCorrupt
from bot.store.postgres import MIGRATIONS, Database, PgStore, migrate, open_database, open_pg_store
from tests.admin_support import OWNER, SNIPPETS, FakeClock, base_library, region

ALICE, BOB = 101, 202
PLAN: dict[str, Any] = {"n": 0}


@pytest.fixture
def db(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url, max_size=12)
    yield database
    database.close()


@pytest.fixture
def other(pg_url: str) -> Iterator[Database]:
    """A second instance on the same database: a pool of its own."""
    database = open_database(pg_url, max_size=12)
    yield database
    database.close()


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return conn.execute(sql.encode()).fetchall()


def test_migrations_apply_once_and_a_newer_database_is_refused(db: Database) -> None:
    with db.connect() as conn:
        assert migrate(conn) == []  # open_database applied them all
        versions = [r[0] for r in conn.execute("SELECT version FROM planbot_migrations")]
        assert versions == [version for version, _, _ in MIGRATIONS]
        conn.execute("INSERT INTO planbot_migrations (version, name) VALUES (99, 'future')")
        conn.commit()
        with pytest.raises(StoreCorrupt) as caught:
            migrate(conn)
    assert caught.value.message_id == "store_schema_newer"


def test_documents_are_jsonb_with_a_schema_version(db: Database) -> None:
    store = open_pg_store(db)
    draft = store.drafts.create(ALICE, "清远 2025", {"title": "工作要点"})
    store.sessions.save(ALICE, {"screen": "region"})
    [(doc,)] = rows(db, "SELECT doc FROM drafts")
    assert doc["schema_version"] == 1 and doc["id"] == draft.id and doc["name"] == "清远 2025"
    [(session,)] = rows(db, "SELECT doc FROM sessions")
    assert session["schema_version"] == 1 and session["data"] == {"screen": "region"}


def test_an_update_that_fails_leaves_the_last_good_state(db: Database) -> None:
    store = open_pg_store(db)
    draft = store.drafts.create(ALICE, "a", PLAN)
    with pytest.raises(ZeroDivisionError), store.transaction(ALICE):
        store.drafts.put(draft.model_copy(update={"name": "half-done"}))
        store.sessions.save(ALICE, {"screen": "edit"})
        _ = 1 / 0  # the update crashes before it ends
    kept = store.drafts.get(draft.id)
    assert kept is not None and kept.name == "a" and kept.revision == 0
    assert store.sessions.load(ALICE) is None


def test_a_failed_operation_leaves_the_update_usable(db: Database) -> None:
    store = open_pg_store(db)
    draft = store.drafts.create(ALICE, "a", PLAN)
    with store.transaction(ALICE):
        with pytest.raises(TypeError):
            store.sessions.save(ALICE, {"bad": object()})
        with pytest.raises(ConflictError):
            store.drafts.put(draft, expected_revision=5)
        store.drafts.put(draft.model_copy(update={"name": "b"}), expected_revision=0)
    kept = store.drafts.get(draft.id)
    assert kept is not None and kept.name == "b"


def test_an_invalid_record_is_reported_and_skipped(db: Database) -> None:
    store = open_pg_store(db)
    good = store.drafts.create(ALICE, "good", PLAN)
    bad = store.drafts.create(ALICE, "bad", PLAN)
    with db.connect() as conn:
        conn.execute("UPDATE drafts SET doc = jsonb_set(doc, '{schema_version}', '99')"
                     " WHERE id = %s", (bad.id,))
    with pytest.raises(StoreCorrupt) as caught:
        store.drafts.get(bad.id)
    assert caught.value.message_id == "store_record_invalid"
    assert [r.id for r in store.drafts.list_for(ALICE)] == [good.id]


def test_a_session_from_a_newer_planbot_is_refused(db: Database) -> None:
    store = open_pg_store(db)
    store.sessions.save(ALICE, {"screen": "x"})
    with db.connect() as conn:
        conn.execute("UPDATE sessions SET doc = jsonb_set(doc, '{schema_version}', '7')")
    with pytest.raises(StoreCorrupt) as caught:
        store.sessions.load(ALICE)
    assert caught.value.message_id == "store_schema_newer"


def test_two_instances_lose_no_update_on_one_draft(db: Database, other: Database) -> None:
    first, second = PgStore(db), PgStore(other)
    draft = first.drafts.create(ALICE, "counter", {"n": 0})
    errors: list[BaseException] = []

    def work(store: PgStore, user: int) -> None:
        try:
            for _ in range(15):
                with store.transaction(user):  # each instance serves a user of its own
                    while True:
                        current = store.drafts.get(draft.id)
                        assert current is not None
                        plan = {"n": current.plan["n"] + 1}
                        try:
                            store.drafts.put(current.model_copy(update={"plan": plan}),
                                             expected_revision=current.revision)
                            break
                        except ConflictError:
                            continue
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, u))
               for s, u in [(first, ALICE), (second, BOB), (first, ALICE), (second, BOB)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    final = second.drafts.get(draft.id)
    assert final is not None and final.plan["n"] == 60 and final.revision == 60


def test_one_users_updates_are_serialised_across_instances(db: Database, other: Database) -> None:
    inside, release, entered = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        with PgStore(db).transaction(ALICE):
            inside.set()
            release.wait(10)

    def contend() -> None:
        with PgStore(other).transaction(ALICE):
            entered.set()

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(10)
    contender = threading.Thread(target=contend)
    contender.start()
    assert not entered.wait(0.3)
    release.set()
    assert entered.wait(10)
    holder.join()
    contender.join()


def test_a_lock_ends_with_its_connection(db: Database, pg_url: str) -> None:
    """A process that dies inside an update (its connection gone) leaves no lock behind."""
    conn = psycopg.connect(pg_url)
    conn.execute("SELECT pg_advisory_xact_lock(%s::bigint)", (ALICE,))
    conn.close()  # as if killed: the server ends the transaction
    done = threading.Event()

    def take() -> None:
        with PgStore(db).transaction(ALICE):
            done.set()

    thread = threading.Thread(target=take)
    thread.start()
    assert done.wait(10)
    thread.join()


# --- curation ----------------------------------------------------------------------------------


def service(db: Database, data_dir: Path, clock: FakeClock) -> LibraryService:
    audit = PgAuditLog(data_dir, db, clock)
    return LibraryService(
        base_library(), PgRevisionLog(data_dir, db),
        PgAdminRegistry(data_dir, frozenset({OWNER}), audit, db, clock), audit,
        PgUsageStats(data_dir, db, clock), snippets_dir=SNIPPETS,
        sample_region=region(), clock=clock,
    )


def test_a_change_previewed_on_one_instance_is_confirmed_on_the_other_and_live_on_both(
    db: Database, other: Database, tmp_path: Path
) -> None:
    clock = FakeClock()
    one, two = service(db, tmp_path / "a", clock), service(other, tmp_path / "b", clock)
    preview = one.preview_new_clause(OWNER, NewClause(
        topic="preschool", kind=ClauseKind.TASK, title="推进托幼一体化试点",
        text="{{ scope }}开展托幼一体化试点。", years=(2022, None), levels=(Level.COUNTY,)))
    assert not preview.problems
    info = two.apply(OWNER, preview.token)  # 确认 reached the other instance
    assert info.number == 1 and one.revision == 0
    assert one.refresh() and one.revision == 1 and two.revision == 1
    assert rows(db, "SELECT count(*) FROM library_pending") == [(0,)]
    assert [r.number for r in two.history(OWNER)] == [1]
    assert rows(db, "SELECT number FROM library_revisions") == [(1,)]
    assert [e.action for e in two.audit.entries()] == [e.action for e in one.audit.entries()]
    assert one.audit.entries()


def test_admins_and_usage_are_shared_by_instances(
    db: Database, other: Database, tmp_path: Path
) -> None:
    clock = FakeClock()
    one, two = service(db, tmp_path / "a", clock), service(other, tmp_path / "b", clock)
    assert one.add_admin(OWNER, 555) and not two.add_admin(OWNER, 555)
    assert two.is_admin(555)
    assert two.remove_admin(OWNER, 555) and not one.is_admin(555)
    one.usage.record(UsageEvent.INSERTED, "preschool.supply", "preschool.supply")
    two.usage.record(UsageEvent.EDITED, "preschool.supply")
    counts = two.usage.counts()
    assert counts[UsageEvent.INSERTED]["preschool.supply"] == 2
    assert counts[UsageEvent.EDITED]["preschool.supply"] == 1
    assert [e.action for e in one.audit.entries()] == ["admin_add", "admin_remove"]
    assert not (tmp_path / "a" / "admins.json").exists()  # nothing on files


# --- the wiring: two bot instances on one database ----------------------------------------------


def test_two_engines_on_one_database_share_drafts_and_library(pg_url: str, tmp_path: Path) -> None:
    """``build_engine`` with ``PLANBOT_DATABASE_URL``: two instances (separate data directories,
    one database); a draft made on one is the user's on the other; an admin's change on one is
    live on the other at its next event."""
    from pydantic import SecretStr

    from bot.app import build_engine
    from bot.config import Settings
    def settings(data_dir: Path) -> Settings:
        return Settings.model_construct(data_dir=data_dir, snippets_dir=SNIPPETS,
                                        admin_ids=frozenset({OWNER}),
                                        database_url=SecretStr(pg_url))

    first, second = build_engine(settings(tmp_path / "a")), build_engine(settings(tmp_path / "b"))
    assert isinstance(first.deps.store, PgStore) and isinstance(second.deps.store, PgStore)
    try:
        check_two_engines(first, second)
    finally:
        first.deps.store.db.close()
        second.deps.store.db.close()
    assert not (tmp_path / "a" / "users").exists() and not (tmp_path / "b" / "users").exists()


def check_two_engines(first: Any, second: Any) -> None:
    from tests.admin_chat import USER, Admin

    user_a, user_b, owner_b = Admin(first, USER), Admin(second, USER), Admin(second, OWNER)
    user_a.draft_quickly(topics=("学前教育",))
    assert "preschool.supply" in [i.clause_id for s in user_a.plan().sections for i in s.items]
    [draft] = second.deps.store.drafts.list_for(USER)
    user_b.cmd("drafts")
    assert draft.name in user_b.text
    owner_b.cmd("clause_retire", "preschool.supply")
    owner_b.press("确认")
    user_a.draft_quickly(region="修文县", topics=("学前教育",))  # the first instance's next event
    assert "preschool.supply" not in [i.clause_id for s in user_a.plan().sections for i in s.items]


def test_the_store_goes_on_after_the_server_restarts(tmp_path: Path) -> None:
    """Pooled connections cut by a restart are replaced when taken; nothing stored is lost."""
    from tests.pg_cluster import Cluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        pytest.skip("a server of its own needs initdb")
    cluster = Cluster(bin_dir)
    try:
        db = open_database(cluster.start(), max_size=2)
        store = open_pg_store(db)
        draft = store.drafts.create(ALICE, "before", PLAN)
        cluster.restart()
        store.drafts.put(draft.model_copy(update={"name": "after"}), expected_revision=0)
        with store.transaction(ALICE):
            store.sessions.save(ALICE, {"screen": "x"})
        kept = store.drafts.get(draft.id)
        assert kept is not None and kept.name == "after" and store.sessions.load(ALICE)
        db.close()
    finally:
        cluster.stop()
