from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop.store import Role, Store, StoreError
from desktop.store import store as store_module
from desktop.store.backup import existing_backups
from desktop.store.migrations import MIGRATIONS


def make_v1_file(path: Path) -> None:
    """A history file as the first release wrote it, built from raw SQL."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            """
            CREATE TABLE conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
                created REAL NOT NULL, updated REAL NOT NULL);
            CREATE TABLE messages (id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                role TEXT NOT NULL, text TEXT NOT NULL DEFAULT '', created REAL NOT NULL);
            CREATE INDEX messages_conversation ON messages(conversation_id, id);
            INSERT INTO conversations VALUES (1, 'Old chat', 100.0, 200.0), (2, '', 50.0, 60.0);
            INSERT INTO messages VALUES (1, 1, 'user', 'Bonjour, ça va?', 101.0),
                (2, 1, 'assistant', 'Très bien, merci.', 102.0),
                (3, 2, 'user', 'second conversation', 51.0),
                (4, 1, 'user', 'And you?', 103.0);
            PRAGMA user_version = 1;
            """
        )


def dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def test_new_file_gets_latest_schema_without_backup(db_path: Path) -> None:
    with Store(db_path):
        pass
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert existing_backups(db_path) == []


def test_v1_file_is_migrated_with_data_intact(db_path: Path) -> None:
    make_v1_file(db_path)
    with Store(db_path) as store:
        backups = existing_backups(db_path)
        assert len(backups) == 1 and "backup-v1-" in backups[0].name
        assert [c.title for c in store.list_conversations()] == ["Old chat", ""]
        old = store.conversation(1)
        assert (old.created, old.updated, old.title_is_auto) == (100.0, 200.0, False)
        assert store.conversation(2).title_is_auto
        messages = store.messages(1)
        assert [(m.role, m.text) for m in messages] == [
            (Role.USER, "Bonjour, ça va?"),
            (Role.ASSISTANT, "Très bien, merci."),
            (Role.USER, "And you?"),
        ]
        assert [m.parent_id for m in messages] == [None, 1, 2]
        assert len(store.search("tres bien")) == 1
        store.add_user_message(1, "new")
    # the backup holds the v1 data and stays until the next successful start
    assert dump(backups[0]) == dump_of_fresh_v1(db_path.parent / "expected.sqlite3")
    with Store(db_path) as store:
        assert existing_backups(db_path) == []
        assert store.messages(1)[-1].text == "new"


def dump_of_fresh_v1(path: Path) -> list[str]:
    make_v1_file(path)
    return dump(path)


def test_failed_migration_leaves_the_file_untouched(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_file(db_path)
    before = dump(db_path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("simulated failure")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError) as info:
        Store(db_path)
    assert "left unchanged" in info.value.user_message
    assert "backup" in info.value.user_message
    assert dump(db_path) == before
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert len(existing_backups(db_path)) == 1


def test_file_from_a_newer_parley_is_refused(db_path: Path) -> None:
    with Store(db_path):
        pass
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer version"):
        Store(db_path)


def test_foreign_sqlite_file_is_refused(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("CREATE TABLE something_else (x)")
    with pytest.raises(StoreError, match="not a Parley history file"):
        Store(db_path)
