"""Questions with attachments: exact content parts, in order, and nothing else changed."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from desktop.api import ResponsesClient
from desktop.api.attachments import Attachment, fenced, user_content
from desktop.api.request import ENCRYPTED_REASONING, RequestOptions, Turn, build_request
from tests.fakeserver import FakeResponsesServer

PNG = b"\x89PNG\r\n\x1a\n fake png bytes"
PDF = b"%PDF-1.7\n fake pdf\n%%EOF\n"
IMAGE = Attachment("image", "shot.png", "image/png", PNG, "auto")
LOW = Attachment("image", "photo.jpg", "image/jpeg", b"\xff\xd8\xff jpeg", "low")
REPORT = Attachment("file", "report.pdf", "application/pdf", PDF)
SCRIPT = Attachment("text", "hello.py", "text/x-python", b"print('hi')\n")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_question_with_image_and_pdf_becomes_parts_in_attach_order() -> None:
    turn = Turn("user", "What is in these?", (REPORT, IMAGE, LOW))
    body = build_request([turn], RequestOptions(stream=False))
    assert body == {
        "model": "openai/gpt-5.4-pro",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is in these?"},
                    {
                        "type": "input_file",
                        "filename": "report.pdf",
                        "file_data": f"data:application/pdf;base64,{b64(PDF)}",
                    },
                    {
                        "type": "input_image",
                        "image_url": f"data:image/png;base64,{b64(PNG)}",
                        "detail": "auto",
                    },
                    {
                        "type": "input_image",
                        "image_url": f"data:image/jpeg;base64,{b64(LOW.data)}",
                        "detail": "low",
                    },
                ],
            }
        ],
        "include": [ENCRYPTED_REASONING],
    }


def test_text_files_are_inlined_as_fenced_blocks_after_the_question() -> None:
    notes = Attachment("text", "notes.txt", "text/plain", b"a\nb\n")
    content = user_content("Review these.", [SCRIPT, IMAGE, notes])
    assert content[0] == {
        "type": "input_text",
        "text": "Review these.\n\nhello.py:\n```python\nprint('hi')\n```"
        "\n\nnotes.txt:\n```\na\nb\n```",
    }
    assert [p["type"] for p in content] == ["input_text", "input_image"]


def test_fence_is_longer_than_any_backticks_inside() -> None:
    tricky = Attachment("text", "README.md", "text/markdown", b"````\n```\nend")
    assert fenced(tricky) == "README.md:\n`````markdown\n````\n```\nend\n`````"


def test_image_only_question_has_no_empty_text_part() -> None:
    assert user_content("", [IMAGE]) == [
        {"type": "input_image", "image_url": IMAGE.data_url(), "detail": "auto"}
    ]
    unset = Attachment("image", "x.png", "image/png", PNG)
    assert user_content("", [unset])[0]["detail"] == "auto"


def test_turns_without_attachments_are_unchanged() -> None:
    plain = build_request([Turn("user", "hi")], RequestOptions())
    assert plain == {
        "model": "openai/gpt-5.4-pro",
        "input": "hi",
        "stream": True,
        "include": [ENCRYPTED_REASONING],
    }
    turns = [Turn("user", "look", (IMAGE,)), Turn("assistant", "A cat."), Turn("user", "Sure?")]
    body = build_request(turns, RequestOptions(stream=False))
    assert body["input"][1:] == [
        {"role": "assistant", "content": "A cat."},
        {"role": "user", "content": "Sure?"},
    ]
    assert body["input"][0]["content"][1]["type"] == "input_image"


def test_tool_settings_are_sent_only_when_set() -> None:
    turn = [Turn("user", "news?")]
    body = build_request(turn, RequestOptions(tools=({"type": "web_search"},), stream=False))
    assert body == {
        "model": "openai/gpt-5.4-pro",
        "input": "news?",
        "tools": [{"type": "web_search"}],
        "include": [ENCRYPTED_REASONING],
    }
    chosen = RequestOptions(tools=({"type": "web_search"},), tool_choice="required", stream=False)
    assert build_request(turn, chosen)["tool_choice"] == "required"
    assert "max_tool_calls" not in build_request(turn, chosen)
    limited = RequestOptions(max_tool_calls=2, stream=False)
    assert build_request(turn, limited) == {
        "model": "openai/gpt-5.4-pro",
        "input": "news?",
        "max_tool_calls": 2,
        "include": [ENCRYPTED_REASONING],
    }


def test_previous_response_id_mode_keeps_the_new_questions_attachments() -> None:
    turns = [Turn("user", "hi"), Turn("assistant", "Hello."), Turn("user", "and this?", (IMAGE,))]
    options = RequestOptions(use_previous_response_id=True, stream=False)
    body = build_request(turns, options, previous_response_id="resp_1")
    assert body["input"] == turns[2].input_items()
    assert body["previous_response_id"] == "resp_1"


def test_bad_attachments_are_refused() -> None:
    with pytest.raises(ValueError, match="only user"):
        Turn("assistant", "x", (IMAGE,))
    with pytest.raises(ValueError, match="kind"):
        Attachment("video", "x.mp4", "video/mp4", b"")
    with pytest.raises(ValueError, match="detail"):
        Attachment("image", "x.png", "image/png", PNG, "ultra")
    with pytest.raises(ValueError, match="inlined"):
        from desktop.api.attachments import content_part

        content_part(SCRIPT)


def test_attachment_value_helpers() -> None:
    assert IMAGE.size == len(PNG)
    assert len(IMAGE.sha256) == 64
    assert "data" not in repr(IMAGE)  # bytes stay out of logs
    turn = Turn("user", "x", [IMAGE])  # type: ignore[arg-type]
    assert turn.attachments == (IMAGE,) and hash(turn)


@pytest.fixture
def client(fake_server: FakeResponsesServer) -> Iterator[ResponsesClient]:
    with ResponsesClient(fake_server.base_url, "tok", backoff_base=0.01) as c:
        yield c


def test_fake_server_receives_the_parts_and_honours_markers(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    turn = Turn("user", "[[scenario:refusal]] what is this?", (IMAGE, REPORT))
    events = list(client.stream(build_request([turn], RequestOptions())))
    assert events[-1].reply.refusal  # type: ignore[union-attr]
    (request,) = fake_server.requests
    sent = json.loads(request.raw_body)
    parts = sent["input"][0]["content"]
    assert [p["type"] for p in parts] == ["input_text", "input_image", "input_file"]
    assert parts[1]["image_url"] == IMAGE.data_url()
    assert parts[2]["file_data"].startswith("data:application/pdf;base64,JVBERi0")
