"""The conversation page belongs to Parley: the public XSS corpus, rendered in every
wrapping and loaded into the real page, runs nothing and requests nothing; look-alike
controls in an answer do nothing; Python refuses requests naming turns, versions or
attachments the page was never given; hovering a link shows where it really leads."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint

from tests.render.xss_corpus import WRAPPINGS, xss_payloads
from tests.ui.conftest import run_js

pytestmark = pytest.mark.gui

# Everything a payload that ran would most likely call, recorded instead.
HOOKS = """(() => {
  window.__hits = [];
  const record = (name) => function () { window.__hits.push(name); };
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) window[name] = record(name);
  window.fetch = record("fetch");
  XMLHttpRequest.prototype.open = record("xhr");
  navigator.sendBeacon = record("beacon");
  window.WebSocket = record("websocket");
  window.eval = record("eval");
  return true;
})()"""


@pytest.fixture
def view(qtbot: Any) -> Any:
    from desktop.ui.widgets.conversation_view import ConversationView

    page = ConversationView()
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitUntil(lambda: page.is_ready, timeout=15000)
    return page


def _load(qtbot: Any, view: Any, turns: list[dict[str, Any]]) -> None:
    with qtbot.waitSignal(view.turns_painted, timeout=60000):
        view.load_turns(turns)


def test_corpus_in_every_wrapping_runs_and_loads_nothing_in_the_page(qtbot: Any, view: Any) -> None:
    from desktop.render import render_markdown
    from desktop.ui.widgets.web_page import blocked_requests

    payloads = xss_payloads()
    assert run_js(qtbot, view, HOOKS) is True
    before = blocked_requests()
    turns = [
        {
            "id": f"m{n}",
            "role": "assistant",
            "model": "",
            "blocks": [render_markdown(wrap(payload)) for payload in payloads],
        }
        for n, wrap in enumerate(WRAPPINGS.values())
    ]
    _load(qtbot, view, turns)
    # Let image errors, timers, animations and focus events fire if anything is live.
    qtbot.wait(1500)
    state = run_js(
        qtbot,
        view,
        """({hits: window.__hits,
             blocks: document.querySelectorAll('.answer .b').length,
             chosen: document.querySelectorAll(
               '.answer [id], .answer [style]:not(th):not(td), .answer math [class],'
               + ' .answer [onerror], .answer [onload], .answer img, .answer iframe,'
               + ' .answer script, .answer object, .answer embed, .answer svg').length,
             notices: document.querySelectorAll('.answer .notice, .answer .attachment,'
               + ' .answer .turn, .answer .copy-answer, .answer .versions').length})""",
        timeout=20000,
    )
    assert state == {
        "hits": [],
        "blocks": len(payloads) * len(WRAPPINGS),
        "chosen": 0,
        "notices": 0,
    }
    assert blocked_requests() == before


FAKE_CONTROLS = (
    '<div class="attachments"><button class="attachment" data-index="0">file</button></div>'
    '<span class="versions"><button class="version-prev" data-step="-1">‹</button></span>'
    '<button class="copy-answer">Copy</button>'
)


def test_look_alike_controls_in_an_answer_do_nothing(qtbot: Any, view: Any) -> None:
    """Markup that slipped through as a page control (here put in directly) is
    never one: only the page's own buttons reach Python."""
    requests: list[tuple[Any, ...]] = []
    view.attachment_requested.connect(lambda *a: requests.append(("attachment", *a)))
    view.version_requested.connect(lambda *a: requests.append(("version", *a)))
    view.copy_answer_requested.connect(lambda *a: requests.append(("copy", *a)))
    _load(
        qtbot,
        view,
        [
            {"id": "m1", "role": "user", "text": "q", "versions": 2, "version": 2},
            {"id": "m2", "role": "assistant", "blocks": [FAKE_CONTROLS], "versions": 2},
        ],
    )
    view.show_attachments("m1", [])
    clicked = run_js(
        qtbot,
        view,
        """(() => {
          const fakes = document.querySelectorAll('#t-m2 .answer button');
          fakes.forEach((b) => b.click());
          return fakes.length;
        })()""",
    )
    assert clicked == 3
    qtbot.wait(300)
    assert requests == []
    # The page's own Copy button on the same answer still works.
    with qtbot.waitSignal(view.copy_answer_requested, timeout=5000) as signal:
        run_js(qtbot, view, "(document.querySelector('#t-m2 .actions .copy-answer').click(), 1)")
    assert signal.args == ["m2"]


def test_python_refuses_requests_for_what_the_page_was_not_given(qtbot: Any, view: Any) -> None:
    requests: list[tuple[Any, ...]] = []
    view.attachment_requested.connect(lambda *a: requests.append(("attachment", *a)))
    view.version_requested.connect(lambda *a: requests.append(("version", *a)))
    view.copy_answer_requested.connect(lambda *a: requests.append(("copy", *a)))
    _load(
        qtbot,
        view,
        [
            {"id": "m1", "role": "user", "text": "q", "versions": 1, "version": 1},
            {"id": "m2", "role": "assistant", "blocks": ["<p>a</p>"], "versions": 2},
        ],
    )
    view.show_attachments("m1", [_Attachment()])
    bridge = view._bridge
    for turn in ("m9", "m1", "t-m2", ""):
        bridge.copyAnswer(turn)  # unknown, or not an answer
    for turn, step in (("m9", 1), ("m1", 1), ("m2", 5), ("m2", 0)):
        bridge.switchVersion(turn, step)
    for turn, index in (("m9", 0), ("m2", 0), ("m1", 1), ("m1", -1)):
        bridge.openAttachment(turn, index)
    assert requests == []
    bridge.copyAnswer("m2")
    bridge.switchVersion("m2", -1)
    bridge.openAttachment("m1", 0)
    assert requests == [("copy", "m2"), ("version", "m2", -1), ("attachment", "m1", 0)]
    view.remove_turn("m2")
    bridge.copyAnswer("m2")
    assert len(requests) == 3


class _Attachment:
    kind = "text"
    name = "notes.txt"
    mime = "text/plain"
    data = b"notes"
    size = 5


LINKS = (
    "[the documentation](https://evil.example/steal?x=1) and "
    "[write to us](mailto:help@example.com?subject=Hi&attach=/home/user/.ssh/id_rsa)"
)


def test_hovering_a_link_shows_its_real_target_in_the_status_bar(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    from tests.ui.test_main_window import ask

    fake_server.set_default("normal", answer=LINKS)
    window = make_window()
    ask(qtbot, window, "Where can I read more?")
    shown = []
    for n, target in enumerate(
        ["https://evil.example/steal?x=1", "mailto:help@example.com?subject=Hi"]
    ):
        link = f"document.querySelectorAll('.answer a[href]')[{n}]"
        shown.append(_hover_until(qtbot, window, link, lambda t=target: t))
        shown.append(_hover_until(qtbot, window, None, lambda: ""))
    assert shown == ["https://evil.example/steal?x=1", "", "mailto:help@example.com?subject=Hi", ""]


def test_a_link_reached_with_tab_shows_its_real_target(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    from tests.ui.test_main_window import ask

    fake_server.set_default("normal", answer=LINKS)
    window = make_window()
    ask(qtbot, window, "Where can I read more?")
    run_js(qtbot, window.view, "document.querySelectorAll('.answer a[href]')[0].focus() || 1")
    qtbot.waitUntil(
        lambda: window.status.currentMessage() == "https://evil.example/steal?x=1", timeout=5000
    )
    run_js(qtbot, window.view, "document.activeElement.blur() || 1")
    qtbot.waitUntil(lambda: window.status.currentMessage() == "", timeout=5000)


def _hover_until(qtbot: Any, window: Any, element: str | None, wanted: Any) -> str:
    """Moves the pointer over `element` (a page expression; None: the page's corner)
    until the status bar shows `wanted()`, and returns what it shows: a move can come
    before the page has laid the answer out, and a pointer at rest reports nothing."""
    from pytestqt.exceptions import TimeoutError as WaitTimeout

    view = window.view
    for attempt in range(25):
        point = QPoint(2, 2)
        if element is not None:
            box = run_js(
                qtbot,
                view,
                f"(() => {{ const r = {element}.getBoundingClientRect();"
                " return [r.left + 4, r.top + r.height / 2]; })()",
            )
            ratio = view.zoomFactor()
            point = QPoint(int(box[0] * ratio), int(box[1] * ratio))
        _hover(view, point + QPoint(attempt % 2, 0))
        try:
            qtbot.waitUntil(lambda: window.status.currentMessage() == wanted(), timeout=200)
            break
        except WaitTimeout:
            continue  # not there yet: move again
    return str(window.status.currentMessage())


def _hover(view: Any, point: QPoint) -> None:
    """Moves the pointer over `point` of the page, as a person's mouse would."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    target = view.focusProxy()
    local = QPointF(point)
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        local,
        QPointF(target.mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)


def test_a_mailto_link_opens_with_only_its_subject_and_body(qtbot: Any, view: Any) -> None:
    """Even a mailto href that reached the page whole (here put in directly) opens
    without its `attach=` and `cc=` fields: Python checks what the page sends."""
    from PySide6.QtGui import QDesktopServices

    from tests.ui.test_main_window import _UrlCatcher

    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("mailto", catcher, "open")
    try:
        raw = (
            '<p><a href="mailto:x@y?cc=z@w&amp;attach=/home/user/.ssh/id_rsa&amp;body=Hi">m</a></p>'
        )
        _load(qtbot, view, [{"id": "m1", "role": "assistant", "blocks": [raw]}])
        run_js(qtbot, view, "(document.querySelector('.answer a').click(), true)")
        qtbot.waitUntil(lambda: catcher.urls == ["mailto:x@y?body=Hi"], timeout=5000)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
