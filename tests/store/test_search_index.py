"""The search index holds a message only once it is final (schema v5): saving a
streaming answer costs no re-indexing, and the index stays exactly in step with
the messages through every transition."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from desktop.store import MessageStatus, Store
from desktop.store.migrations import MIGRATIONS, migrate


def indexed_rows(store: Store, word: str) -> set[int]:
    conn = store._db.conn
    found = conn.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?", (word,)
    ).fetchall()
    return {row[0] for row in found}


def expected_rows(store: Store, word: str) -> set[int]:
    """What the index must hold: final messages whose text has the word."""
    conn = store._db.conn
    found = conn.execute("SELECT id, text FROM messages WHERE status != 'streaming'").fetchall()
    return {i for i, text in found if word in text.lower().split()}


def test_streaming_text_is_indexed_when_final(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "tell me about zebras")
    a = store.start_assistant_message(q.id)
    store.update_streaming(a.id, "zebras have stripes")
    store.update_streaming(a.id, "zebras have stripes and hooves")
    assert indexed_rows(store, "stripes") == set()  # not while streaming
    assert {h.message_id for h in store.search("zebras")} == {q.id}
    store.finish_message(a.id, MessageStatus.COMPLETE, text="zebras have stripes, hooves")
    assert indexed_rows(store, "hooves") == {a.id} == expected_rows(store, "hooves")
    assert {h.message_id for h in store.search("stripes")} == {a.id}


def test_interrupted_answer_is_searchable_and_leaves_again_if_resumed(store: Store) -> None:
    conv = store.create_conversation()
    a = store.start_assistant_message(store.add_user_message(conv.id, "q").id)
    store.update_streaming(a.id, "partial okapi")
    store.recover_interrupted()  # the next start after a crash
    assert indexed_rows(store, "okapi") == {a.id}
    # A second instance still streaming it takes it back (update_streaming allows that).
    assert store.update_streaming(a.id, "partial okapi and more")
    assert indexed_rows(store, "okapi") == set()
    store.finish_message(a.id, MessageStatus.STOPPED)
    assert indexed_rows(store, "more") == {a.id}


def test_index_matches_a_full_rebuild_after_every_kind_of_change(store: Store) -> None:
    conv = store.create_conversation()
    first = store.add_user_message(conv.id, "alpha beta")
    a = store.start_assistant_message(first.id)
    store.update_streaming(a.id, "gamma")
    store.finish_message(a.id, MessageStatus.FAILED, error="x")
    b = store.start_assistant_message(first.id)  # regenerate: a second version
    store.update_streaming(b.id, "delta")
    store.purge_conversation(conv.id)  # rows deleted, streaming and final ones
    other = store.create_conversation()
    c = store.start_assistant_message(store.add_user_message(other.id, "epsilon").id)
    store.update_streaming(c.id, "zeta eta")
    store.finish_message(c.id, MessageStatus.COMPLETE, text="zeta theta")
    for word in ("alpha", "gamma", "delta", "epsilon", "zeta", "eta", "theta"):
        assert indexed_rows(store, word) == expected_rows(store, word), word


def test_upgrade_from_v4_drops_streaming_rows_from_the_index(tmp_path: Path) -> None:
    """A v4 file written while an answer was streaming: its text leaves the index."""
    path4 = tmp_path / "v4.sqlite3"
    with closing(sqlite3.connect(path4)) as conn:
        migrate(conn, MIGRATIONS[:4])
    with closing(sqlite3.connect(path4)) as conn, conn:
        conn.execute(
            "INSERT INTO conversations (id, title, created, updated) VALUES (1, 't', 1, 1)"
        )
        columns = {r[1] for r in conn.execute("PRAGMA table_info(messages)")}
        values = {"id": 1, "conversation_id": 1, "role": "assistant", "text": "quokka",
                  "status": "streaming", "created": 1.0, "updated": 1.0}  # fmt: skip
        names = [k for k in values if k in columns]
        conn.execute(
            f"INSERT INTO messages ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[k] for k in names],
        )
        assert (
            conn.execute(
                "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'quokka'"
            ).fetchone()[0]
            == 1
        )
    with Store(path4) as store:
        assert indexed_rows(store, "quokka") == set()
        store.finish_message(1, MessageStatus.COMPLETE)
        assert indexed_rows(store, "quokka") == {1}
