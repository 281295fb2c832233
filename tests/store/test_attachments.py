"""Attachments in the history: content-addressed files, purge, export/import, migration."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop.api.attachments import Attachment
from desktop.store import ImportFormatError, MessageStatus, NotFoundError, Store, StoreError
from desktop.store.backup import existing_backups
from desktop.store.export import from_json, to_json, to_markdown
from desktop.store.migrations import MIGRATIONS, migrate

PHOTO = Attachment("image", "photo.jpg", "image/jpeg", b"\xff\xd8\xff" + b"j" * 5000, "high")
REPORT = Attachment("file", "report.pdf", "application/pdf", b"%PDF-1.7\n...\n%%EOF\n")
NOTES = Attachment("text", "notes.md", "text/markdown", "# Título\n".encode())


def files_in(store: Store) -> list[Path]:
    root = store.attachments_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_question_with_attachments_round_trips_in_order(store: Store) -> None:
    conv = store.create_conversation()
    question = store.add_user_message(conv.id, "Look", [PHOTO, REPORT, NOTES])
    assert store.attachments(question.id) == [PHOTO, REPORT, NOTES]
    digest = PHOTO.sha256
    assert (store.attachments_dir / digest[:2] / digest).read_bytes() == PHOTO.data
    assert store.attachments_dir == store.path.parent / "attachments"
    answer = store.start_assistant_message(question.id)
    assert store.attachments(answer.id) == []
    assert store.attachment_counts([question.id, answer.id]) == {question.id: 3}
    assert store.attachment_counts([]) == {}


def test_same_content_is_stored_once(store: Store) -> None:
    conv = store.create_conversation()
    first = store.add_user_message(conv.id, "one", [PHOTO])
    renamed = Attachment("image", "again.jpg", "image/jpeg", PHOTO.data, "low")
    second = store.add_user_message(conv.id, "two", [renamed, PHOTO])
    assert len(files_in(store)) == 1
    assert store.attachments(second.id) == [renamed, PHOTO]  # names and detail per link
    assert store.add_attachment(first.id, REPORT) == REPORT.sha256
    assert [a.name for a in store.attachments(first.id)] == ["photo.jpg", "report.pdf"]
    assert len(files_in(store)) == 2


def test_only_questions_take_attachments(store: Store) -> None:
    conv = store.create_conversation()
    question = store.add_user_message(conv.id, "q")
    answer = store.start_assistant_message(question.id)
    with pytest.raises(ValueError, match="question"):
        store.add_attachment(answer.id, PHOTO)
    with pytest.raises(NotFoundError):
        store.add_attachment(999, PHOTO)


def test_edited_question_keeps_or_replaces_attachments(store: Store) -> None:
    conv = store.create_conversation()
    question = store.add_user_message(conv.id, "Look", [PHOTO, NOTES])
    kept = store.edit_question(question.id, "Look again")
    assert store.attachments(kept.id) == [PHOTO, NOTES]
    replaced = store.edit_question(question.id, "Other", [REPORT])
    assert store.attachments(replaced.id) == [REPORT]
    cleared = store.edit_question(question.id, "None", [])
    assert store.attachments(cleared.id) == []


def test_purge_removes_files_nothing_refers_to(store: Store) -> None:
    keep = store.create_conversation("keep")
    store.add_user_message(keep.id, "shared", [PHOTO])
    gone = store.create_conversation("gone")
    store.add_user_message(gone.id, "mine", [PHOTO, REPORT])
    assert len(files_in(store)) == 2
    store.purge_conversation(gone.id)
    assert [p.name for p in files_in(store)] == [PHOTO.sha256]
    store.delete_conversation(keep.id)
    assert store.purge_deleted() == 1
    assert files_in(store) == []
    with closing(sqlite3.connect(store.path)) as conn:
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM message_attachments").fetchone()[0] == 0


def test_purge_tolerates_a_file_removed_by_hand(store: Store) -> None:
    conv = store.create_conversation()
    question = store.add_user_message(conv.id, "x", [PHOTO])
    (path,) = files_in(store)
    path.unlink()
    with pytest.raises(StoreError, match="photo.jpg"):
        store.attachments(question.id)
    store.purge_conversation(conv.id)
    with closing(sqlite3.connect(store.path)) as conn:
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0


def test_a_second_window_re_attaching_after_purge_gets_its_file(db_path: Path) -> None:
    with Store(db_path) as one, Store(db_path) as two:
        conv = one.create_conversation()
        one.add_user_message(conv.id, "x", [PHOTO])
        one.purge_conversation(conv.id)
        other = two.create_conversation()
        question = two.add_user_message(other.id, "y", [PHOTO])
        assert two.attachments(question.id) == [PHOTO]


def test_stored_requests_reference_attachments_instead_of_repeating_them(store: Store) -> None:
    conv = store.create_conversation()
    question = store.add_user_message(conv.id, "Look", [PHOTO])
    small = "data:image/png;base64,iVBORw0KGgo="
    body = {
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_image", "image_url": PHOTO.data_url(), "detail": "auto"},
                    {"type": "input_image", "image_url": small},
                ],
            }
        ]
    }
    store.start_assistant_message(question.id, request=body)
    exported = store.export_conversation(conv.id)
    parts = exported["messages"][1]["request"]["input"][0]["content"]
    assert parts[0]["image_url"] == (
        f"data:image/jpeg;base64,<omitted: {PHOTO.size} bytes, sha256 {PHOTO.sha256}>"
    )
    assert parts[1]["image_url"] == small


def test_export_and_import_carry_the_bytes(store: Store, tmp_path: Path) -> None:
    conv = store.create_conversation("With files")
    question = store.add_user_message(conv.id, "Look", [PHOTO, NOTES])
    answer = store.start_assistant_message(question.id)
    store.finish_message(answer.id, MessageStatus.COMPLETE, text="Nice.")
    exported = store.export_conversation(conv.id)
    (item, _) = exported["messages"][0]["attachments"]
    assert item["sha256"] == PHOTO.sha256 and item["size"] == PHOTO.size
    assert "attachments" not in exported["messages"][1]
    text = to_json(exported)
    assert "Attached: photo.jpg (image/jpeg, 5 KB), notes.md" in to_markdown(exported)
    with Store(tmp_path / "elsewhere" / "history.sqlite3") as other:
        imported = other.import_conversation(from_json(text))
        first = other.messages(imported.id)[0]
        assert other.attachments(first.id) == [PHOTO, NOTES]
        assert len(files_in(other)) == 2
    again = store.import_conversation(from_json(text))
    assert store.attachments(store.messages(again.id)[0].id) == [PHOTO, NOTES]
    assert len(files_in(store)) == 2  # the same bytes, not a copy


@pytest.mark.parametrize(
    "damage",
    [
        {"data": "not base64!"},
        {"sha256": hashlib.sha256(b"other").hexdigest()},
        {"kind": "video"},
        {"detail": "ultra"},
        {"data": 5},
    ],
)
def test_damaged_attachments_in_an_import_are_refused(
    store: Store, damage: dict[str, object]
) -> None:
    conv = store.create_conversation()
    store.add_user_message(conv.id, "Look", [PHOTO])
    document = json.loads(to_json(store.export_conversation(conv.id)))
    document["messages"][0]["attachments"][0].update(damage)
    with pytest.raises(ImportFormatError):
        store.import_conversation(from_json(json.dumps(document)))
    assert len(store.list_conversations()) == 1


def make_v3_file(path: Path) -> None:
    """A history file as the previous release (schema v3) left it, with data."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        migrate(conn, MIGRATIONS[:3])
        conn.executescript(
            """
            INSERT INTO conversations (id, title, created, updated) VALUES (1, 'Old', 1.0, 2.0);
            INSERT INTO messages (id, conversation_id, parent_id, role, text, created, updated)
                VALUES (1, 1, NULL, 'user', 'Bonjour', 1.0, 1.0),
                       (2, 1, 1, 'assistant', 'Salut', 1.5, 1.5);
            """
        )


def test_v3_file_is_migrated_and_takes_attachments(db_path: Path) -> None:
    make_v3_file(db_path)
    with Store(db_path) as store:
        assert len(existing_backups(db_path)) == 1
        assert [m.text for m in store.messages(1)] == ["Bonjour", "Salut"]
        assert store.attachments(1) == []
        assert len(store.search("bonjour")) == 1
        store.add_attachment(1, REPORT)
        assert store.attachments(1) == [REPORT]
        store.purge_conversation(1)
        assert files_in(store) == []
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 7
