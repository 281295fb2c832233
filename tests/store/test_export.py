from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.store import ImportFormatError, MessageStatus, MessageUsage, Store
from desktop.store.export import from_json, to_json, to_markdown, transcript


def comparable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages without the fields an import renumbers or re-encodes."""
    skip = {"id", "parent_id", "created", "updated"}
    return [{k: v for k, v in m.items() if k not in skip} for m in data["messages"]]


def build(store: Store) -> int:
    conv = store.create_conversation("Math help", settings={"model": "gpt-5.4-pro"})
    q = store.add_user_message(conv.id, "What is $x^2$?")
    first = store.start_assistant_message(q.id, model="gpt", request={"input": "What is"})
    store.finish_message(first.id, MessageStatus.COMPLETE, text="A square.")
    second = store.start_assistant_message(q.id, model="gpt", request={"input": "What is"})
    store.finish_message(
        second.id,
        MessageStatus.STOPPED,
        text="It is **x squared**.",
        reasoning="Think about powers.",
        usage=MessageUsage(12, 0, 7, 3, 19),
        response={"id": "resp_2", "status": "completed"},
    )
    return conv.id


def test_json_round_trip_keeps_versions_and_data(store: Store) -> None:
    conv_id = build(store)
    exported = store.export_conversation(conv_id)
    text = to_json(exported)
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("parley.conversation", 1)
    imported = store.import_conversation(from_json(text))
    assert imported.id != conv_id and imported.title == "Math help"
    again = store.export_conversation(imported.id)
    assert comparable(again) == comparable(exported)
    assert again["conversation"]["settings"] == {"model": "gpt-5.4-pro"}
    for before, after in zip(exported["messages"], again["messages"], strict=True):
        assert after["created"] == pytest.approx(before["created"], abs=1e-5)
    shown = store.messages(imported.id)
    assert [m.text for m in shown] == ["What is $x^2$?", "It is **x squared**."]
    assert shown[1].version_count == 2
    assert shown[1].usage == MessageUsage(12, 0, 7, 3, 19)


def test_json_export_never_holds_secrets(store: Store) -> None:
    conv_id = build(store)
    data = store.export_conversation(conv_id)
    data["messages"][1]["request"] = {"headers": {"Authorization": "Bearer sk-1"}}
    assert "sk-1" not in to_json(data)


def test_markdown_shows_the_active_branch(store: Store) -> None:
    markdown = to_markdown(store.export_conversation(build(store)))
    assert markdown.startswith("# Math help\n")
    assert "## You\n" in markdown and "## Assistant (gpt)\n" in markdown
    assert "It is **x squared**." in markdown
    assert "A square." not in markdown
    assert "> Think about powers." in markdown
    assert "*(stopped before the end)*" in markdown


def test_transcript_follows_active_versions(store: Store) -> None:
    path = transcript(store.export_conversation(build(store)))
    assert [m["text"] for m in path] == ["What is $x^2$?", "It is **x squared**."]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format": "other", "version": 1}',
        '{"format": "parley.conversation", "version": 1, "conversation": {}, "messages": [{}]}',
        '{"format": "parley.conversation", "version": 1, "conversation": {},'
        ' "messages": [{"id": 1, "parent_id": 7, "role": "user", "text": "x"}]}',
        '{"format": "parley.conversation", "version": 1, "conversation": {},'
        ' "messages": [{"id": 1, "role": "hacker", "text": "x"}]}',
        '{"format": "parley.conversation", "version": 1, "conversation": {"created": "soon"},'
        ' "messages": []}',
    ],
)
def test_bad_files_give_a_plain_error(text: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        from_json(text)
    assert info.value.user_message.endswith(".")


def test_newer_format_version_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="newer version"):
        from_json('{"format": "parley.conversation", "version": 2}')


def test_importing_a_streaming_answer_marks_it_interrupted(store: Store) -> None:
    conv = store.create_conversation("c")
    store.start_assistant_message(store.add_user_message(conv.id, "q").id)
    data = from_json(to_json(store.export_conversation(conv.id)))
    imported = store.import_conversation(data)
    assert store.messages(imported.id)[-1].status is MessageStatus.INTERRUPTED
