"""The schema, as numbered migrations applied in order at start (``migrate``).

Each migration runs once, in one transaction with the others of the same start, under an
advisory lock, so instances starting together apply it once. ``planbot_migrations`` records
what was applied; a database migrated by a newer planbot (a version this one does not know) is
refused rather than used.

Every document is JSONB with its own ``schema_version`` (the same models as the TinyDB store:
``bot.store.models``); the columns beside it are the keys the queries need.
"""

from __future__ import annotations

import psycopg

from bot.store.errors import StoreCorrupt
from bot.store.postgres._db import NS_MIGRATIONS

__all__ = ["MIGRATIONS", "migrate"]

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "drafts, sessions, share links", """
        CREATE TABLE drafts (
            id text PRIMARY KEY,
            owner bigint NOT NULL,
            updated_at timestamptz NOT NULL,
            doc jsonb NOT NULL
        );
        CREATE INDEX drafts_owner ON drafts (owner);
        CREATE INDEX drafts_collaborators ON drafts
            USING gin ((doc -> 'collaborators') jsonb_path_ops);
        CREATE TABLE sessions (
            user_id bigint PRIMARY KEY,
            updated_at timestamptz NOT NULL,
            doc jsonb NOT NULL
        );
        CREATE TABLE share_links (
            token_hash text PRIMARY KEY,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            draft_id text NOT NULL,
            doc jsonb NOT NULL
        );
        CREATE INDEX share_links_draft ON share_links (draft_id, seq);
        CREATE TABLE share_names (
            draft_id text NOT NULL,
            user_id bigint NOT NULL,
            name text NOT NULL,
            PRIMARY KEY (draft_id, user_id)
        );
    """),
    (2, "library revisions, admins, audit log, usage events", """
        CREATE TABLE library_revisions (
            number integer PRIMARY KEY CHECK (number >= 1),
            doc jsonb NOT NULL
        );
        CREATE TABLE documents (
            name text PRIMARY KEY,
            doc jsonb NOT NULL
        );
        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            doc jsonb NOT NULL
        );
        CREATE TABLE usage_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            doc jsonb NOT NULL
        );
        CREATE INDEX usage_events_at ON usage_events (at);
    """),
    (3, "Telegram updates claimed by webhook instances", """
        CREATE TABLE telegram_updates (
            update_id bigint PRIMARY KEY,
            state text NOT NULL CHECK (state IN ('claimed', 'done')),
            claimed_at timestamptz NOT NULL,
            done_at timestamptz
        );
        CREATE INDEX telegram_updates_done ON telegram_updates (done_at);
    """),
    (4, "library previews waiting for confirmation", """
        CREATE TABLE library_pending (
            token text PRIMARY KEY,
            created_at timestamptz NOT NULL,
            doc jsonb NOT NULL
        );
    """),
    (5, "Telegram's rate buckets shared by the instances", """
        CREATE TABLE rate_buckets (
            key text PRIMARY KEY,
            slots float8[] NOT NULL DEFAULT '{}'
        );
    """),
)

LATEST = MIGRATIONS[-1][0]


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> list[int]:
    """Apply the migrations the database lacks; the versions applied now."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (NS_MIGRATIONS,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS planbot_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {int(str(row[0])) for row in conn.execute("SELECT version FROM planbot_migrations")}
        unknown = sorted(done - {version for version, _, _ in MIGRATIONS})
        if unknown:
            raise StoreCorrupt("store_schema_newer", detail=f"database migration {unknown[-1]}")
        for version, name, sql in MIGRATIONS:
            if version not in done:
                conn.execute(sql.encode("utf-8"))
                conn.execute("INSERT INTO planbot_migrations (version, name) VALUES (%s, %s)",
                             (version, name))
                applied.append(version)
    return applied
