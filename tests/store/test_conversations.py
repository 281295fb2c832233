from __future__ import annotations

import time

import pytest

from desktop.store import MessageStatus, NotFoundError, Store


def test_create_and_read(store: Store) -> None:
    conv = store.create_conversation("Trip plans", settings={"model": "m"})
    assert conv.title == "Trip plans"
    assert not conv.title_is_auto
    assert not conv.pinned
    assert conv.deleted_at is None
    assert store.conversation(conv.id) == conv
    assert store.conversation_settings(conv.id) == {"model": "m"}


def test_untitled_conversation_takes_auto_title_until_renamed(store: Store) -> None:
    conv = store.create_conversation()
    assert conv.title_is_auto
    assert store.set_auto_title(conv.id, "Generated")
    assert store.conversation(conv.id).title == "Generated"
    store.rename_conversation(conv.id, "Mine")
    assert not store.set_auto_title(conv.id, "Generated again")
    assert store.conversation(conv.id).title == "Mine"


def test_list_newest_first_with_pinned_on_top(store: Store) -> None:
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    c = store.create_conversation("c")
    assert [x.title for x in store.list_conversations()] == ["c", "b", "a"]
    store.add_user_message(a.id, "bump a")
    assert [x.title for x in store.list_conversations()] == ["a", "c", "b"]
    store.set_pinned(b.id, True)
    assert [x.title for x in store.list_conversations()] == ["b", "a", "c"]
    assert [x.title for x in store.list_conversations(limit=2, offset=1)] == ["a", "c"]
    store.set_pinned(b.id, False)
    assert store.list_conversations()[0].id == a.id
    assert store.count_conversations() == 3
    assert c.id in {x.id for x in store.list_conversations()}


def test_drafts_and_settings_do_not_reorder(store: Store) -> None:
    a = store.create_conversation("a")
    store.create_conversation("b")
    store.save_draft(a.id, "half a thought")
    store.set_conversation_settings(a.id, {"temperature": 0.5, "name": "café"})
    assert store.draft(a.id) == "half a thought"
    assert store.conversation_settings(a.id) == {"temperature": 0.5, "name": "café"}
    assert store.list_conversations()[0].title == "b"


def test_soft_delete_undo_and_purge_cascades(store: Store) -> None:
    conv = store.create_conversation("doomed")
    q = store.add_user_message(conv.id, "unique-word question")
    store.start_assistant_message(q.id)
    store.delete_conversation(conv.id)
    assert store.list_conversations() == []
    assert store.search("unique") == []
    assert store.conversation(conv.id).deleted_at is not None
    store.undelete_conversation(conv.id)
    assert [x.id for x in store.list_conversations()] == [conv.id]
    assert len(store.search("unique")) == 1
    store.delete_conversation(conv.id)
    assert store.purge_deleted() == 1
    with pytest.raises(NotFoundError):
        store.conversation(conv.id)
    with pytest.raises(NotFoundError):
        store.message(q.id)
    assert store.search("unique") == []


def test_purge_deleted_keeps_recent_deletions(store: Store) -> None:
    conv = store.create_conversation("recent")
    store.delete_conversation(conv.id)
    assert store.purge_deleted(deleted_before=time.time() - 60) == 0
    store.purge_conversation(conv.id)
    with pytest.raises(NotFoundError):
        store.conversation(conv.id)


def test_missing_conversation_is_a_plain_error(store: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        store.add_user_message(999, "hello")
    assert info.value.user_message.endswith(".")
    with pytest.raises(NotFoundError):
        store.rename_conversation(999, "x")
    with pytest.raises(NotFoundError):
        store.finish_message(999, MessageStatus.COMPLETE)
