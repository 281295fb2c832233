from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from desktop.store import CorruptDatabaseError, MessageStatus, Store, StoreError
from tests.store.writer import write_messages


def test_two_stores_interleaved_lose_nothing(db_path: Path) -> None:
    with Store(db_path) as one, Store(db_path) as two:
        a = one.create_conversation("a")
        b = two.create_conversation("b")
        for i in range(50):
            one.add_user_message(a.id, f"one {i}")
            two.add_user_message(b.id, f"two {i}")
            two.add_user_message(a.id, f"two in a {i}")
        assert len(one.messages(a.id)) == 100
        assert len(one.messages(b.id)) == 50
        assert len(two.search("one")) == 50


def test_writer_in_another_process_loses_nothing(db_path: Path) -> None:
    with Store(db_path) as store:
        conv = store.create_conversation("shared")
        other = store.create_conversation("mine")
        ctx = multiprocessing.get_context("spawn")
        proc = ctx.Process(target=write_messages, args=(str(db_path), conv.id, 200))
        proc.start()
        for i in range(200):
            store.add_user_message(other.id, f"here {i}")
            store.save_draft(conv.id, f"draft {i}")
        proc.join(timeout=60)
        assert proc.exitcode == 0
        assert len(store.messages(conv.id)) == 200
        assert len(store.messages(other.id)) == 200
        texts = [m.text for m in store.messages(conv.id)]
        assert texts == [f"from process {i}" for i in range(200)]


def test_full_disk_is_a_plain_error_and_keeps_earlier_data(store: Store) -> None:
    conv = store.create_conversation("kept")
    q = store.add_user_message(conv.id, "saved before the disk filled")
    conn = store._db.conn  # test-only: SQLite reports SQLITE_FULL past max_page_count
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as info:
        for _ in range(50):
            store.add_user_message(conv.id, "x" * 100_000)
    assert info.value.user_message.startswith("The disk is full")
    assert not conn.in_transaction
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.messages(conv.id)[0].id == q.id
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    a = store.start_assistant_message(q.id)
    store.finish_message(a.id, MessageStatus.COMPLETE, text="after space was freed")
    assert store.messages(conv.id)[-1].text == "after space was freed"


def test_file_that_is_not_a_database(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all" * 200)
    with pytest.raises(CorruptDatabaseError) as info:
        Store(db_path)
    assert "damaged" in info.value.user_message
    assert "backup" not in info.value.user_message


def test_corruption_message_names_the_backup(db_path: Path) -> None:
    backup = db_path.with_name(db_path.name + ".backup-v1-20261125T100000.000000Z")
    backup.write_bytes(b"")
    db_path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(CorruptDatabaseError, match="backup"):
        Store(db_path)


def test_damaged_pages_raise_store_errors_not_crashes(db_path: Path) -> None:
    with Store(db_path) as store:
        conv = store.create_conversation("c")
        for i in range(300):
            store.add_user_message(conv.id, f"message number {i} " * 20)
    data = bytearray(db_path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):
        data[start + 100 : start + 900] = b"\xff" * 800
    db_path.write_bytes(bytes(data))
    try:
        store = Store(db_path)
    except StoreError:
        return
    with store:
        for action in (
            lambda: store.list_conversations(),
            lambda: store.messages(conv.id),
            lambda: store.search("message"),
            lambda: store.add_user_message(conv.id, "more"),
        ):
            try:
                action()
            except StoreError as exc:
                assert exc.user_message
            except sqlite3.Error as exc:  # pragma: no cover - a failure message
                pytest.fail(f"untranslated SQLite error: {exc!r}")
