"""A damaged history is set aside untouched and what is readable comes back."""

from __future__ import annotations

from pathlib import Path

from desktop.store import MessageStatus, Store
from desktop.store.salvage import is_damaged, salvage, set_aside
from tests.store.damage import damage_header, damage_table_pages, fill


def _counts(path: Path) -> tuple[int, int]:
    with Store(path) as store:
        conversations = store.list_conversations(1000)
        return len(conversations), sum(len(store.messages(c.id)) for c in conversations)


def test_a_damaged_middle_page_is_found_and_the_rest_comes_back(db_path: Path) -> None:
    total = fill(db_path)
    assert not is_damaged(db_path)
    damage_table_pages(db_path)
    damaged_bytes = db_path.read_bytes()
    assert is_damaged(db_path)

    result = salvage(db_path)

    assert result.set_aside.read_bytes() == damaged_bytes  # set aside untouched
    assert result.set_aside.name.startswith("history.sqlite3.damaged-")
    assert not is_damaged(db_path)
    assert result.conversations == 20
    assert total * 0.8 < result.messages < total
    conversations, shown = _counts(db_path)
    assert conversations == 20
    assert shown > total * 0.5  # each conversation shows its path up to any lost message
    assert str(result.set_aside) in result.sentence()
    with Store(db_path) as store:
        assert store.search("answer")
        conv = store.list_conversations(1)[0]
        store.add_user_message(conv.id, "written after the salvage")


def test_a_damaged_header_no_longer_stops_parley(db_path: Path) -> None:
    total = fill(db_path)
    damage_header(db_path)
    damaged_bytes = db_path.read_bytes()
    assert is_damaged(db_path)

    result = salvage(db_path)

    assert result.set_aside.read_bytes() == damaged_bytes
    assert (result.conversations, result.messages) == (20, total)
    assert _counts(db_path) == (20, total)


def test_streaming_answers_come_back_interrupted_and_searchable(db_path: Path) -> None:
    with Store(db_path) as store:
        conv = store.create_conversation("c")
        question = store.add_user_message(conv.id, "q")
        answer = store.start_assistant_message(question.id, "m")
        store.update_streaming(answer.id, "half an answer")
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"not a database!!"
    db_path.write_bytes(bytes(data))
    salvage(db_path)
    with Store(db_path) as store:
        assert store.messages(conv.id)[-1].status == MessageStatus.INTERRUPTED
        assert [hit.message_id for hit in store.search("half")] == [answer.id]


def test_the_wal_goes_along_and_nothing_is_overwritten(db_path: Path) -> None:
    db_path.write_bytes(b"main")
    Path(f"{db_path}-wal").write_bytes(b"wal")
    first = set_aside(db_path, now=0)
    assert Path(f"{first}-wal").read_bytes() == b"wal"
    db_path.write_bytes(b"second")
    second = set_aside(db_path, now=0)
    assert second != first
    assert first.read_bytes() == b"main" and second.read_bytes() == b"second"
    assert not db_path.exists()


def test_a_missing_or_healthy_file_is_not_damaged(db_path: Path) -> None:
    assert not is_damaged(db_path)
    fill(db_path, conversations=1, turns=1)
    assert not is_damaged(db_path)


def test_the_fresh_file_is_private(db_path: Path) -> None:
    fill(db_path, conversations=2, turns=2)
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"\x00" * 16
    db_path.write_bytes(bytes(data))
    salvage(db_path)
    assert db_path.stat().st_mode & 0o777 == 0o600
