"""The chat window end to end in-process: real widgets, real page, real HTTP to
the fake server, real SQLite."""

from __future__ import annotations

import gc
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from tests.ui.conftest import TOKEN, last_question, run_js

pytestmark = pytest.mark.gui

ANSWER = (
    "## Trains\n\nThe time is\n\n\\[ t = \\frac{d}{v_1 + v_2} \\]\n\n"
    "so with $d = 300$ km:\n\n- first\n  - nested\n\n"
    "```python\nprint('hello')\n```\n\nDone.\n"
)


def answer_text(qtbot: Any, window: Any) -> str:
    return run_js(
        qtbot,
        window.view,
        "Array.from(document.querySelectorAll('.turn.assistant'))"
        ".map(e => e.textContent).join('\\n---\\n')",
    )


def wait_idle(qtbot: Any, window: Any, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=timeout)


def send(qtbot: Any, window: Any, text: str) -> None:
    window.composer.editor.setFocus()
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)


def ask(qtbot: Any, window: Any, text: str) -> None:
    """Sends `text` as a person would and waits until the answer has ended."""
    send(qtbot, window, text)
    wait_idle(qtbot, window)


def test_starts_with_focus_in_composer_and_title(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    assert window.windowTitle().startswith("Parley")
    qtbot.waitUntil(lambda: window.focusWidget() is window.composer.editor, timeout=3000)
    assert not window.composer.button.isEnabled()  # nothing to send yet


def test_streamed_answer_is_rendered_with_math_and_code(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer=ANSWER, reasoning="Thinking about **trains**.")
    window = make_window()
    ask(qtbot, window, "When do the trains meet?")
    counts = run_js(
        qtbot,
        window.view,
        "[document.querySelectorAll('.turn.assistant math[display=\"block\"]').length,"
        " document.querySelectorAll('.turn.assistant .code-block').length,"
        " document.querySelectorAll('.turn.assistant li li').length,"
        " document.querySelectorAll('.turn.user').length,"
        " document.querySelector('details.reasoning').hidden,"
        " document.querySelector('.code-copy') !== null]",
    )
    assert counts == [1, 1, 1, 1, False, True]
    assert "Done." in answer_text(qtbot, window)
    body = fake_server.requests[-1].json
    assert last_question(body) == "When do the trains meet?"
    assert fake_server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_usage_in_status_bar_matches_server(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    usage = {"input": 1234, "cached": 200, "output": 5678, "reasoning": 4000}
    fake_server.set_default("normal", answer="Short answer.", usage=usage)
    window = make_window()
    ask(qtbot, window, "Hi")
    text = window.status.usage_label.text().replace("\u2009", "")
    assert text == "Last: in 1234 (cached 200) · out 5678 (reasoning 4000) · total 6912"
    assert window.status.state_label.text().startswith("Done in")
    assert window.status.total_label.text().replace("\u2009", "") == "Conversation: 6912 tokens"
    ask(qtbot, window, "Again")
    assert window.status.total_label.text().replace("\u2009", "") == "Conversation: 13824 tokens"
    assert "cached" in window.status.usage_label.toolTip()


def test_shift_enter_inserts_newline_and_enter_sends(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="ok")
    window = make_window()
    editor = window.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "line one")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "line two")
    assert editor.toPlainText() == "line one\nline two"
    assert fake_server.requests == []
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert last_question(fake_server.requests[-1].json) == "line one\nline two"
    assert editor.toPlainText() == ""


def test_escape_stops_before_first_byte_quickly(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("slow", first_byte_delay=30)
    window = make_window()
    send(qtbot, window, "Think hard")
    qtbot.waitUntil(lambda: window.composer.busy and bool(fake_server.requests), timeout=5000)
    assert window.composer.button.text() == "Stop"
    started = time.monotonic()
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    wait_idle(qtbot, window, timeout=2000)
    assert time.monotonic() - started < 0.5
    assert window.status.state_label.text() == "Stopped"
    assert window.composer.button.text() == "Send"
    messages = window.store.messages(window.current.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[-1].status == "stopped"


def test_stop_mid_stream_keeps_partial_answer(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="word " * 2000, delta_size=10, delta_rate=200)
    window = make_window()
    send(qtbot, window, "Talk")
    qtbot.waitUntil(lambda: "word" in answer_text(qtbot, window), timeout=10000)
    window.composer.button.click()
    wait_idle(qtbot, window, timeout=2000)
    saved = window.store.messages(window.current.id)[-1]
    assert saved.status == "stopped"
    assert 0 < len(saved.text) < len("word " * 2000)
    assert "Stopped" in answer_text(qtbot, window) or window.status.state_label.text() == "Stopped"


@pytest.mark.parametrize(
    ("scenario", "expected", "settings_button"),
    [
        ("http_401", "token", True),
        ("cf_401", "token", True),
        ("http_403", "", True),
        ("http_404", "model", True),  # the model id or URL is fixed in Settings
        ("http_429", "", False),
        ("http_500", "", False),
        ("cut", "", False),
        ("failed", "", False),
        ("error_event", "", False),
        ("malformed", "", False),
    ],
)
def test_errors_show_banner_and_app_stays_usable(
    make_window: Any,
    qtbot: Any,
    fake_server: Any,
    scenario: str,
    expected: str,
    settings_button: bool,
) -> None:
    fake_server.set_default(scenario, retry_after=0)
    window = make_window()
    send(qtbot, window, "Question that fails")
    wait_idle(qtbot, window, timeout=20000)
    assert window.banner.isVisible()
    message = window.banner.label.text()
    assert message and "Traceback" not in message and TOKEN not in message
    assert message.count(".") >= 1
    if expected:
        assert expected in message.lower()
    assert window.banner.settings.isVisible() == settings_button
    assert window.banner.retry.isVisible()
    # An answer without a word offers nothing to copy; one cut short keeps its Copy.
    copy = "getComputedStyle(document.querySelector('.turn.assistant .actions')).display"
    empty = "document.querySelector('.turn.assistant .answer').childNodes.length === 0"
    assert (run_js(qtbot, window.view, copy) == "none") == run_js(qtbot, window.view, empty)
    # The question is kept, and the app still works.
    messages = window.store.messages(window.current.id)
    assert messages[0].text == "Question that fails"
    fake_server.set_default("normal", answer="Recovered.")
    window.banner.retry.click()
    wait_idle(qtbot, window)
    assert "Recovered." in answer_text(qtbot, window)
    assert not window.banner.isVisible()
    assert run_js(qtbot, window.view, copy) != "none"


def test_incomplete_answer_keeps_text_and_says_cut_short(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("incomplete", answer="Partial text here")
    window = make_window()
    ask(qtbot, window, "Long one")
    text = answer_text(qtbot, window)
    assert "Partial" in text
    assert "cut short" in text
    assert window.store.messages(window.current.id)[-1].status == "incomplete"


def test_scrolling_up_unpins_and_shows_jump_button(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    long_answer = "\n\n".join(f"Paragraph {i} " + "text " * 30 for i in range(150))
    fake_server.set_default("normal", answer=long_answer, delta_size=200, delta_rate=100)
    window = make_window()
    window.resize(900, 600)
    send(qtbot, window, "Long")
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.view, "document.scrollingElement.scrollHeight > 3000"),
        timeout=15000,
    )
    assert run_js(qtbot, window.view, "parley.isPinned()") is True
    run_js(qtbot, window.view, "(window.scrollTo(0, 0), true)")
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.view, "!document.getElementById('jump').hidden"),
        timeout=10000,
    )
    assert run_js(qtbot, window.view, "document.scrollingElement.scrollTop") < 100
    wait_idle(qtbot, window, timeout=30000)
    assert run_js(qtbot, window.view, "document.scrollingElement.scrollTop") < 100
    run_js(qtbot, window.view, "(document.getElementById('jump').click(), true)")
    assert run_js(qtbot, window.view, "parley.isPinned()") is True


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_link_click_opens_browser_not_page(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("normal", answer="See [the docs](https://example.com/docs).")
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        window = make_window()
        home = window.view.url().toString()
        send(qtbot, window, "Link please")
        wait_idle(qtbot, window)
        run_js(qtbot, window.view, "(document.querySelector('.answer a').click(), true)")
        qtbot.waitUntil(lambda: catcher.urls == ["https://example.com/docs"], timeout=5000)
        assert window.view.url().toString() == home
        assert run_js(qtbot, window.view, "location.href") == home
    finally:
        QDesktopServices.unsetUrlHandler("https")


HOSTILE = (
    '<script>document.title="pwned"; window.__pwned = 1;</script>\n\n'
    '<img src=x onerror="window.__pwned=2">\n\n'
    "[click](javascript:window.__pwned=3)\n\n"
    '<a href="javascript:window.__pwned=4">raw</a> <svg onload="window.__pwned=5"></svg>\n\n'
    "![x](https://example.com/x.png)\n"
)


def test_hostile_answer_runs_nothing(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("normal", answer=HOSTILE)
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    window = make_window()
    title = run_js(qtbot, window.view, "document.title")
    ask(qtbot, window, "Be evil")
    run_js(
        qtbot,
        window.view,
        "(document.querySelectorAll('.answer a').forEach(a => a.click()), true)",
    )
    qtbot.wait(300)
    assert run_js(qtbot, window.view, "document.title") == title
    assert run_js(qtbot, window.view, "typeof window.__pwned") == "undefined"
    assert (
        run_js(
            qtbot,
            window.view,
            "document.querySelectorAll('.answer script, .answer img, .answer svg').length",
        )
        == 0
    )
    assert "<script>" in answer_text(qtbot, window)  # shown as text
    QDesktopServices.unsetUrlHandler("https")
    assert all(url.startswith("https://") for url in catcher.urls)


def test_screenshots_light_and_dark(
    make_window: Any, qtbot: Any, fake_server: Any, tmp_path: Path
) -> None:
    fake_server.set_default("normal", answer=ANSWER, reasoning="Considering the relative speed.")
    window = make_window()
    window.resize(1100, 760)
    ask(qtbot, window, "Two trains leave 300 km apart at 60 and 90 km/h. When do they meet?")
    for theme in ("light", "dark"):
        window.appearance.apply(theme, 15)
        qtbot.wait(400)
        path = tmp_path / f"conversation-{theme}.png"
        assert window.grab().save(str(path))
        assert path.stat().st_size > 10_000
    dark = run_js(qtbot, window.view, "document.body.className")
    assert dark == "dark"


def test_without_connection_the_window_says_what_to_set(
    make_window: Any, qtbot: Any, isolated_dirs: dict[str, Path]
) -> None:
    window = make_window(environ={})
    send(qtbot, window, "Hello?")
    assert window.banner.isVisible()
    assert "Settings" in window.banner.label.text()
    assert window.banner.settings.isVisible()
    assert window.composer.text() == "Hello?"  # nothing lost


def test_a_local_server_is_used_without_a_token(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    from desktop.config.profiles import Profiles
    from desktop.config.settings import Settings

    settings = Settings()
    profiles = Profiles(settings)
    local = profiles.add("Local", "custom", base_url=fake_server.base_url)
    profiles.set_active(local.id)
    fake_server.set_default("normal", answer="No token needed here.")
    window = make_window(environ={}, settings=settings)
    ask(qtbot, window, "Hello?")
    assert not window.banner.isVisible()
    assert "No token needed here." in answer_text(qtbot, window)
    assert "authorization" not in fake_server.requests[-1].headers


def test_a_short_question_stays_on_one_line(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    window = make_window()
    ask(qtbot, window, "Sample variance, with Python code")
    lines = run_js(
        qtbot,
        window.view,
        "(() => { const r = document.createRange();"
        " r.selectNodeContents(document.querySelector('.turn.user .bubble'));"
        " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; })()",
    )
    assert lines == 1


def test_close_while_streaming_cancels_cleanly(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("slow", first_byte_delay=30)
    window = make_window()
    send(qtbot, window, "Never mind")
    qtbot.waitUntil(lambda: bool(fake_server.requests), timeout=5000)
    stream = next(iter(window.chat._streams.values()))
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 2.5
    assert stream._handle.worker_thread.isFinished()
    assert window.store.messages(window.current.id)[-1].status == "stopped"


def test_final_save_waits_for_the_last_frame_and_loses_nothing(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    """The final save (status, usage, search index) runs just after the page has
    the last words; what arrived is already saved, and closing saves it at once."""
    fake_server.set_default("normal", answer="All the words arrived.")
    window = make_window()
    send(qtbot, window, "Say it")
    qtbot.waitUntil(lambda: bool(window.chat._finishing), timeout=10000)
    conv = window.current.id
    waiting = window.store.messages(conv)[-1]
    assert waiting.text == "All the words arrived."  # saved before the final save
    assert waiting.status == "streaming"
    assert window.composer.busy  # still counts as answering
    window.close()  # does the waiting save at once
    saved = window.store.messages(conv)[-1]
    assert saved.status == "complete"
    assert saved.text == "All the words arrived."
    assert saved.usage.total_tokens > 0


def test_final_save_follows_shortly(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("normal", answer="Saved soon after.")
    window = make_window()
    ask(qtbot, window, "Say it")
    assert not window.chat._finishing
    saved = window.store.messages(window.current.id)[-1]
    assert saved.status == "complete"
    assert window.store.search("soon", 10)  # in the search index


def test_finished_answers_are_released(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    """Once saved, an answer's stream (its text, reply and rendered blocks, its
    threads) is deleted: the window does not carry every answer it ever showed."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from desktop.ui.flows.answer import AnswerStream

    fake_server.set_default("normal", answer="One of many answers.")
    window = make_window()
    streams = []
    for n in range(4):
        if n == 3:
            fake_server.set_default("cut")  # a failed answer ends too
        send(qtbot, window, f"Question {n}")
        streams.append(weakref.ref(window.chat._streams[window.current.id]))
        wait_idle(qtbot, window)

    def gone() -> bool:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        return not window.findChildren(AnswerStream) and all(s() is None for s in streams)

    qtbot.waitUntil(gone, timeout=5000)
    assert len(window.store.messages(window.current.id)) == 8  # all saved


def test_an_answers_threads_belong_to_it(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    """The stream's Python object is freed by the cyclic collector, on whichever
    thread that runs: a thread object it owned in Python would be deleted there, off
    the GUI thread, which can crash the app. Qt owns them and deletes them with the
    answer, on the GUI thread, once they have ended (`AnswerStream.release`)."""
    from shiboken6 import Shiboken

    fake_server.set_default("normal", answer="An answer.")
    window = make_window()
    send(qtbot, window, "Question")
    stream = window.chat._streams[window.current.id]
    for thread in (stream._render, stream._handle.worker_thread):
        assert thread.parent() is not None
        assert not Shiboken.ownedByPython(thread)
    wait_idle(qtbot, window)


def test_context_menu_offers_no_navigation(make_window: Any, qtbot: Any) -> None:
    """Qt's standard menu offers Back, Forward, Reload (which emptied the
    conversation), Save page and View page source; ours only copies and selects."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMenu

    window = make_window()
    view = window.view
    target = view.focusProxy() or view
    QTest.mouseClick(target, Qt.MouseButton.RightButton, pos=QPoint(60, 40))

    def menu() -> QMenu | None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu)]
        return next((m for m in shown if m.isVisible()), None)

    qtbot.waitUntil(lambda: menu() is not None, timeout=5000)
    opened = menu()
    assert opened is not None
    labels = [a.text().replace("&", "") for a in opened.actions() if not a.isSeparator()]
    opened.close()
    assert labels, "an empty menu"
    for unwanted in ("Back", "Forward", "Reload", "Save page", "View page source"):
        assert unwanted not in labels, labels


def test_page_reloaded_mid_answer_draws_everything_again(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    """A reload (or a renderer crash) empties the page: the window draws the
    conversation again, the answer in flight keeps streaming into it, and the
    patches do not wait forever for an acknowledgement the old page never sends."""
    words = " ".join(f"w{n}" for n in range(1500))
    fake_server.set_default("normal", answer=words, delta_size=20, delta_rate=200)
    window = make_window()
    send(qtbot, window, "Talk for a while")
    qtbot.waitUntil(lambda: "w10 " in answer_text(qtbot, window), timeout=10000)
    window.composer.set_text("half-typed")
    with qtbot.waitSignal(window.view.reloaded, timeout=10000):
        window.view.reload()
    wait_idle(qtbot, window, timeout=20000)
    qtbot.waitUntil(lambda: "w1499" in answer_text(qtbot, window), timeout=5000)
    text = answer_text(qtbot, window)
    assert "Talk for a while" in run_js(qtbot, window.view, "document.body.textContent")
    assert text.count("w1499") == 1
    assert run_js(qtbot, window.view, "document.body.className") in {"light", "dark"}
    assert window.composer.text() == "half-typed"


def test_renderer_crash_reloads_the_conversation(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    import os
    import signal

    fake_server.set_default("normal", answer="Still here after the crash.")
    window = make_window()
    ask(qtbot, window, "Before the crash")
    pid = window.view.page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(window.view.reloaded, timeout=15000):
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(
        lambda: "Still here after the crash." in answer_text(qtbot, window), timeout=5000
    )
    fake_server.set_default("normal", answer="And answering again.")
    ask(qtbot, window, "After")
    assert "And answering again." in answer_text(qtbot, window)


def test_only_the_latest_find_reports(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    fake_server.set_default("normal", answer="alpha beta alpha gamma")
    window = make_window()
    ask(qtbot, window, "Say alpha")
    results: list[tuple[str, object]] = []
    window.view.find_text("a", 0, lambda found: results.append(("a", found)))
    window.view.find_text("alpha", 0, lambda found: results.append(("alpha", found)))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    qtbot.wait(200)
    assert results == [("alpha", [1, 3])]  # the question has one too


def test_find_in_conversation_highlights_and_steps(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="alpha beta alpha gamma alpha")
    window = make_window()
    ask(qtbot, window, "Say alpha")
    page = window.view.page()
    scripts: list[str] = []
    run_script = page.runJavaScript
    page.runJavaScript = lambda script, *rest: (scripts.append(script), run_script(script, *rest))
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "alpha")
    qtbot.waitUntil(lambda: window.find_bar.count.text() == "1 of 4", timeout=5000)
    assert run_js(qtbot, window.view, "document.querySelectorAll('mark.find').length") == 4
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.find_bar.count.text() == "2 of 4", timeout=5000)
    # Each query asked as a message, not a script (V8 would keep every one).
    assert not [script for script in scripts if "parley.find" in script]
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.view, "document.querySelectorAll('mark.find').length") == 0,
        timeout=5000,
    )


def test_token_is_in_no_file_after_a_session(
    make_window: Any, qtbot: Any, fake_server: Any, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("normal", answer="Nothing secret here.")
    window = make_window()
    ask(qtbot, window, "Hello")
    fake_server.set_default("http_401")
    ask(qtbot, window, "Again")
    window.close()
    needle = TOKEN.encode()
    files = [p for d in isolated_dirs.values() for p in d.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files)
    assert [p for p in files if needle in p.read_bytes()] == []


def test_regenerate_keeps_versions_and_switcher_moves_between_them(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="First answer.")
    window = make_window()
    ask(qtbot, window, "Question")
    fake_server.set_default("normal", answer="Second answer.")
    window.actions_by_id["regenerate"].trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "Second answer." in answer_text(qtbot, window), timeout=5000)
    window.display.show(window.current.id)
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window.view, "document.querySelector('.version-label')?.textContent")
            == "2/2"
        ),
        timeout=5000,
    )
    run_js(qtbot, window.view, "(document.querySelector('.version-prev').click(), true)")
    qtbot.waitUntil(lambda: "First answer." in answer_text(qtbot, window), timeout=5000)
    assert run_js(qtbot, window.view, "document.querySelector('.version-label').textContent") == (
        "1/2"
    )
    # The request for the second version sent the same question once.
    assert last_question(fake_server.requests[-1].json) == "Question"


def test_up_in_empty_composer_edits_last_question(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="About cats.")
    window = make_window()
    ask(qtbot, window, "Tell me about cats")
    editor = window.composer.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    assert window.composer.text() == "Tell me about cats"
    assert "Editing" in window.banner.label.text()
    window.composer.set_text("Tell me about dogs")
    fake_server.set_default("normal", answer="About dogs.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert last_question(fake_server.requests[-1].json) == "Tell me about dogs"
    messages = window.store.messages(window.current.id)
    assert [m.text for m in messages] == ["Tell me about dogs", "About dogs."]
    assert [v.text for v in window.store.versions(messages[0].id)] == [
        "Tell me about cats",
        "Tell me about dogs",
    ]


def test_copy_buttons_copy_code_and_markdown_source(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    from PySide6.QtGui import QGuiApplication

    fake_server.set_default("normal", answer=ANSWER)
    window = make_window()
    ask(qtbot, window, "Copy test")
    clipboard = QGuiApplication.clipboard()
    run_js(qtbot, window.view, "(document.querySelector('.code-copy').click(), true)")
    qtbot.waitUntil(lambda: clipboard.text() == "print('hello')", timeout=5000)
    run_js(qtbot, window.view, "(document.querySelector('.copy-answer').click(), true)")
    qtbot.waitUntil(lambda: clipboard.text() == ANSWER, timeout=5000)
    clipboard.clear()
    window.actions_by_id["copy_code"].trigger()
    qtbot.waitUntil(lambda: clipboard.text() == "print('hello')", timeout=5000)


def test_zoom_keys_change_zoom(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    editor = window.composer.editor
    qtbot.keyClick(editor, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoomFactor() == pytest.approx(1.1)
    qtbot.keyClick(editor, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoomFactor() == pytest.approx(0.9)
    qtbot.keyClick(editor, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoomFactor() == pytest.approx(1.0)


def test_window_remembers_its_geometry(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.resize(1010, 707)
    qtbot.wait(50)
    window.close()
    again = make_window()
    assert (again.width(), again.height()) == (1010, 707)


def _second_conversation_streaming(
    make_window: Any, qtbot: Any, fake_server: Any
) -> tuple[Any, int, int]:
    """A window with one answered conversation and a second whose slow answer is
    arriving: (window, first, second)."""
    fake_server.set_default("normal", answer="First conversation answer.")
    window = make_window()
    ask(qtbot, window, "One")
    first = window.current.id
    fake_server.set_default("normal", answer="slow " * 300, delta_size=10, delta_rate=100)
    window.new_conversation()
    send(qtbot, window, "Two")
    second = window.current.id
    qtbot.waitUntil(lambda: bool(window.chat.in_flight(second)), timeout=5000)
    return window, first, second


def test_switching_conversation_while_streaming_finishes_in_its_own(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    window, first, second = _second_conversation_streaming(make_window, qtbot, fake_server)
    window.open_conversation(first)
    assert not window.composer.busy
    qtbot.waitUntil(lambda: not window.chat._streams, timeout=20000)
    assert window.store.messages(second)[-1].text == "slow " * 300
    assert window.store.messages(first)[-1].text == "First conversation answer."
    assert "slow" not in answer_text(qtbot, window)


def test_a_finished_answer_opens_again_without_rendering(
    make_window: Any, qtbot: Any, fake_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streamed answer's HTML is saved with it, so opening its conversation
    later renders nothing on the GUI thread (a 200 KB answer took 0.5 s)."""
    import desktop.render
    from desktop.render import RENDERER_VERSION, render_markdown

    fake_server.set_default("normal", answer=ANSWER, reasoning="")  # a summary is short
    window = make_window()
    ask(qtbot, window, "When do the trains meet?")
    first = window.current.id
    answer = window.store.messages(first)[-1]
    assert window.store.rendered_html(answer.id, RENDERER_VERSION) == render_markdown(ANSWER)

    def refuse(text: str) -> str:
        raise AssertionError("rendered again on opening")

    monkeypatch.setattr(desktop.render, "render_markdown", refuse)
    window.new_conversation()
    window.open_conversation(first)
    qtbot.waitUntil(lambda: "Done." in answer_text(qtbot, window), timeout=5000)
    count = run_js(qtbot, window.view, "document.querySelectorAll('.turn.assistant math').length")
    assert count == 2


def test_an_answer_drawn_again_while_it_streams_still_looks_unfinished(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    """Opening a conversation whose answer is still arriving shows it as arriving: the
    caret on its last block and no Copy until it ends."""
    window, first, second = _second_conversation_streaming(make_window, qtbot, fake_server)
    qtbot.waitUntil(lambda: bool(window.chat.in_flight(second).text), timeout=5000)
    window.open_conversation(first)
    window.open_conversation(second)
    state = (
        "(() => { const t = document.querySelectorAll('.turn.assistant');"
        " const last = t[t.length - 1];"
        " return [last.querySelector('.answer').classList.contains('streaming'),"
        " last.querySelector('.actions').classList.contains('pending'),"
        " last.querySelector('.caret') !== null]; })()"
    )
    # (The caret sits on the last block, which the next patch may bring.)
    qtbot.waitUntil(lambda: run_js(qtbot, window.view, state) == [True, True, True], timeout=5000)
    wait_idle(qtbot, window, timeout=20000)
    assert run_js(qtbot, window.view, state) == [False, False, False]
