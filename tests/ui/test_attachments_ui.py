"""Attachments from the keyboard: paste an image, attach a file, remove one, send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from tests.ui.conftest import run_js

pytestmark = pytest.mark.gui


def _user_parts(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body["input"]
    assert isinstance(items, list)
    content = [i for i in items if i.get("role") == "user"][-1]["content"]
    assert isinstance(content, list)
    return content


def test_paste_image_and_send(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("normal", answer="A red rectangle.")
    window = make_window()
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QGuiApplication.clipboard().setImage(image)
    editor = window.composer.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.tray) == 1 and not window.tray.preparing, timeout=10000)
    assert window.composer.strip.isVisible()
    assert editor.toPlainText() == ""  # the image was attached, not pasted as text
    qtbot.keyClicks(editor, "What is this?")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy and bool(fake_server.requests), timeout=15000)
    parts = _user_parts(fake_server.requests[-1].json)
    assert [p["type"] for p in parts] == ["input_text", "input_image"]
    assert parts[0]["text"] == "What is this?"
    assert parts[1]["image_url"].startswith("data:image/png;base64,")
    assert parts[1]["detail"] == "auto"
    assert not window.composer.strip.isVisible()
    # Kept with the conversation and sent again on the next turn.
    question = window.store.messages(window.current.id)[0]
    assert len(window.store.attachments(question.id)) == 1
    fake_server.set_default("normal", answer="Still red.")
    window.composer.set_text("And now?")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not window.composer.busy and len(fake_server.requests) == 2, timeout=15000
    )
    first_turn = fake_server.requests[-1].json["input"][0]["content"]
    assert [p["type"] for p in first_turn] == ["input_text", "input_image"]
    assert run_js(qtbot, window.view, "document.querySelectorAll('.turn.user').length") == 2


def test_bad_file_is_refused_with_a_sentence_and_nothing_lost(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = make_window()
    bogus = tmp_path / "photo.png"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    window.composer.set_text("keep me")
    window.composer.files_given.emit([str(bogus)])
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10000)
    assert "photo.png" in window.banner.label.text()
    assert "Traceback" not in window.banner.label.text()
    assert len(window.tray) == 0
    assert window.composer.text() == "keep me"


def test_attachment_chip_removed_with_delete_key(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = make_window()
    note = tmp_path / "notes.txt"
    note.write_text("remember the milk\n")
    window.composer.files_given.emit([str(note)])
    qtbot.waitUntil(lambda: len(window.tray) == 1 and not window.tray.preparing, timeout=10000)
    chip = window.composer.strip.chip_widgets()[0]
    chip.setFocus()
    qtbot.keyClick(chip, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(window.tray) == 0, timeout=5000)
    assert not window.composer.strip.isVisible()


def test_web_search_activity_and_numbered_sources(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("web_search")
    window = make_window()
    window.composer.set_text("What's new?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=15000)

    def sources() -> Any:
        return run_js(
            qtbot,
            window.view,
            "Array.from(document.querySelectorAll('.turn.assistant a[href]'))"
            ".map(a => [a.textContent, a.getAttribute('href')])",
        )

    qtbot.waitUntil(lambda: len(sources()) >= 2, timeout=5000)
    shown = sources()
    assert all(href.startswith("https://") for _text, href in shown)
    page_text = run_js(qtbot, window.view, "document.querySelector('.turn.assistant').textContent")
    assert "Searched the web" in page_text or "search" in page_text.lower()
    # Tomorrow: the sources are still there when the conversation is opened again.
    conv = window.current.id
    window.new_conversation()
    window.open_conversation(conv)
    qtbot.waitUntil(lambda: sources() == shown, timeout=5000)


def test_server_without_web_search_gets_one_sentence(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("tool_rejected")
    window = make_window()
    window.composer.set_text("Search please")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=15000)
    assert window.banner.label.text() == (
        "This server does not offer web search; turn it off in Settings."
    )
    assert window.banner.settings.isVisible()
    assert window.store.messages(window.current.id)[0].text == "Search please"


def test_sent_image_shows_as_thumbnail_and_opens(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="Blue.")
    window = make_window()
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("blue"))
    QGuiApplication.clipboard().setImage(image)
    window.composer.editor.setFocus()
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.tray) == 1 and not window.tray.preparing, timeout=10000)
    window.composer.set_text("Colour?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=15000)
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window.view, "document.querySelectorAll('.turn.user img').length") == 1
        ),
        timeout=5000,
    )
    with qtbot.waitSignal(window.view.attachment_requested, timeout=5000):
        run_js(qtbot, window.view, "(document.querySelector('.attachment').click(), true)")
    from desktop.ui.widgets.image_viewer import ImageViewer

    qtbot.waitUntil(lambda: bool(window.findChildren(ImageViewer)), timeout=5000)
    viewer = window.findChildren(ImageViewer)[0]
    assert viewer.isVisible()
    viewer.close()
