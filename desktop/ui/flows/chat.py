"""Answers in flight: send, retry, edit, stop, and saving what arrives. Answers run
in `AnswerStream`s keyed by conversation, so switching conversations while one
streams lets it finish into its own conversation; `shutdown` ends them at once
when their conversation is deleted or the window closes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.store.errors import StoreError
from desktop.ui.flows.answer_view import show_outcome
from desktop.ui.flows.kept import keep_lost, left_running, save_checkpoint, was_lost
from desktop.ui.flows.turns import (
    final_save,
    notice_for,
    request_body,
    resumable,
    title_from,
    total_usage,
    turn_id,
)
from desktop.ui.flows.unsaved import UnsavedAnswers

if TYPE_CHECKING:
    from desktop.api.events import Usage
    from desktop.config.connection import Connection
    from desktop.config.window_config import WindowConfig
    from desktop.store import Store
    from desktop.store.models import Message
    from desktop.ui.flows.answer import AnswerOutcome, AnswerStream
    from desktop.ui.flows.current import CurrentConversation
    from desktop.ui.widgets.attachment_tray import AttachmentTray
    from desktop.ui.widgets.banner import Banner
    from desktop.ui.widgets.composer import Composer
    from desktop.ui.widgets.conversation_view import ConversationView
    from desktop.ui.widgets.status_bar import StatusBar
    from desktop.workers import Background

log = logging.getLogger(__name__)

# A finished answer's final save (status, usage, and the search index, ~20 ms for
# 200 KB on this thread) waits this long, so that the GUI thread is free while the
# page draws the last words; what arrived is saved at once the cheap way.
FINAL_SAVE_DELAY_MS = 150
# How long `shutdown` waits for an answer's threads to end.
JOIN_MS = 2000


class ChatFlow(QObject):
    """Signals: list_changed() — a conversation was created or answered (the side
    bar's order changes); redraw(conv_id) — the conversation must be drawn anew (an
    edited question became a new version)."""

    list_changed = Signal()
    redraw = Signal(object)

    def __init__(
        self,
        current: CurrentConversation,
        store: Store,
        config: WindowConfig,
        view: ConversationView,
        composer: Composer,
        tray: AttachmentTray,
        banner: Banner,
        status: StatusBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._parent, self._current, self._store, self._config = parent, current, store, config
        # The widgets it drives: the page, the message box and its attachments, and
        # where the person is told how things went.
        self._view, self._composer, self._tray = view, composer, tray
        self._banner, self._status = banner, status
        self._streams: dict[int, AnswerStream] = {}
        # Answers done whose final save waits for the page's last frame.
        self._finishing: dict[int, tuple[AnswerStream, AnswerOutcome]] = {}
        self._last_usage: dict[int, Usage] = {}
        self._closing = False
        # Final saves that met a locked or full history, tried again until they work.
        self.unsaved = UnsavedAnswers(self)
        self.unsaved.failed.connect(banner.show_message)
        self.unsaved.saved.connect(self._say_saved)

    def commands(self) -> dict[str, Callable[[], None]]:
        """The window's commands (see widgets/actions.py) this flow answers."""
        return {
            "stop": self.stop,
            "retry": self.retry,
            "regenerate": self.retry,
            "edit_last": self.edit_last_question,
            "attach": self.choose_attachments,
        }

    def _say_saved(self) -> None:
        self._status.showMessage("The answer is saved.", 4000)

    # ------------------------------------------------------------ queries
    def in_flight(self, conv_id: int | None) -> AnswerStream | None:
        """The answer streaming (or waiting for its final save) in `conv_id`."""
        return self._streams.get(conv_id) if conv_id is not None else None

    def last_usage(self, conv_id: int) -> Usage | None:
        """The usage of the last answer finished in `conv_id` in this session."""
        return self._last_usage.get(conv_id)

    @property
    def closing(self) -> bool:
        return self._closing

    # --------------------------------------------------------------- send
    def choose_attachments(self) -> None:
        from desktop.ui.widgets.export_dialogs import attach_dialog

        dialog = attach_dialog(self._parent)
        dialog.filesSelected.connect(self._tray.add_paths)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def send(self, text: str) -> None:
        text = text.strip()
        if (not text and not len(self._tray)) or self._current.id in self._streams:
            return
        if self._tray.preparing:
            self._status.showMessage(
                "Still preparing the attachments; send again in a moment.", 4000
            )
            return
        connection = self._connection()
        if connection is None:
            return
        editing = self._current.editing
        attachments = self._tray.ready() if editing is None else []
        # The question is saved before anything is sent: it survives any failure.
        # Should saving fail, the text stays in the composer and the files in the tray.
        try:
            conv_id = self._current.id
            if conv_id is None:
                conv_id = self._create_conversation(text)
            if editing is not None:
                # An edited question is a new version; the old branch stays reachable.
                message = self._store.edit_question(editing, text)
            else:
                message = self._store.add_user_message(conv_id, text, attachments)
        except StoreError as err:
            self._write_failed(err)
            return
        self._current.editing = None
        self._composer.clear()
        self._clear_draft(conv_id)
        if editing is not None:
            self.redraw.emit(conv_id)
        else:
            self._tray.take()
            self._view.add_user(turn_id(message.id), text)
            if attachments:
                self._view.show_attachments(turn_id(message.id), attachments)
        self._start_answer(conv_id, message.id, connection)

    def _create_conversation(self, first_question: str) -> int:
        conversation = self._store.create_conversation(settings=self._current.pending_overrides)
        self._current.pending_overrides = {}
        self._store.set_auto_title(conversation.id, title_from(first_question))
        self._current.set(conversation.id)
        self.list_changed.emit()
        return conversation.id

    def _write_failed(self, err: StoreError) -> None:
        log.warning("a write to the history failed: %s", err)
        self._banner.show_message(err.user_message)

    def _clear_draft(self, conv_id: int) -> None:
        try:
            self._store.save_draft(conv_id, "")
        except StoreError as err:
            # The question itself is saved; a stale draft only comes back once.
            log.warning("could not clear the draft: %s", err)

    def retry(self) -> None:
        """Answers the last question again (after an error, a stop or a crash); the
        old answer stays reachable as an earlier version."""
        conv_id = self._current.id
        if conv_id is None or conv_id in self._streams:
            return
        connection = self._connection()
        if connection is None:
            return
        try:
            messages = self._store.messages(conv_id)
        except StoreError as err:
            self._write_failed(err)
            return
        if not messages:
            return
        last = messages[-1]
        if resumable(last):
            # Still on the server: fetch the rest rather than pay for a new answer.
            self._resume(last, connection)
            self.redraw.emit(conv_id)
            return
        question_id = last.id
        if last.role == "assistant":
            if last.parent_id is None:
                return
            question_id = last.parent_id
            self._view.remove_turn(turn_id(last.id))
        self._start_answer(conv_id, question_id, connection)

    def _connection(self) -> Connection | None:
        """The connection to use, or None (with the problem shown) when it cannot."""
        connection = self._config.connection()
        if connection.problem:
            self._banner.show_message(connection.problem, settings=True)
            return None
        return connection

    def _start_answer(self, conv_id: int, question_id: int, connection: Connection) -> None:
        self._banner.hide()
        try:
            body, model = request_body(self._store, conv_id, self._config.options(conv_id))
            message = self._store.start_assistant_message(question_id, model, request=body)
        except ValueError as error:
            self._banner.show_message(f"{error}. Open Settings to fix it.", settings=True)
            return
        except StoreError as err:
            # The question is saved; Retry asks again once the history can be written.
            log.warning("could not start the answer: %s", err)
            self._banner.show_message(err.user_message, retry=True)
            return
        from desktop.workers import Background

        # Kept running on the server, if the profile asks for it: nothing is lost to a
        # dropped connection, a sleeping machine or a closed window (issue 20).
        # (Not when the person chose that the server keep nothing: `store` false.)
        wanted = connection.background and body.get("stream") and body.get("store") is not False
        background = Background() if wanted else None
        stream = self._run(conv_id, message.id, model, connection, body, background)
        self._view.start_answer(stream.turn_id, model)

    def resume_left_running(self) -> None:
        """At start: answers that a closed or killed Parley left running on the server
        continue from their last saved event (or arrive whole if they finished
        meanwhile), before the window offers Retry for them."""
        answers = left_running(self._store)
        if not answers:
            return
        connection = self._config.connection()  # looks the token up: only when needed
        if connection.problem:
            return  # shown interrupted, with Retry, which says what is missing
        for message in answers:
            self._resume(message, connection)

    def _resume(self, message: Message, connection: Connection) -> None:
        from desktop.workers import Background

        background = Background(message.response_id, message.sequence_number)
        model = message.model or connection.model
        resumed = (message.text, message.reasoning)
        self._run(message.conversation_id, message.id, model, connection, {}, background, resumed)

    def _run(
        self,
        conv_id: int,
        message_id: int,
        model: str,
        connection: Connection,
        body: dict[str, Any],
        background: Background | None,
        resumed: tuple[str, str] | None = None,
    ) -> AnswerStream:
        """Starts the answer stream of `message_id` and connects it to the window."""
        from desktop.ui.flows.answer import AnswerStream
        from desktop.ui.flows.answer_view import show_answer

        stream = AnswerStream(
            conv_id,
            turn_id(message_id),
            message_id,
            model,
            connection.base_url,
            connection.token,
            body,
            self._parent,
            background,
            resumed,
        )
        show_answer(stream, self._view, self._status, self._current)
        stream.progress.connect(partial(save_checkpoint, self._store, stream))
        stream.done.connect(partial(self._on_answer_done, stream))
        # What the server showed it supports is remembered for the profile; falling
        # back to the ordinary stream is silent.
        learn = partial(self._config.learn_background, connection.profile_id)
        stream.on_server.connect(partial(learn, True))
        stream.unsupported.connect(partial(learn, False))
        self._streams[conv_id] = stream
        if conv_id == self._current.id:
            self._composer.set_busy(True)
            self._status.waiting()
        stream.start()
        return stream

    # --------------------------------------------------------- stop, edit
    def stop(self) -> None:
        """Stops the answer shown, or cancels an edit of the last question."""
        conv_id = self._current.id
        if conv_id in self._finishing:
            return  # already finished; only its save is waiting
        stream = self.in_flight(conv_id)
        if stream is not None:
            stream.stop()
        elif self._current.editing is not None:
            self._current.editing = None
            self._composer.clear()
            self._banner.hide()

    def edit_last_question(self) -> None:
        """Puts the last question in the composer; sending makes it a new version."""
        conv_id = self._current.id
        if conv_id is None or conv_id in self._streams:
            return
        questions = [m for m in self._store.messages(conv_id) if m.role == "user"]
        if not questions:
            return
        self._current.editing = questions[-1].id
        self._composer.set_text(questions[-1].text)
        self._composer.focus()
        self._banner.show_message(
            "Editing your last question: Enter sends it as a new version, Esc cancels.",
            kind="info",
        )

    # ------------------------------------------------------------- finish
    def _on_answer_done(self, stream: AnswerStream, outcome: AnswerOutcome) -> None:
        conv_id = stream.conversation_id
        if self._streams.get(conv_id) is not stream:
            return  # ended by `shutdown`, which saved it
        if was_lost(stream, outcome):
            outcome = keep_lost(self._store, stream, outcome)
        deferred = (
            not self._closing
            and conv_id == self._current.id
            and outcome.status in {"complete", "incomplete"}
        )
        if not deferred:
            self._finish_answer(stream, outcome)
            return
        # The page draws the end of the answer now; the flow saves it and updates the
        # window just after. Until then the answer still counts as streaming (the
        # composer stays busy), and closing the window does it at once.
        self._view.finish_answer(stream.turn_id, *notice_for(outcome.status, outcome.error))
        try:
            self._store.update_streaming(
                stream.message_id, outcome.text or outcome.refusal, outcome.reasoning
            )
        except StoreError as err:
            log.error("could not save the answer so far: %s", err)  # the final save says
        self._finishing[conv_id] = (stream, outcome)
        QTimer.singleShot(FINAL_SAVE_DELAY_MS, self, lambda: self.settle(conv_id))

    def settle(self, conv_id: int | None) -> None:
        """Does now the final save that `conv_id`'s finished answer waits for, if any."""
        pending = self._finishing.pop(conv_id, None) if conv_id is not None else None
        if pending is not None:
            self._finish_answer(*pending, page_told=True)

    def _finish_answer(
        self, stream: AnswerStream, outcome: AnswerOutcome, page_told: bool = False
    ) -> None:
        conv_id = stream.conversation_id
        self._streams.pop(conv_id, None)
        shown = not self._closing and conv_id == self._current.id
        if shown and not page_told:
            # The page is told first: it draws the final frame in its own process
            # while this thread saves (10-40 ms for a long answer) and updates the list.
            self._view.finish_answer(stream.turn_id, *notice_for(outcome.status, outcome.error))
        # An interrupted answer is saved as its last checkpoint left it, which may
        # be less than the page shows: its blocks are not that text's HTML.
        self._save(stream, outcome, rendered=outcome.status != "interrupted")
        stream.release()  # saved: the page and the store have all of it
        if outcome.usage is not None:
            self._last_usage[conv_id] = outcome.usage
        if self._closing:
            return
        # The list only changes order; it can wait until the final frame is drawn.
        QTimer.singleShot(0, self, self.list_changed.emit)
        if shown:
            self._composer.set_busy(False)
            QTimer.singleShot(300, self._view.collect_garbage)
            totals = total_usage(self._store.messages(conv_id))
            show_outcome(outcome, totals, self._status, self._banner)

    def _save(self, stream: AnswerStream, outcome: AnswerOutcome, rendered: bool = False) -> None:
        # Kept in memory and tried again should the history be locked or full.
        save = final_save(self._store, stream, outcome, rendered)
        self.unsaved.save(stream.message_id, save)

    # ----------------------------------------------------------- shutdown
    def shutdown(self, conv_id: int | None = None) -> None:
        """Ends the answers in flight at once and saves what arrived as stopped: the
        one of `conv_id` (its conversation is being deleted), or all of them (the
        window closes; then nothing on screen is updated any more)."""
        if conv_id is None:
            self._closing = True
        ending = list(self._streams) if conv_id is None else [conv_id]
        for conv in ending:
            self.settle(conv)
        streams = [s for c, s in self._streams.items() if c in ending]
        # Closing the window leaves a background answer running on the server, to be
        # resumed at the next start (a person closing it expects the answer to finish);
        # deleting its conversation stops it there too.
        leaving = {s for s in streams if conv_id is None and s.kept_on_server}
        for stream in streams:
            if stream in leaving:
                stream.leave()
            else:
                stream.stop()
        for stream in streams:
            # Saved here: its `done`, queued behind the threads' ends, is ignored.
            if not stream.join(JOIN_MS):
                log.warning("a response thread did not stop within 2 s")
            self._streams.pop(stream.conversation_id, None)
            if stream in leaving:
                # As its last checkpoint left it, still streaming: the next start marks
                # it interrupted and resumes it from there.
                save_checkpoint(self._store, stream, *stream.saved_state())
            else:
                self._save(stream, stream.outcome("stopped"))
            stream.release()
        if conv_id is None:
            self.unsaved.flush()
