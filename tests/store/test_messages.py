from __future__ import annotations

import pytest

from desktop.store import MessageStatus, MessageUsage, Role, Store


def test_question_and_streamed_answer(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "What is 2+2?")
    a = store.start_assistant_message(q.id, model="gpt", request={"model": "gpt"})
    assert a.status is MessageStatus.STREAMING and a.parent_id == q.id
    assert store.update_streaming(a.id, "It is", "thinking")
    assert store.message(a.id).text == "It is"
    usage = MessageUsage(10, 2, 5, 3, 15)
    store.finish_message(
        a.id, MessageStatus.COMPLETE, text="It is 4.", usage=usage, response_id="resp_1"
    )
    done = store.message(a.id)
    assert (done.text, done.reasoning, done.status) == ("It is 4.", "thinking", "complete")
    assert done.usage == usage and done.model == "gpt" and done.response_id == "resp_1"
    assert not store.update_streaming(a.id, "late")
    assert [m.role for m in store.messages(conv.id)] == [Role.USER, Role.ASSISTANT]


def test_failed_answer_keeps_error_and_partial_text(store: Store) -> None:
    conv = store.create_conversation()
    a = store.start_assistant_message(store.add_user_message(conv.id, "q").id)
    store.update_streaming(a.id, "partial")
    store.finish_message(a.id, MessageStatus.FAILED, error="The server failed.")
    failed = store.message(a.id)
    assert (failed.text, failed.error, failed.usage) == ("partial", "The server failed.", None)
    with pytest.raises(ValueError):
        store.finish_message(a.id, MessageStatus.STREAMING)


def test_final_save_keeps_the_html_it_is_given_for_its_renderer_only(store: Store) -> None:
    conv = store.create_conversation()
    a = store.start_assistant_message(store.add_user_message(conv.id, "q").id)
    store.finish_message(a.id, MessageStatus.COMPLETE, text="**4**", rendered=(7, "<p>4</p>"))
    assert store.rendered_html(a.id, 7) == "<p>4</p>"
    assert store.rendered_html(a.id, 8) is None  # another renderer draws it anew
    b = store.start_assistant_message(store.add_user_message(conv.id, "q2").id)
    store.set_rendered_html(b.id, 7, "<p>stale</p>")
    store.finish_message(b.id, MessageStatus.COMPLETE, text="new")
    assert store.rendered_html(b.id, 7) is None  # new text without HTML clears the old


def test_tail_returns_last_messages_in_order(store: Store) -> None:
    conv = store.create_conversation()
    for i in range(10):
        store.add_user_message(conv.id, f"m{i}")
    assert [m.text for m in store.tail(conv.id, 3)] == ["m7", "m8", "m9"]
    assert len(store.messages(conv.id)) == 10


def test_regenerate_keeps_earlier_versions(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "q")
    a1 = store.start_assistant_message(q.id)
    store.finish_message(a1.id, MessageStatus.COMPLETE, text="first")
    follow = store.add_user_message(conv.id, "follow-up under first")
    a2 = store.start_assistant_message(q.id)
    store.finish_message(a2.id, MessageStatus.COMPLETE, text="second")
    shown = store.messages(conv.id)
    assert [m.text for m in shown] == ["q", "second"]
    assert (shown[1].version, shown[1].version_count) == (2, 2)
    assert [m.text for m in store.versions(a2.id)] == ["first", "second"]
    store.switch_version(a1.id)
    # the branch below the first answer comes back with it
    assert [m.id for m in store.messages(conv.id)] == [q.id, a1.id, follow.id]
    store.switch_version(a2.id)
    assert [m.text for m in store.messages(conv.id)] == ["q", "second"]


def test_edit_question_creates_a_new_branch(store: Store) -> None:
    conv = store.create_conversation()
    q1 = store.add_user_message(conv.id, "first question")
    store.finish_message(store.start_assistant_message(q1.id).id, MessageStatus.COMPLETE)
    q2 = store.add_user_message(conv.id, "typo questoin")
    old_answer = store.start_assistant_message(q2.id)
    store.finish_message(old_answer.id, MessageStatus.COMPLETE, text="old answer")
    edited = store.edit_question(q2.id, "fixed question")
    assert edited.parent_id == q2.parent_id and (edited.version, edited.version_count) == (2, 2)
    assert store.messages(conv.id)[-1].id == edited.id
    store.start_assistant_message(edited.id)
    assert [m.text for m in store.versions(q2.id)] == ["typo questoin", "fixed question"]
    store.switch_version(q2.id)
    assert store.messages(conv.id)[-1].text == "old answer"
    with pytest.raises(ValueError):
        store.edit_question(old_answer.id, "not a question")


def test_editing_the_first_question(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "one")
    edited = store.edit_question(q.id, "two")
    assert edited.parent_id is None
    assert [m.text for m in store.messages(conv.id)] == ["two"]


def test_recover_interrupted(store: Store) -> None:
    conv = store.create_conversation()
    a = store.start_assistant_message(store.add_user_message(conv.id, "q").id)
    store.update_streaming(a.id, "cut off")
    assert store.recover_interrupted() == 1
    assert store.message(a.id).status is MessageStatus.INTERRUPTED
    assert store.message(a.id).text == "cut off"
    assert store.recover_interrupted() == 0


def test_a_resumable_answer_keeps_its_response_id_and_last_event_with_its_text(
    store: Store,
) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "q")
    kept = store.start_assistant_message(q.id)
    plain = store.start_assistant_message(q.id)
    assert store.update_streaming(kept.id, "It is", response_id="resp_1", sequence=7)
    # A later save without a new number keeps the last one it had.
    assert store.update_streaming(kept.id, "It is", "thinking")
    store.update_streaming(plain.id, "cut off")
    assert store.recover_interrupted() == 2
    found = store.resumable_answers()
    assert [(m.id, m.response_id, m.sequence_number, m.text) for m in found] == [
        (kept.id, "resp_1", 7, "It is")
    ]
    # Resuming streams it again; once finished it is no longer resumable.
    assert store.update_streaming(kept.id, "It is done", response_id="resp_1", sequence=9)
    store.finish_message(kept.id, MessageStatus.COMPLETE, response_id="resp_1")
    assert store.resumable_answers() == []
    assert store.message(kept.id).sequence_number == 9


def test_rendered_html_cache_follows_renderer_version(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "**hi**")
    assert store.rendered_html(q.id, 1) is None
    store.set_rendered_html(q.id, 1, "<p><strong>hi</strong></p>")
    assert store.rendered_html(q.id, 1) == "<p><strong>hi</strong></p>"
    assert store.rendered_html(q.id, 2) is None
    assert store.messages(conv.id, renderer_version=1)[0].rendered_html is not None
    assert store.messages(conv.id)[0].rendered_html is None
    a = store.start_assistant_message(q.id)
    store.set_rendered_html(a.id, 1, "<p>old</p>")
    store.update_streaming(a.id, "new text")
    assert store.rendered_html(a.id, 1) is None


def test_secrets_never_stored(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "q")
    request = {"model": "m", "headers": {"Authorization": "Bearer sk-secret"}, "api_key": "k"}
    a = store.start_assistant_message(q.id, request=request)
    store.finish_message(a.id, MessageStatus.COMPLETE, response={"id": "r", "token": "t"})
    exported = store.export_conversation(conv.id)["messages"][1]
    assert exported["request"] == {"model": "m", "headers": {}}
    assert exported["response"] == {"id": "r"}
    wal = store.path.with_name(store.path.name + "-wal")
    for path in (store.path, wal):
        assert b"sk-secret" not in path.read_bytes()


def test_responses_data_of_many_answers_in_one_query(store: Store) -> None:
    conv = store.create_conversation()
    answers = []
    for n in range(3):
        q = store.add_user_message(conv.id, f"q{n}")
        answers.append(store.start_assistant_message(q.id))
    store.finish_message(answers[0].id, MessageStatus.COMPLETE, response={"citations": [1]})
    store.finish_message(answers[2].id, MessageStatus.COMPLETE, response={"tools": ["t"]})
    store.finish_message(answers[1].id, MessageStatus.COMPLETE)  # nothing saved
    ids = [a.id for a in answers]
    found = store.responses_data(ids)
    assert found == {ids[0]: {"citations": [1]}, ids[2]: {"tools": ["t"]}}
    assert all(found[i] == store.response_data(i) for i in found)
    assert store.responses_data([]) == {}
    assert store.responses_data([999_999]) == {}
