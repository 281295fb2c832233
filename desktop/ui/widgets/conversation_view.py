"""The conversation pane: one QWebEngineView showing our own page.

Python pushes rendered HTML blocks to the page as patches (only the changed tail
of a streaming answer); the page talks back through a QWebChannel bridge. The
page can never navigate: links go to the system browser, and a request
interceptor refuses everything that is not our own file, Qt resource or data URL.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QGuiApplication
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

from desktop.resources import resource
from desktop.ui.widgets.page_patch import merge_patch
from desktop.ui.widgets.page_turns import ShownTurns
from desktop.ui.widgets.web_page import LockedPage, shared_profile

if TYPE_CHECKING:
    from desktop.ui.widgets.thumbnails import ImageJobs

log = logging.getLogger(__name__)

ZOOM_STEPS = (0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


class _Bridge(QObject):
    """The web channel's one object: slots the page's JavaScript calls, and `calls`,
    which carries Python's calls to the page.

    `calls(text, ack)`: `text` is JSON, a list of `[function, [arguments…]]` for
    `window.parley`; with `ack` the page calls `acknowledge()` once it has taken
    them (back-pressure for streaming patches). Calls travel as channel messages,
    not as `runJavaScript` scripts: V8 keeps every distinct script it has run, even
    after `gc()` (measured: 300 scripts of 5 KB kept 4.4 MB; the same data as
    messages, nothing), so a page patched a few hundred times per answer grew by
    ~0.5 MB per 50 KB answer for as long as the window was open."""

    calls = Signal(str, bool)
    acknowledged = Signal()
    ready = Signal()
    link = Signal(QUrl)
    copy_text = Signal(str)
    copy_answer = Signal(str)
    switch_version = Signal(str, int)
    open_attachment = Signal(str, int)
    painted = Signal(int)
    find_result = Signal(int, int, int)

    @Slot()
    def pageReady(self) -> None:
        self.ready.emit()

    @Slot()
    def acknowledge(self) -> None:
        self.acknowledged.emit()

    @Slot(int)
    def turnsPainted(self, generation: int) -> None:
        self.painted.emit(generation)

    @Slot(str)
    def openLink(self, href: str) -> None:
        self.link.emit(QUrl(href))

    @Slot(str)
    def copyText(self, text: str) -> None:
        self.copy_text.emit(text)

    @Slot(str)
    def copyAnswer(self, turn_id: str) -> None:
        self.copy_answer.emit(turn_id)

    @Slot(str, int)
    def switchVersion(self, turn_id: str, step: int) -> None:
        self.switch_version.emit(turn_id, step)

    @Slot(str, int)
    def openAttachment(self, turn_id: str, index: int) -> None:
        self.open_attachment.emit(turn_id, index)

    @Slot(int, int, int)
    def found(self, request: int, current: int, total: int) -> None:
        self.find_result.emit(request, current, total)


class ConversationView(QWebEngineView):
    """Shows a conversation and applies streaming patches to it.

    Calls made before the page has loaded are queued and replayed in order.
    """

    ready = Signal()
    # After `load_turns`: the frame showing those turns has been produced. Carries
    # the number `load_turns` returned, so a late report of an older load is told apart.
    turns_painted = Signal(int)
    copy_answer_requested = Signal(str)
    version_requested = Signal(str, int)
    attachment_requested = Signal(str, int)
    link_opened = Signal(QUrl)
    # The target of the link under the pointer, as it would open ("" when none).
    link_hovered = Signal(str)
    # The page loaded again (a renderer crash, a reload): it is empty, and the window
    # draws the conversation anew. `ready` precedes it.
    reloaded = Signal()

    # What the context menu may offer: Qt's standard one also has Back, Forward,
    # Reload (which emptied the conversation), Save page and View page source.
    MENU_ACTIONS = (
        QWebEnginePage.WebAction.Copy,
        QWebEnginePage.WebAction.CopyLinkToClipboard,
        QWebEnginePage.WebAction.CopyImageToClipboard,
        QWebEnginePage.WebAction.SelectAll,
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ready = False
        # Calls made before the page was ready, each as JSON (encoded when made, so a
        # bad argument fails where it is passed, not when the page comes up).
        self._queue: list[str] = []
        # Back-pressure for streaming patches: at most one patch message is in the
        # page's queue; newer ones are merged into `_pending` until it is acknowledged.
        self._in_flight = False
        self._pending: dict[tuple[str, str], tuple[int, list[str]]] = {}
        self._zoom_index = ZOOM_STEPS.index(1.0)
        self._images: ImageJobs | None = None  # made on the first image shown
        self._profile = shared_profile()
        home = QUrl.fromLocalFile(str(resource("page", "conversation.html")))
        page = LockedPage(self._profile, home, self)
        settings = page.settings()
        attr = QWebEngineSettings.WebAttribute
        settings.setAttribute(attr.JavascriptCanOpenWindows, False)
        settings.setAttribute(attr.JavascriptCanAccessClipboard, False)
        settings.setAttribute(attr.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attr.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(attr.PluginsEnabled, False)
        settings.setAttribute(attr.ErrorPageEnabled, False)
        settings.setAttribute(attr.FocusOnNavigationEnabled, False)
        settings.setAttribute(attr.NavigateOnDropEnabled, False)
        self._bridge = _Bridge(self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self._bridge)
        page.setWebChannel(self._channel)
        page.link_clicked.connect(self._open_link)
        self._bridge.link.connect(self._open_link)
        self._bridge.copy_text.connect(self._copy)
        # Requests from the page name turns; only those it was given are honoured.
        self._shown = ShownTurns()
        self._bridge.copy_answer.connect(self._copy_answer)
        self._bridge.switch_version.connect(self._switch_version)
        self._bridge.open_attachment.connect(self._open_attachment)
        page.linkHovered.connect(self._link_hovered)
        self._bridge.ready.connect(self._on_ready)
        self._bridge.acknowledged.connect(self._patch_acknowledged)
        self._bridge.painted.connect(self.turns_painted)
        self._bridge.find_result.connect(self._found)
        self._find_requests = 0
        self._find_waiting: tuple[int, Any] | None = None
        self._loads = 0
        self._loaded_once = False
        page.loadStarted.connect(self._on_load_started)
        page.renderProcessTerminated.connect(self._on_renderer_gone)
        self.setPage(page)
        self.setAccessibleName("Conversation")
        page.setBackgroundColor(self.palette().window().color())
        self.load(home)

    # ----------------------------------------------------------------- plumbing
    @property
    def is_ready(self) -> bool:
        return self._ready

    def _on_ready(self) -> None:
        self._ready = True
        self._in_flight = False
        queued, self._queue = self._queue, []
        if queued:
            self._bridge.calls.emit(f"[{','.join(queued)}]", False)
        self.ready.emit()
        if self._loaded_once:
            self.reloaded.emit()
        self._loaded_once = True

    def _on_load_started(self) -> None:
        self._ready = False
        self._in_flight = False  # the old document will not acknowledge
        if self._loaded_once:
            # A new document: what was sent to the old one is gone, and what is
            # queued assumed it; the window draws everything again on `reloaded`.
            self._queue.clear()
            self._pending.clear()
            self._shown.clear()

    def _on_renderer_gone(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        log.warning(
            "the conversation page's process ended (%s, %d): loading it again", status.name, code
        )
        QTimer.singleShot(0, self, self.reload)

    def context_menu(self) -> QMenu:
        """Qt's menu for the last context-menu request, without navigation and saving."""
        menu = self.createStandardContextMenu()
        keep = {self.pageAction(action) for action in self.MENU_ACTIONS}
        for action in menu.actions():
            if action.isSeparator() or action not in keep:
                menu.removeAction(action)
        if not menu.actions():
            menu.addAction(self.pageAction(QWebEnginePage.WebAction.SelectAll))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    def call(self, function: str, *args: Any) -> None:
        """Runs `parley.<function>(args…)` in the page; the arguments go as JSON."""
        # Patches held back by back-pressure go first, so calls keep their order.
        self._send_pending(wait=False)
        self._send([[function, list(args)]], ack=False)

    def _send(self, calls: list[list[Any]], ack: bool) -> None:
        encoded = [json.dumps(call) for call in calls]
        if self._ready:
            self._bridge.calls.emit(f"[{','.join(encoded)}]", ack)
            return
        self._queue.extend(encoded)
        if ack:  # nothing to wait for: the queue goes in one message once ready
            self._patch_acknowledged()

    def _queue_patch(self, kind: str, turn_id: str, start: int, blocks: list[str]) -> None:
        key = (kind, turn_id)
        self._pending[key] = merge_patch(self._pending.get(key), start, blocks)
        if not self._in_flight:
            self._send_pending(wait=True)

    def _send_pending(self, wait: bool) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        calls = [
            ["reasoning" if kind == "reasoning" else "patch", [tid, start, blocks]]
            for (kind, tid), (start, blocks) in pending.items()
        ]
        if wait:
            self._in_flight = True
        self._send(calls, ack=wait)

    def _patch_acknowledged(self) -> None:
        self._in_flight = False
        if self._pending:
            self._send_pending(wait=True)

    def evaluate(self, script: str, callback: Any) -> None:
        """Runs `script` in the page and passes its JSON-able result to `callback`."""
        self.page().runJavaScript(script, 0, callback)

    def _open_link(self, url: QUrl) -> None:
        from desktop.render.links import link_target

        target = link_target(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        if target is None:
            log.info("refused to open a link with scheme %r", url.scheme())
            return
        safe = QUrl(target, QUrl.ParsingMode.StrictMode)
        self.link_opened.emit(safe)
        QDesktopServices.openUrl(safe)

    def _link_hovered(self, url: str) -> None:
        from desktop.render.links import link_target

        self.link_hovered.emit((link_target(url) or "") if url else "")

    def _copy_answer(self, tid: str) -> None:
        if self._shown.is_answer(tid):
            self.copy_answer_requested.emit(tid)

    def _switch_version(self, tid: str, step: int) -> None:
        if self._shown.has_versions(tid, step):
            self.version_requested.emit(tid, step)

    def _open_attachment(self, tid: str, index: int) -> None:
        if self._shown.has_attachment(tid, index):
            self.attachment_requested.emit(tid, index)

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    # ------------------------------------------------------------ appearance
    def set_theme(self, dark: bool) -> None:
        """Switches the page palette and the renderer's code and math colours."""
        # Only the stylesheet module: the renderer itself loads on first use.
        from desktop.render.styles import stylesheet

        self.page().setBackgroundColor(self.palette().base().color())
        self.call("setTheme", "dark" if dark else "light")
        self.call("setRenderCss", stylesheet(dark=dark))

    def set_font_size(self, px: int) -> None:
        self.call("setFontSize", px)

    def set_empty_hint(self, text: str) -> None:
        self.call("setEmptyHint", text)

    def zoom(self, step: int) -> None:
        """step +1/-1 moves along ZOOM_STEPS; 0 resets to 100 %."""
        if step == 0:
            self._zoom_index = ZOOM_STEPS.index(1.0)
        else:
            self._zoom_index = max(0, min(len(ZOOM_STEPS) - 1, self._zoom_index + step))
        self.setZoomFactor(ZOOM_STEPS[self._zoom_index])

    # ---------------------------------------------------------- conversation
    def clear(self) -> None:
        self._shown.clear()
        self.call("clear")

    def load_turns(self, turns: list[dict[str, Any]]) -> int:
        """Replaces the page's turns; returns the number `turns_painted` will carry
        once the frame showing them has been produced."""
        self._loads += 1
        self._shown.clear()
        self._shown.add(turns)
        self.call("load", turns, self._loads)
        return self._loads

    def prepend_turns(self, turns: list[dict[str, Any]]) -> None:
        self._shown.add(turns)
        self.call("prepend", turns)

    def add_user(self, turn_id: str, text: str) -> None:
        turn = {"id": turn_id, "role": "user", "text": text}
        self._shown.add([turn])
        self.call("addUser", turn)

    def show_attachments(self, turn_id: str, attachments: list[Any]) -> None:
        """Thumbnails (images) and chips (files) under a question; images are
        shown once their thumbnails are decoded on a worker thread."""
        from desktop.ui.widgets.thumbnails import ImageJobs, thumbnail_url

        def items() -> list[dict[str, Any]]:
            return [
                {
                    "kind": a.kind,
                    "name": a.name,
                    "mime": a.mime,
                    "url": thumbnail_url(a.data) if a.kind == "image" else "",
                    "size": a.size,
                }
                for a in attachments
            ]

        self._shown.set_attachments(turn_id, len(attachments))
        if not any(a.kind == "image" for a in attachments):
            self.call("attachments", turn_id, items())
            return
        if self._images is None:
            self._images = ImageJobs(self)
        self._images.run(items, lambda found: self.call("attachments", turn_id, found or []))

    def show_tools(self, turn_id: str, items: list[dict[str, Any]]) -> None:
        """What the server's built-in tools are doing (e.g. "Searching the web")."""
        self.call("toolActivity", turn_id, items)

    def show_citations(self, turn_id: str, items: list[dict[str, Any]]) -> None:
        """Numbered sources under an answer (web pages and files, labelled)."""
        self.call("citations", turn_id, items)

    def show_commentary(self, turn_id: str, text: str) -> None:
        """The model's preamble ("I'll look that up first."), as plain muted text
        above the tool activity, apart from the answer."""
        self.call("commentary", turn_id, text)

    def start_answer(self, turn_id: str, model: str) -> None:
        turn = {"id": turn_id, "role": "assistant", "model": model}
        self._shown.add([turn])
        self.call("startAnswer", turn)

    def patch(self, turn_id: str, start: int, blocks: list[str]) -> None:
        self._queue_patch("answer", turn_id, start, blocks)

    def patch_reasoning(self, turn_id: str, start: int, blocks: list[str]) -> None:
        self._queue_patch("reasoning", turn_id, start, blocks)

    def collect_garbage(self) -> None:
        """Asks V8 for a full collection: QtWebEngine's V8 lets a page that is
        updated often grow without bound otherwise (measured: +134 % over 20
        answers, +16 % with this after each answer)."""
        self.call("collectGarbage")

    def show_refusal(self, turn_id: str, text: str) -> None:
        self.call("refusal", turn_id, text)

    def finish_answer(self, turn_id: str, notice: str = "", kind: str = "warn") -> None:
        self.call("finish", turn_id, notice, kind)

    def remove_turn(self, turn_id: str) -> None:
        self._shown.remove(turn_id)
        self.call("remove", turn_id)

    # ------------------------------------------------------------- navigation
    def scroll_page(self, direction: int) -> None:
        self.call("scrollPage", direction)

    def scroll_to_edge(self, end: bool) -> None:
        self.call("scrollToEdge", end)

    def scroll_to_turn(self, turn_id: str) -> None:
        self.call("scrollToTurn", turn_id)

    def find_text(self, text: str, step: int, callback: Any) -> None:
        """Highlights `text`; step 0 = new search, ±1 = next/previous match.
        `callback([current, total])` gets the match position; only the latest
        search's (typing a word asks once per key)."""
        self._find_requests += 1
        self._find_waiting = (self._find_requests, callback)
        self.call("findFor", text, int(step), self._find_requests)

    def _found(self, request: int, current: int, total: int) -> None:
        waiting = self._find_waiting
        if waiting is None or waiting[0] != request:
            return  # an earlier search's answer
        self._find_waiting = None
        waiting[1]([current, total])

    def clear_find(self) -> None:
        self.call("clearFind")

    def last_code(self, callback: Any) -> None:
        self.page().runJavaScript("parley.lastCode()", 0, callback)
