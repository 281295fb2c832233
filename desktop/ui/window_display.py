"""Showing a conversation in the window: the visible end first, older turns
afterwards in chunks, attachments, sources and versions (part of MainWindow)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer

from desktop.store.errors import StoreError
from desktop.store.models import MessageStatus
from desktop.ui.turns import (
    message_id_of,
    total_usage,
    turn_dict,
    turn_id,
)
from desktop.ui.window_parts import WindowParts

if TYPE_CHECKING:
    from desktop.api.events import Usage

log = logging.getLogger(__name__)

# Turns drawn before the first paint when a conversation opens; older ones follow.
FIRST_PAINT_TURNS = 40
OLDER_CHUNK = 120
# Older turns load once the page reports the frame with the visible end painted
# (`ConversationView.turns_painted`), or this long after the page is ready if it
# never does (a hidden or minimised window produces no frames).
PAINT_FALLBACK_MS = 1000


class DisplayMixin(WindowParts):
    """MainWindow's conversation display; needs the attributes listed below."""

    def _show_conversation(self, conv_id: int | None, focus: int | None = None) -> None:
        if conv_id in self._finishing:
            # Its last answer's final save is still waiting: done now, so that the
            # answer is drawn finished.
            self._finish_deferred(conv_id)
        self._current = conv_id
        self._editing = None
        self._older = []
        self.banner.hide()
        self.view.clear_find()
        self._load_overrides(conv_id)
        if conv_id is None:
            self._when_painted(self.view.load_turns([]), lambda: None)
            self.composer.set_text("")
            self.composer.set_busy(False)
            self.status.show_usage(None, None)
            self.status.idle()
            self._update_model_label()
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
        stream = self._streams.get(conv_id)
        if stream is not None:
            # Draw the answer in flight from its own blocks, not the last save.
            for turn in turns:
                if turn["id"] == stream.turn_id:
                    turn["blocks"] = list(stream.blocks)
                    turn["reasoning"] = list(stream.reasoning_blocks)
                    turn["notice"] = ""
        generation = self.view.load_turns(turns)
        self._decorate(recent)
        if focus is not None:
            self.view.scroll_to_turn(turn_id(focus))
        shown = len(recent)
        self._when_painted(generation, lambda c=conv_id, n=shown: self._after_first_paint(c, n))
        if stream is not None and not stream.receiving:
            self.view.start_answer(stream.turn_id, stream.model)
        self.composer.set_text(self._store.draft(conv_id))
        self.composer.set_busy(stream is not None)
        if stream is None:
            self.status.idle()
            last = recent[-1] if recent else None
            if last is not None and last.status == MessageStatus.INTERRUPTED:
                self.banner.show_message(
                    "The last answer was interrupted when Parley closed unexpectedly; "
                    "what arrived is kept. Press Retry to ask again.",
                    retry=True,
                    kind="warn",
                )
        self._update_model_label()
        self.sidebar.select(conv_id)

    def _when_painted(self, generation: int, callback: Callable[[], None]) -> None:
        """Runs `callback` once the page has painted the turns of load number
        `generation`: older turns (and anything else on the GUI thread) must not
        delay that first frame, which for long answers takes the page ~0.1 s."""
        self._paint_wait = (generation, callback)

        def fallback() -> None:
            # With the window as context: no call once it is gone.
            QTimer.singleShot(PAINT_FALLBACK_MS, self, lambda: self._turns_painted(generation))

        if self.view.is_ready:
            fallback()
        else:
            self.view.ready.connect(fallback, Qt.ConnectionType.SingleShotConnection)

    def _turns_painted(self, generation: int) -> None:
        if not self._painted_once:
            self._painted_once = True
            self.first_painted.emit()
        wait = self._paint_wait
        if wait is None or wait[0] != generation:
            return  # an earlier load, or already done
        self._paint_wait = None
        wait[1]()

    def _after_first_paint(self, conv_id: int, shown: int) -> None:
        if conv_id != self._current or self._closing:
            return
        from desktop.render import RENDERER_VERSION

        messages = self._store.messages(conv_id, RENDERER_VERSION)
        self.status.show_usage(self._last_usage.get(conv_id), total_usage(messages))
        self._older = messages[: max(0, len(messages) - shown)]
        if self._older:
            QTimer.singleShot(0, self, lambda: self._load_older(conv_id))

    def _load_older(self, conv_id: int) -> None:
        """Prepends older turns in chunks, newest first, between paints."""
        if conv_id != self._current or not self._older or self._closing:
            return
        chunk, self._older = self._older[-OLDER_CHUNK:], self._older[:-OLDER_CHUNK]
        self.view.prepend_turns([turn_dict(m, self._store) for m in chunk])
        self._decorate(chunk)
        if self._older:
            QTimer.singleShot(16, self, lambda: self._load_older(conv_id))

    def _decorate(self, messages: list[Any]) -> None:
        """Attachments under questions, and tool calls and sources of answers."""
        questions = [m.id for m in messages if m.role == "user"]
        for message_id in self._store.attachment_counts(questions):
            try:
                files = self._store.attachments(message_id)
            except StoreError as error:
                self.banner.show_message(error.user_message, kind="warn")
                continue
            self.view.show_attachments(turn_id(message_id), files)
        answers = [m.id for m in messages if m.role == "assistant"]
        for message_id, data in self._store.responses_data(answers).items():
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("commentary"), str) and data["commentary"]:
                self.view.show_commentary(turn_id(message_id), data["commentary"])
            if data.get("tools"):
                self.view.show_tools(turn_id(message_id), data["tools"])
            if data.get("citations"):
                self.view.show_citations(turn_id(message_id), data["citations"])

    def _open_attachment(self, tid: str, index: int) -> None:
        message_id = message_id_of(tid)
        if message_id is None:
            return
        try:
            files = self._store.attachments(message_id)
        except StoreError as error:
            self.banner.show_message(error.user_message, kind="warn")
            return
        if not 0 <= index < len(files):
            return
        attachment = files[index]
        if attachment.kind != "image":
            self.status.showMessage(f"{attachment.name} was sent with the question.", 4000)
            return
        from desktop.ui.image_viewer import ImageViewer

        viewer = ImageViewer(attachment.name, attachment.data, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()

    def _conversation_usage(self, conv_id: int) -> Usage | None:
        return total_usage(self._store.messages(conv_id))

    def _switch_version(self, tid: str, step: int) -> None:
        message_id = message_id_of(tid)
        conv_id = self._current
        if message_id is None or conv_id is None or conv_id in self._streams:
            return
        versions = self._store.versions(message_id)
        ids = [v.id for v in versions]
        if message_id not in ids:
            return
        index = ids.index(message_id) + step
        if 0 <= index < len(ids):
            self._save_draft()
            self._store.switch_version(ids[index])
            self._show_conversation(conv_id)
