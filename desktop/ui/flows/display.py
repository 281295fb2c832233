"""Showing a conversation: the visible end first, older turns afterwards in chunks
once the page has painted, attachments, sources, versions, the draft in the
composer, and copying what is shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.store.errors import StoreError
from desktop.store.models import MessageStatus
from desktop.ui.flows.turns import message_id_of, resumable, total_usage, turn_dict, turn_id

if TYPE_CHECKING:
    from desktop.config.window_config import WindowConfig
    from desktop.store import Store
    from desktop.store.models import Message
    from desktop.ui.flows.chat import ChatFlow
    from desktop.ui.flows.current import CurrentConversation
    from desktop.ui.widgets.banner import Banner
    from desktop.ui.widgets.composer import Composer
    from desktop.ui.widgets.conversation_view import ConversationView
    from desktop.ui.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)

# Turns drawn before the first paint when a conversation opens; older ones follow.
FIRST_PAINT_TURNS = 40
OLDER_CHUNK = 120
# Older turns load once the page reports the frame with the visible end painted
# (`ConversationView.turns_painted`), or this long after the page is ready if it
# never does (a hidden or minimised window produces no frames).
PAINT_FALLBACK_MS = 1000
DRAFT_SAVE_MS = 800


class DisplayFlow(QObject):
    """Signals: first_painted() — once, when the page has painted the first
    conversation shown (or did not report a frame within a second of loading)."""

    first_painted = Signal()

    def __init__(
        self,
        current: CurrentConversation,
        store: Store,
        config: WindowConfig,
        chat: ChatFlow,
        view: ConversationView,
        composer: Composer,
        banner: Banner,
        status: StatusBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._chat = chat  # asked for the answer in flight, which is drawn from its blocks
        self._current, self._store, self._config, self._parent = current, store, config, parent
        self._view, self._composer, self._banner, self._status = view, composer, banner, status
        self._older: list[Message] = []
        self._paint_wait: tuple[int, Callable[[], None]] | None = None
        self.painted_once = False
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        composer.draft_changed.connect(self._draft_timer.start)
        view.turns_painted.connect(self._turns_painted)
        # After the first frame, not before: the hint may look the token up in the keyring.
        self.first_painted.connect(self.show_hint)

    def commands(self) -> dict[str, Callable[[], None]]:
        """The window's commands (see widgets/actions.py) this flow answers."""
        view = self._view
        return {
            "copy_answer": self.copy_last_answer,
            "copy_code": self.copy_last_code,
            "zoom_in": lambda: view.zoom(+1),
            "zoom_out": lambda: view.zoom(-1),
            "zoom_reset": lambda: view.zoom(0),
            "scroll_top": lambda: view.scroll_to_edge(False),
            "scroll_bottom": lambda: view.scroll_to_edge(True),
        }

    # -------------------------------------------------------------- show
    def open(self, conv_id: int | None, focus: int | None = None) -> None:
        """Shows `conv_id` (scrolled to message `focus`), keeping the draft left."""
        self.save_draft()
        self.show(conv_id, focus)

    def reloaded(self) -> None:
        """The page lost everything: draw the conversation again, an answer in flight
        included, keeping what is in the composer."""
        log.info("the conversation page loaded again: drawing the conversation anew")
        typed = self._composer.text()
        self.show_hint()
        self.show(self._current.id)
        self._composer.set_text(typed)

    def show_hint(self) -> None:
        """What the empty page says: how to start, or what keeps Parley from asking."""
        problem = self._config.connection().problem
        self._view.set_empty_hint(
            problem or "Type a question below and press Enter. Shift+Enter starts a new line."
        )

    def show_model(self) -> None:
        """The model the next question goes to, in the status bar."""
        pending = self._current.pending_overrides.get("model")
        if self._current.id is None and pending:
            self._status.set_model(str(pending))
            return
        model = self._config.options(self._current.id).get("model")
        self._status.set_model(str(model or self._config.connection().model))

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if self._current.id is not None:
            try:
                self._store.save_draft(self._current.id, self._composer.text())
            except StoreError as err:
                # The text is still in the composer; the next change saves it again.
                log.warning("could not save the draft: %s", err)

    def show(self, conv_id: int | None, focus: int | None = None) -> None:
        # A last answer whose final save still waits is saved now, so that it is
        # drawn finished.
        self._chat.settle(conv_id)
        self._current.set(conv_id)
        self._older = []
        self._banner.hide()
        self._view.clear_find()
        if conv_id is None:
            self._when_painted(self._view.load_turns([]), lambda: None)
            self._composer.set_text("")
            self._composer.set_busy(False)
            self._status.show_usage(None, None)
            self._status.idle()
            return
        from desktop.render import RENDERER_VERSION

        # The visible end first (a cheap tail query); the rest, and the usage totals,
        # once the page has painted. A search hit is drawn with everything after it.
        recent = self._store.tail(conv_id, FIRST_PAINT_TURNS, RENDERER_VERSION)
        if focus is not None and all(m.id != focus for m in recent):
            every = self._store.messages(conv_id, RENDERER_VERSION)
            at = next((i for i, m in enumerate(every) if m.id == focus), None)
            if at is not None:
                recent = every[at:]
        turns = [turn_dict(m, self._store) for m in recent]
        stream = self._chat.in_flight(conv_id)
        if stream is not None:
            # Draw the answer in flight from its own blocks, not the last save.
            for turn in turns:
                if turn["id"] == stream.turn_id:
                    turn["blocks"] = list(stream.blocks)
                    turn["reasoning"] = list(stream.reasoning_blocks)
                    turn["notice"] = ""
                    turn["streaming"] = True
        generation = self._view.load_turns(turns)
        self._decorate(recent)
        if focus is not None:
            self._view.scroll_to_turn(turn_id(focus))
        shown = len(recent)
        self._when_painted(generation, lambda: self._after_first_paint(conv_id, shown))
        # (A resumed answer keeps the text it had; it was drawn from the stream above.)
        if stream is not None and not stream.receiving and not stream.resumed:
            self._view.start_answer(stream.turn_id, stream.model)
        self._composer.set_text(self._store.draft(conv_id))
        self._composer.set_busy(stream is not None)
        if stream is not None:
            self._status.waiting()
            if stream.receiving:
                self._status.streaming()
            if stream.kept_on_server:
                self._status.running_on_server()
        else:
            self._status.idle()
            last = recent[-1] if recent else None
            if last is not None and resumable(last):
                self._banner.show_message(
                    "The last answer was interrupted; the server may still have the rest. "
                    "Press Retry to fetch it.",
                    retry=True,
                    kind="warn",
                )
            elif last is not None and last.status == MessageStatus.INTERRUPTED:
                self._banner.show_message(
                    "The last answer was interrupted when Parley closed unexpectedly; "
                    "what arrived is kept. Press Retry to ask again.",
                    retry=True,
                    kind="warn",
                )

    # -------------------------------------------------------- paint waits
    def _when_painted(self, generation: int, callback: Callable[[], None]) -> None:
        """Runs `callback` once the page has painted the turns of load number
        `generation`: older turns (and anything else on the GUI thread) must not
        delay that first frame, which for long answers takes the page ~0.1 s."""
        self._paint_wait = (generation, callback)

        def fallback() -> None:
            # With this flow as context: no call once the window is gone.
            QTimer.singleShot(PAINT_FALLBACK_MS, self, lambda: self._turns_painted(generation))

        if self._view.is_ready:
            fallback()
        else:
            self._view.ready.connect(fallback, Qt.ConnectionType.SingleShotConnection)

    def _turns_painted(self, generation: int) -> None:
        if not self.painted_once:
            self.painted_once = True
            self.first_painted.emit()
        wait = self._paint_wait
        if wait is None or wait[0] != generation:
            return  # an earlier load, or already done
        self._paint_wait = None
        wait[1]()

    def _after_first_paint(self, conv_id: int, shown: int) -> None:
        if conv_id != self._current.id or self._chat.closing:
            return
        from desktop.render import RENDERER_VERSION

        messages = self._store.messages(conv_id, RENDERER_VERSION)
        self._status.show_usage(self._chat.last_usage(conv_id), total_usage(messages))
        self._older = messages[: max(0, len(messages) - shown)]
        if self._older:
            QTimer.singleShot(0, self, lambda: self._load_older(conv_id))

    def _load_older(self, conv_id: int) -> None:
        """Prepends older turns in chunks, newest first, between paints."""
        if conv_id != self._current.id or not self._older or self._chat.closing:
            return
        chunk, self._older = self._older[-OLDER_CHUNK:], self._older[:-OLDER_CHUNK]
        self._view.prepend_turns([turn_dict(m, self._store) for m in chunk])
        self._decorate(chunk)
        if self._older:
            QTimer.singleShot(16, self, lambda: self._load_older(conv_id))

    def _decorate(self, messages: list[Message]) -> None:
        """Attachments under questions, and tool calls and sources of answers."""
        questions = [m.id for m in messages if m.role == "user"]
        for message_id in self._store.attachment_counts(questions):
            try:
                files = self._store.attachments(message_id)
            except StoreError as error:
                self._banner.show_message(error.user_message, kind="warn")
                continue
            self._view.show_attachments(turn_id(message_id), files)
        answers = [m.id for m in messages if m.role == "assistant"]
        for message_id, data in self._store.responses_data(answers).items():
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("commentary"), str) and data["commentary"]:
                self._view.show_commentary(turn_id(message_id), data["commentary"])
            if data.get("tools"):
                self._view.show_tools(turn_id(message_id), data["tools"])
            if data.get("citations"):
                self._view.show_citations(turn_id(message_id), data["citations"])

    # ------------------------------------------------ what the page asks
    def open_attachment(self, tid: str, index: int) -> None:
        message_id = message_id_of(tid)
        if message_id is None:
            return
        try:
            files = self._store.attachments(message_id)
        except StoreError as error:
            self._banner.show_message(error.user_message, kind="warn")
            return
        if not 0 <= index < len(files):
            return
        attachment = files[index]
        if attachment.kind != "image":
            self._status.showMessage(f"{attachment.name} was sent with the question.", 4000)
            return
        from desktop.ui.widgets.image_viewer import ImageViewer

        viewer = ImageViewer(attachment.name, attachment.data, self._parent)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()

    def switch_version(self, tid: str, step: int) -> None:
        message_id = message_id_of(tid)
        conv_id = self._current.id
        if message_id is None or conv_id is None or self._chat.in_flight(conv_id):
            return
        ids = [v.id for v in self._store.versions(message_id)]
        if message_id not in ids:
            return
        index = ids.index(message_id) + step
        if 0 <= index < len(ids):
            self.save_draft()
            self._store.switch_version(ids[index])
            self.show(conv_id)

    def scroll(self, kind: str) -> None:
        """Scrolls the page for a key pressed in the composer."""
        if kind in ("page-up", "page-down"):
            self._view.scroll_page(-1 if kind == "page-up" else +1)
        else:
            self._view.scroll_to_edge(kind == "end")

    # -------------------------------------------------------------- copy
    def copy_last_answer(self) -> None:
        if self._current.id is None:
            return
        for message in reversed(self._store.messages(self._current.id)):
            if message.role == "assistant" and message.text:
                self._copy(message.text, "Copied the last answer.")
                return

    def copy_answer(self, tid: str) -> None:
        stream = self._chat.in_flight(self._current.id)
        if stream is not None and stream.turn_id == tid:
            QGuiApplication.clipboard().setText(stream.text)
            return
        message_id = message_id_of(tid)
        if self._current.id is None or message_id is None:
            return
        for message in self._store.messages(self._current.id):
            if message.id == message_id:
                self._copy(message.text, "Copied the answer as Markdown.")
                return

    def copy_last_code(self) -> None:
        def done(code: object) -> None:
            if isinstance(code, str):
                self._copy(code, "Copied the last code block.")
            else:
                self._status.showMessage("There is no code block to copy.", 3000)

        self._view.last_code(done)

    def _copy(self, text: str, said: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._status.showMessage(said, 3000)
