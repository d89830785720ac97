"""The SQLite search index: an FTS5 table with the trigram tokenizer.

`search_text LIKE '%ani%'` cannot use a B-tree index, so on SQLite every search
walked the shop's rows (376 ms median at 100,000 customers). An FTS5 table with
the ``trigram`` tokenizer (SQLite >= 3.34) answers "contains" for needles of
three or more characters from an index. It is an external-content table over
``customers_customer.search_text`` (nothing stored twice), kept true by three
triggers, so every write path (ORM save, bulk_create, bulk_update, update(),
merges, deletes) updates it inside the same transaction.

Django rebuilds a SQLite table for many schema changes (create a copy, drop the
old one, rename), which drops its triggers; `ensure_index` runs after every
``migrate`` and puts them back, rebuilding the index if they were missing.
PostgreSQL uses the pg_trgm GIN index of migration 0004 instead.
"""

from contextlib import contextmanager

# The migration that creates the index; before it (or after rolling it back)
# there is none to keep.
MIGRATION = "0005_search_trigram_index_sqlite"
FTS_TABLE = "customers_customer_fts"
CREATE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS customers_customer_fts USING fts5("
    "search_text, content='customers_customer', content_rowid='id', "
    "tokenize='trigram')"
)
TRIGGERS = {
    "customers_customer_fts_ai": """
        CREATE TRIGGER IF NOT EXISTS customers_customer_fts_ai
        AFTER INSERT ON customers_customer BEGIN
            INSERT INTO customers_customer_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
    "customers_customer_fts_ad": """
        CREATE TRIGGER IF NOT EXISTS customers_customer_fts_ad
        AFTER DELETE ON customers_customer BEGIN
            INSERT INTO customers_customer_fts(
                customers_customer_fts, rowid, search_text
            ) VALUES ('delete', old.id, old.search_text);
        END""",
    "customers_customer_fts_au": """
        CREATE TRIGGER IF NOT EXISTS customers_customer_fts_au
        AFTER UPDATE OF search_text ON customers_customer
        WHEN old.search_text IS NOT new.search_text BEGIN
            INSERT INTO customers_customer_fts(
                customers_customer_fts, rowid, search_text
            ) VALUES ('delete', old.id, old.search_text);
            INSERT INTO customers_customer_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
}
INSERT_TRIGGER = "customers_customer_fts_ai"
REBUILD = (
    "INSERT INTO customers_customer_fts(customers_customer_fts) VALUES ('rebuild')"
)
# Ids of the rows whose search text contains the quoted phrase (3+ characters).
MATCH_IDS = (
    "SELECT rowid FROM customers_customer_fts WHERE customers_customer_fts MATCH %s"
)
# How many rows match, counting no further than `limit`.
COUNT_HITS = (
    "SELECT count(*) FROM (SELECT 1 FROM customers_customer_fts "
    "WHERE customers_customer_fts MATCH %s LIMIT %s)"
)


def fts_phrase(needle: str) -> str:
    """`needle` as an FTS5 string: matched as a substring by the trigram index."""
    return '"' + needle.replace('"', '""') + '"'


def count_hits(connection, needle: str, limit: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(COUNT_HITS, [fts_phrase(needle), limit])
        return cursor.fetchone()[0]


def ensure_index(connection) -> bool:
    """Create the FTS table and its triggers where missing (SQLite only).

    Returns True when something was (re)created; the index is then rebuilt from
    the customer table so it matches the rows written while triggers were gone.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name IN (%s, %s, %s, %s)",
            [FTS_TABLE, *TRIGGERS],
        )
        present = {row[0] for row in cursor.fetchall()}
        if present == {FTS_TABLE, *TRIGGERS}:
            return False
        cursor.execute(CREATE_TABLE)
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(REBUILD)
    return True


def drop_index(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute("DROP TRIGGER IF EXISTS " + connection.ops.quote_name(name))
        cursor.execute("DROP TABLE IF EXISTS customers_customer_fts")


@contextmanager
def bulk_insert(connection):
    """Index the rows inserted inside the block with one statement at its end.

    For an import of 100,000 customers: the insert trigger is dropped inside the
    caller's transaction, the new rows (ids above the largest before the block;
    the caller holds SQLite's write lock, so nobody else adds any) are indexed
    with one ``INSERT … SELECT``, and the trigger is put back. SQLite's schema
    changes are transactional, so a rollback restores the trigger and leaves
    the index as it was. Updates and deletes keep their triggers. Elsewhere, or
    when the index is not there, this does nothing.
    """
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [INSERT_TRIGGER],
        )
        if cursor.fetchone() is None:
            yield
            return
        cursor.execute("SELECT coalesce(max(id), 0) FROM customers_customer")
        (last_id,) = cursor.fetchone()
        cursor.execute("DROP TRIGGER " + INSERT_TRIGGER)
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_customer_fts(rowid, search_text) "
            "SELECT id, search_text FROM customers_customer WHERE id > %s",
            [last_id],
        )
        cursor.execute(TRIGGERS[INSERT_TRIGGER])
