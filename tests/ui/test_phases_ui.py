"""What GPT-5.x sends, shown right in the window: commentary apart from the answer,
reasoning carried to the next question, every annotation, and honest error banners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop.exporting import export_html, export_json, export_markdown
from desktop.ui.widgets.banner import Banner
from tests.fakeserver.tools import COMMENTARY, WEB_SEARCH_ANSWER
from tests.ui.conftest import TOKEN, run_js

pytestmark = pytest.mark.gui


def ask(qtbot: Any, window: Any, text: str) -> None:
    window.composer.editor.setFocus()
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=20000)


def page(qtbot: Any, window: Any) -> Any:
    """Commentary, tool lines and answer text of the last answer, as shown."""
    return run_js(
        qtbot,
        window.view,
        "(() => { const t = Array.from(document.querySelectorAll('.turn.assistant')).pop();"
        " const c = t.querySelector('.commentary');"
        " const order = Array.from(t.children).map(n => n.className.split(' ')[0]);"
        " return {commentary: c ? c.textContent : null, order: order,"
        " tools: Array.from(t.querySelectorAll('.tool-text')).map(n => n.textContent),"
        " answer: t.querySelector('.answer').textContent,"
        " kinds: Array.from(t.querySelectorAll('.source-kind')).map(n => n.textContent)}; })()",
    )


def test_commentary_is_a_preamble_apart_from_the_answer(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("commentary")
    window = make_window()
    ask(qtbot, window, "What is new in Parley?")
    qtbot.waitUntil(lambda: (page(qtbot, window) or {}).get("commentary") == COMMENTARY)
    shown = page(qtbot, window)
    assert shown["order"].index("commentary") < shown["order"].index("tools")
    assert shown["order"].index("tools") < shown["order"].index("answer")
    assert COMMENTARY not in shown["answer"] and "Parley 0.1 came out" in shown["answer"]
    assert any(
        "Looked for \u201crelease date\u201d in news.example.com" in t for t in shown["tools"]
    )
    # "The answer" is the final answer: saved, copied and exported without the preamble.
    answer = window.store.messages(window.current.id)[-1]
    assert answer.text == WEB_SEARCH_ANSWER
    window.display.copy_last_answer()
    assert QGuiApplication.clipboard().text() == WEB_SEARCH_ANSWER
    record = window.store.response_data(answer.id)
    assert record["commentary"] == COMMENTARY
    phases = [item.get("phase") for item in record["output"] if item["type"] == "message"]
    assert phases == ["commentary", "final_answer"]
    exported = export_markdown(window.store.export_conversation(window.current.id))
    assert f"> **Commentary**\n>\n> {COMMENTARY}" in exported
    assert "1. [Example News](<https://news.example.com/parley-0-1>)" in exported
    # Opened again, the preamble is still above the tools.
    conv = window.current.id
    window.new_conversation()
    window.open_conversation(conv)
    qtbot.waitUntil(lambda: (page(qtbot, window) or {}).get("commentary") == COMMENTARY)


def test_a_reopened_conversation_carries_reasoning_and_phases(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("commentary")
    window = make_window()
    ask(qtbot, window, "What is new in Parley?")
    first = fake_server.requests[0]
    assert first.json["include"] == ["reasoning.encrypted_content"]
    conv = window.current.id
    window.close()
    tomorrow = make_window()  # a new window on the same history
    tomorrow.open_conversation(conv)
    fake_server.set_default("normal")
    ask(qtbot, tomorrow, "And before that?")
    sent = fake_server.requests[-1].json["input"]
    assert sent[0] == {"role": "user", "content": "What is new in Parley?"}
    reasoning = sent[1]
    assert reasoning["type"] == "reasoning"
    assert reasoning["encrypted_content"] == "gAAAAABfake-encrypted-reasoning-0001=="
    phases = [item.get("phase") for item in sent if item.get("type") == "message"]
    assert phases == ["commentary", "final_answer"]
    assert sent[-1] == {"role": "user", "content": "And before that?"}


def test_file_annotations_show_as_labelled_chips_and_in_exports(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("files")
    window = make_window()
    ask(qtbot, window, "Summarise the budget")
    qtbot.waitUntil(lambda: len((page(qtbot, window) or {}).get("kinds") or []) == 3)
    assert page(qtbot, window)["kinds"] == ["File", "Container file", "Generated file"]
    conv = window.store.export_conversation(window.current.id)
    html = export_html(conv)
    assert '<span class="source-kind" title="file-report01">File</span> budget-2026.pdf' in html
    markdown = export_markdown(conv)
    assert "2. chart.png (container file `cfile_chart01`)" in markdown
    kinds = [
        c["kind"] for c in json.loads(export_json(conv))["messages"][-1]["response"]["citations"]
    ]
    assert kinds == ["file_citation", "container_file_citation", "file_path"]


def test_quota_error_says_so_with_details(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("cf_quota")
    window = make_window()
    ask(qtbot, window, "Hello")
    banner = window.banner
    assert "daily free Workers AI allocation is used up" in banner.label.text()
    assert len(fake_server.requests) == 1  # not retried
    assert banner.details_button.isVisible() and not banner.details.isVisible()
    banner.details_button.click()
    assert banner.details.isVisible()
    assert "request id 8f0fake0001-LHR" in banner.details.text()
    assert "The server said: AiError" in banner.details.text()
    saved = window.store.response_data(window.store.messages(window.current.id)[-1].id)
    assert saved["error_details"] == banner.details.text()  # kept with the answer


def test_a_token_quoted_by_the_server_is_redacted_everywhere(
    make_window: Any, qtbot: Any, fake_server: Any, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("echo_auth")
    window = make_window()
    ask(qtbot, window, "Hello")
    assert fake_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "[redacted]" in window.banner.label.text()
    assert TOKEN not in window.banner.label.text() + window.banner.details.text()
    conv = window.store.export_conversation(window.current.id)
    for text in (export_markdown(conv), export_html(conv), export_json(conv)):
        assert TOKEN not in text
    window.close()
    files = [p for d in isolated_dirs.values() for p in d.rglob("*") if p.is_file()]
    assert [p for p in files if TOKEN.encode() in p.read_bytes()] == []


def test_banner_shows_server_text_literally(qtbot: Any) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    message = "The server said <b>no</b>: see <a href='https://x.example'>here</a>."
    banner.show_message(message)
    banner.label.setSelection(0, len(message))
    assert banner.label.selectedText() == message  # not "The server said no: see here."
    details = "<i>raw</i> &amp; more"
    banner.show_message(message, details=details)
    banner.details.setSelection(0, len(details))
    assert banner.details.selectedText() == details


def test_a_long_retry_after_counts_down_and_stop_works(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("http_429", retry_after="120")
    window = make_window()
    window.composer.editor.setFocus()
    window.composer.set_text("Hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            "trying again in 2:00" in window.status.state_label.text()
            or "trying again in 1:5" in window.status.state_label.text()
        ),
        timeout=10000,
    )
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=2000)
    assert window.status.state_label.text() == "Stopped"
    assert len(fake_server.requests) == 1
