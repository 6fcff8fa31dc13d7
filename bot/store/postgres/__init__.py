"""The PostgreSQL store, chosen by ``PLANBOT_DATABASE_URL`` (TinyDB stays the default).

    db = open_database(settings.database_url.get_secret_value())   # migrated at start
    store = open_pg_store(db)                                       # drafts, sessions, shares

=============  ===========================================================================
module         what it holds
=============  ===========================================================================
_db            the pool (psycopg_pool), the thread's transaction, advisory locks
_schema        the versioned migrations, applied at start
_drafts        drafts and sessions (JSONB documents with ``schema_version``)
_shares        share links and the names of the people who used them
_store         ``PgStore`` (the ``Store`` protocol) and the openers
_updates       Telegram ``update_id`` claims shared by webhook instances
_rates         Telegram's rate buckets shared by the instances
=============  ===========================================================================

The curation side (library revisions, admins, audit and usage) keeps its own tables in the
same database through ``Database`` (``bot.curation._pg``).
"""

from bot.store.postgres._db import NS_ADMINS, NS_LIBRARY, Database
from bot.store.postgres._drafts import as_json
from bot.store.postgres._rates import PgRateBuckets
from bot.store.postgres._schema import MIGRATIONS, migrate
from bot.store.postgres._store import PgStore, open_database, open_pg_store
from bot.store.postgres._updates import Claim, UpdateLedger

__all__ = [
    "MIGRATIONS", "NS_ADMINS", "NS_LIBRARY", "Claim", "Database", "PgRateBuckets", "PgStore",
    "UpdateLedger", "as_json", "migrate", "open_database", "open_pg_store",
]
