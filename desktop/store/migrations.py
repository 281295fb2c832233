"""The schema as an ordered list of migrations; `PRAGMA user_version` records
how many have run. Never edit a released migration: append a new one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]


class MigrationError(Exception):
    """A migration left the database inconsistent (e.g. dangling foreign keys)."""


def _run(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    # Not executescript(): it would COMMIT the surrounding migration transaction.
    for statement in statements:
        conn.execute(statement)


def v1_initial(conn: sqlite3.Connection) -> None:
    """The first, minimal schema: titled conversations holding a flat list of messages."""
    _run(
        conn,
        [
            """CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL DEFAULT '',
                created REAL NOT NULL,
                updated REAL NOT NULL)""",
            """CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                role TEXT NOT NULL,
                text TEXT NOT NULL DEFAULT '',
                created REAL NOT NULL)""",
            "CREATE INDEX messages_conversation ON messages(conversation_id, id)",
        ],
    )


def v2_full_messages(conn: sqlite3.Connection) -> None:
    """Conversation state (pin, draft, settings, soft delete) and messages as a
    tree of versions with status, usage, API data and a rendered-HTML cache."""
    _run(
        conn,
        [
            "ALTER TABLE conversations ADD COLUMN title_is_auto INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE conversations ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE conversations ADD COLUMN draft TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE conversations ADD COLUMN deleted_at REAL",
            "UPDATE conversations SET title_is_auto = 1 WHERE title = ''",
            """CREATE INDEX conversations_list
                ON conversations(pinned DESC, updated DESC, id DESC)
                WHERE deleted_at IS NULL""",
            # Rebuilt rather than altered: SQLite cannot add ON DELETE CASCADE or
            # CHECK constraints to an existing column.
            """CREATE TABLE messages_v2 (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL
                    REFERENCES conversations(id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
                text TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN
                    ('complete', 'streaming', 'stopped', 'interrupted', 'failed', 'incomplete')),
                error TEXT,
                input_tokens INTEGER,
                cached_tokens INTEGER,
                output_tokens INTEGER,
                reasoning_tokens INTEGER,
                total_tokens INTEGER,
                model TEXT,
                response_id TEXT,
                reasoning TEXT NOT NULL DEFAULT '',
                request_json TEXT,
                response_json TEXT,
                rendered_html TEXT,
                renderer_version TEXT,
                created REAL NOT NULL,
                updated REAL NOT NULL)""",
            # A v1 conversation is one straight branch: each message follows the
            # previous one. Messages whose conversation is gone are dropped.
            """INSERT INTO messages_v2
                (id, conversation_id, parent_id, role, text, created, updated)
                SELECT m.id, m.conversation_id,
                    (SELECT max(p.id) FROM messages AS p
                     WHERE p.conversation_id = m.conversation_id AND p.id < m.id),
                    lower(m.role), m.text, m.created, m.created
                FROM messages AS m
                WHERE m.conversation_id IN (SELECT id FROM conversations)
                ORDER BY m.id""",
            "DROP TABLE messages",
            "ALTER TABLE messages_v2 RENAME TO messages",
            # Versions of a message are its siblings: one lookup by parent.
            "CREATE INDEX messages_children ON messages(parent_id, active)",
            "CREATE INDEX messages_by_conversation ON messages(conversation_id, parent_id)",
            "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
        ],
    )


def v3_full_text_search(conn: sqlite3.Connection) -> None:
    """An FTS5 index over message text, kept in sync by triggers."""
    _run(
        conn,
        [
            """CREATE VIRTUAL TABLE messages_fts USING fts5(
                text, content='messages', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2')""",
            "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
            """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                    VALUES ('delete', old.id, old.text);
            END""",
            """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
            WHEN old.text IS NOT new.text BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                    VALUES ('delete', old.id, old.text);
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
        ],
    )


def v4_attachments(conn: sqlite3.Connection) -> None:
    """Files attached to questions. The bytes live in content-addressed files beside
    the database (see attachments.py); `attachments` has one row per distinct content
    and `message_attachments` links each question to its files, in attach order."""
    _run(
        conn,
        [
            """CREATE TABLE attachments (
                hash TEXT PRIMARY KEY,  -- sha256 of the bytes, lower-case hex
                mime TEXT NOT NULL,
                name TEXT NOT NULL,  -- the name it was first attached under
                size INTEGER NOT NULL,
                created REAL NOT NULL) WITHOUT ROWID""",
            """CREATE TABLE message_attachments (
                message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                hash TEXT NOT NULL REFERENCES attachments(hash),
                name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('image', 'file', 'text')),
                detail TEXT,
                PRIMARY KEY (message_id, position)) WITHOUT ROWID""",
            # Purging looks for contents no message refers to any more.
            "CREATE INDEX message_attachments_hash ON message_attachments(hash)",
        ],
    )


def v5_index_final_answers_only(conn: sqlite3.Connection) -> None:
    """The search index holds a message only once it is no longer streaming.

    Before, every save of a streaming answer (once a second) re-indexed its whole
    text: ~0.1 ms per KB on the GUI thread, 20-40 ms a second for a long answer.
    Now a row is indexed, with its current text, exactly when its status is not
    'streaming'; the triggers keep that true (external-content FTS5 must be told
    the very text it indexed when a row leaves it). A streaming answer becomes
    searchable when it ends, or when the next start marks it interrupted."""
    _run(
        conn,
        [
            "DROP TRIGGER messages_fts_insert",
            "DROP TRIGGER messages_fts_delete",
            "DROP TRIGGER messages_fts_update",
            # Rows streaming now were indexed with their text by the old triggers.
            """INSERT INTO messages_fts(messages_fts, rowid, text)
                SELECT 'delete', id, text FROM messages WHERE status = 'streaming'""",
            """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
            WHEN new.status != 'streaming' BEGIN
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
            WHEN old.status != 'streaming' BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                    VALUES ('delete', old.id, old.text);
            END""",
            # One trigger, so the old text always leaves before the new one comes in.
            """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages
            WHEN old.text IS NOT new.text OR old.status IS NOT new.status BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                    SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
                INSERT INTO messages_fts(rowid, text)
                    SELECT new.id, new.text WHERE new.status != 'streaming';
            END""",
        ],
    )


def v6_resumable_answers(conn: sqlite3.Connection) -> None:
    """An answer kept running on the server (a background response) records the number
    of the last event its saved text includes, so a stream broken by a crash resumes
    right after it: nothing lost, nothing twice."""
    _run(conn, ["ALTER TABLE messages ADD COLUMN sequence_number INTEGER"])


def v7_find_resumable_answers(conn: sqlite3.Connection) -> None:
    """Start-up looks for answers to resume; without an index that read every message."""
    _run(
        conn,
        [
            "CREATE INDEX messages_resumable ON messages(id)"
            " WHERE status = 'interrupted' AND sequence_number IS NOT NULL"
        ],
    )


MIGRATIONS: list[Migration] = [
    v1_initial,
    v2_full_messages,
    v3_full_text_search,
    v4_attachments,
    v5_index_final_answers_only,
    v6_resumable_answers,
    v7_find_resumable_answers,
]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def has_tables(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Run the pending migrations in ONE transaction, so a failure anywhere
    leaves the database exactly as it was. Returns the version it started at."""
    # Table rebuilds need foreign keys off; this pragma is a no-op inside a transaction.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read inside the transaction: another Parley may have migrated meanwhile.
        start = schema_version(conn)
        for step in migrations[start:]:
            step(conn)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise MigrationError("foreign key violations after migrating")
        # PRAGMA takes no parameters; the value is our own integer.
        conn.execute(f"PRAGMA user_version = {len(migrations):d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return start
