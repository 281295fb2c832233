"""Asking and answering in the window: send, retry, edit, stop, and saving
what arrives (part of MainWindow)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from desktop.store.errors import StoreError
from desktop.store.models import MessageStatus
from desktop.ui.turns import (
    cut_short_message,
    notice_for,
    title_from,
    to_message_usage,
    turn_id,
)
from desktop.ui.window_parts import WindowParts

if TYPE_CHECKING:
    from desktop.config.connection import Connection
    from desktop.ui.answer import AnswerOutcome, AnswerStream

log = logging.getLogger(__name__)

# Statuses whose text is part of the conversation sent back to the model.
SENDABLE = {"complete", "incomplete", "stopped", "interrupted"}
# Statuses whose saved output items (reasoning, messages with their phase) are sent
# back instead of the text; a stopped answer's items lack the text being written.
REPLAYED = {"complete", "incomplete"}
# A finished answer's final save (status, usage, and the search index, ~20 ms for
# 200 KB on this thread) waits this long, so that the GUI thread is free while the
# page draws the last words; what arrived is saved at once the cheap way.
FINAL_SAVE_DELAY_MS = 150


class SendMixin(WindowParts):
    """MainWindow's question-and-answer flow; needs the attributes listed below."""

    # --------------------------------------------------------------- send
    def choose_attachments(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(self, "Attach files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilters(
            [
                "Images, PDF and text files (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.txt *.md "
                "*.py *.js *.ts *.json *.csv *.html *.css *.c *.h *.cpp *.rs *.go *.java *.sh "
                "*.toml *.yaml *.yml *.xml *.sql)",
                "All files (*)",
            ]
        )
        dialog.filesSelected.connect(self.tray.add_paths)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def send(self, text: str) -> None:
        text = text.strip()
        if (not text and not len(self.tray)) or self._current in self._streams:
            return
        if self.tray.preparing:
            self.status.showMessage(
                "Still preparing the attachments; send again in a moment.", 4000
            )
            return
        connection = self._connection()
        if connection.problem:
            self.banner.show_message(connection.problem, settings=True)
            return
        editing = self._editing
        attachments = self.tray.ready() if editing is None else []
        # The question is saved before anything is sent: it survives any failure.
        # Should saving fail, the text stays in the composer and the files in the tray.
        try:
            if self._current is None:
                conversation = self._store.create_conversation(settings=self._pending_overrides)
                self._pending_overrides = {}
                self._store.set_auto_title(conversation.id, title_from(text))
                self._current = conversation.id
                self._refresh_list()
            conv_id = self._current
            if editing is not None:
                # An edited question is a new version; the old branch stays reachable.
                message = self._store.edit_question(editing, text)
            else:
                message = self._store.add_user_message(conv_id, text, attachments)
        except StoreError as err:
            self._write_failed(err)
            return
        self._editing = None
        self.composer.clear()
        self._clear_draft(conv_id)
        if editing is not None:
            self._show_conversation(conv_id)
        else:
            self.tray.take()
            self.view.add_user(turn_id(message.id), text)
            if attachments:
                self.view.show_attachments(turn_id(message.id), attachments)
        self._start_answer(conv_id, message.id, connection)

    def _write_failed(self, err: StoreError) -> None:
        log.warning("a write to the history failed: %s", err)
        self.banner.show_message(err.user_message)

    def _clear_draft(self, conv_id: int) -> None:
        try:
            self._store.save_draft(conv_id, "")
        except StoreError as err:
            # The question itself is saved; a stale draft only comes back once.
            log.warning("could not clear the draft: %s", err)

    def retry(self) -> None:
        """Answers the last question again (after an error, a stop or a crash)."""
        conv_id = self._current
        if conv_id is None or conv_id in self._streams:
            return
        connection = self._connection()
        if connection.problem:
            self.banner.show_message(connection.problem, settings=True)
            return
        try:
            messages = self._store.messages(conv_id)
        except StoreError as err:
            self._write_failed(err)
            return
        if not messages:
            return
        last = messages[-1]
        question_id = last.id
        if last.role == "assistant":
            # The old answer stays reachable as an earlier version.
            if last.parent_id is None:
                return
            question_id = last.parent_id
            self.view.remove_turn(turn_id(last.id))
        self._start_answer(conv_id, question_id, connection)

    def _request_body(self, conv_id: int) -> tuple[dict[str, Any], str]:
        from desktop.api.reply import replayable
        from desktop.api.request import RequestOptions, Turn, build_request

        options = RequestOptions(**self._options(conv_id))
        turns = []
        previous_id: str | None = None
        messages = self._store.messages(conv_id)
        with_files = self._store.attachment_counts([m.id for m in messages if m.role == "user"])
        answers = [m.id for m in messages if m.role == "assistant" and m.status in REPLAYED]
        saved = {} if options.use_previous_response_id else self._store.responses_data(answers)
        for message in messages:
            if message.status == MessageStatus.STREAMING:
                continue
            if message.role == "user":
                files = self._store.attachments(message.id) if message.id in with_files else []
                turns.append(Turn("user", message.text, tuple(files)))
            elif message.text and message.status in SENDABLE:
                data = saved.get(message.id)
                items = replayable(data.get("output")) if isinstance(data, dict) else []
                turns.append(Turn("assistant", message.text, items=tuple(items)))
                previous_id = message.response_id or previous_id
        body = build_request(turns, options, previous_id)
        return body, options.model

    def _start_answer(self, conv_id: int, question_id: int, connection: Connection) -> None:
        self.banner.hide()
        try:
            body, model = self._request_body(conv_id)
            message = self._store.start_assistant_message(question_id, model, request=body)
        except ValueError as error:
            self.banner.show_message(f"{error}. Open Settings to fix it.", settings=True)
            return
        except StoreError as err:
            # The question is saved; Retry asks again once the history can be written.
            log.warning("could not start the answer: %s", err)
            self.banner.show_message(err.user_message, retry=True)
            return
        from desktop.ui.answer import AnswerStream

        stream = AnswerStream(
            conv_id,
            turn_id(message.id),
            message.id,
            model,
            connection.base_url,
            connection.token,
            body,
            self,
        )
        stream.patch.connect(
            lambda t, s, b, c=conv_id: self._if_current(c, self.view.patch, t, s, b)
        )
        stream.reasoning_patch.connect(
            lambda t, s, b, c=conv_id: self._if_current(c, self.view.patch_reasoning, t, s, b)
        )
        stream.refusal.connect(
            lambda t, x, c=conv_id: self._if_current(c, self.view.show_refusal, t, x)
        )
        stream.commentary.connect(
            lambda t, x, c=conv_id: self._if_current(c, self.view.show_commentary, t, x)
        )
        stream.retry_wait.connect(
            lambda seconds, c=conv_id: self._if_current(c, self.status.retry_wait, seconds)
        )
        stream.tools.connect(
            lambda t, items, c=conv_id: self._if_current(c, self.view.show_tools, t, items)
        )
        stream.citations.connect(
            lambda t, items, c=conv_id: self._if_current(c, self.view.show_citations, t, items)
        )
        stream.first_byte.connect(lambda c=conv_id: self._if_current(c, self.status.streaming))
        stream.progress.connect(
            lambda text, reasoning, m=message.id: self._save_progress(m, text, reasoning)
        )
        stream.done.connect(lambda outcome, s=stream: self._on_answer_done(s, outcome))
        self._streams[conv_id] = stream
        self.view.start_answer(stream.turn_id, model)
        self.composer.set_busy(True)
        self.status.waiting()
        stream.start()

    def _save_progress(self, message_id: int, text: str, reasoning: str) -> None:
        try:
            self._store.update_streaming(message_id, text, reasoning)
        except StoreError as err:
            # Each save holds the whole answer so far: the next one, or the final
            # save (kept and retried until it succeeds), makes up for this one.
            log.warning("could not save the answer so far: %s", err)

    def _if_current(self, conv_id: int, func: Callable[..., None], *args: Any) -> None:
        if conv_id == self._current:
            func(*args)

    def stop(self) -> None:
        if self._current in self._finishing:
            return  # already finished; only its save is waiting
        stream = self._streams.get(self._current) if self._current is not None else None
        if stream is not None:
            stream.stop()
        elif self._editing is not None:
            self._editing = None
            self.composer.clear()
            self.banner.hide()

    def edit_last_question(self) -> None:
        """Puts the last question in the composer; sending makes it a new version."""
        conv_id = self._current
        if conv_id is None or conv_id in self._streams:
            return
        questions = [m for m in self._store.messages(conv_id) if m.role == "user"]
        if not questions:
            return
        self._editing = questions[-1].id
        self.composer.set_text(questions[-1].text)
        self.composer.focus()
        self.banner.show_message(
            "Editing your last question: Enter sends it as a new version, Esc cancels.",
            kind="info",
        )

    def _on_answer_done(self, stream: AnswerStream, outcome: AnswerOutcome) -> None:
        conv_id = stream.conversation_id
        deferred = (
            not self._closing
            and conv_id == self._current
            and outcome.status in {"complete", "incomplete"}
        )
        if not deferred:
            self._finish_answer(stream, outcome)
            return
        # The page draws the end of the answer now; the window saves it and updates
        # itself just after. Until then the answer still counts as streaming (the
        # composer stays busy), and closing the window does it at once.
        self.view.finish_answer(stream.turn_id, *notice_for(outcome.status, _error(outcome)))
        try:
            self._store.update_streaming(
                stream.message_id, outcome.text or outcome.refusal, outcome.reasoning
            )
        except StoreError as err:
            log.error("could not save the answer so far: %s", err)  # the final save says
        self._finishing[conv_id] = (stream, outcome)
        QTimer.singleShot(FINAL_SAVE_DELAY_MS, self, lambda: self._finish_deferred(conv_id))

    def _finish_deferred(self, conv_id: int) -> None:
        pending = self._finishing.pop(conv_id, None)
        if pending is not None:
            self._finish_answer(*pending, page_told=True)

    def finish_pending_answers(self) -> None:
        """Saves the answers whose final save is still waiting (before closing)."""
        for conv_id in list(self._finishing):
            self._finish_deferred(conv_id)

    def save_all_before_closing(self) -> None:
        """Stops the answers in flight and saves everything that arrived."""
        self.finish_pending_answers()
        for stream in list(self._streams.values()):
            stream.stop()
        for stream in list(self._streams.values()):
            if not stream.join(2000):
                log.warning("a response thread did not stop within 2 s")
            # Save what arrived; the queued `done` will not be delivered after close.
            self._unsaved.save(
                stream.message_id,
                partial(
                    self._store.finish_message,
                    stream.message_id,
                    MessageStatus.STOPPED,
                    text=stream.text,
                    reasoning=stream.reasoning_text,
                    model=stream.model,
                ),
            )
        self._streams.clear()
        self._unsaved.flush()

    def _finish_answer(
        self, stream: AnswerStream, outcome: AnswerOutcome, page_told: bool = False
    ) -> None:
        conv_id = stream.conversation_id
        self._streams.pop(conv_id, None)
        error = _error(outcome)
        shown = not self._closing and conv_id == self._current
        if shown and not page_told:
            # The page is told first: it draws the final frame in its own process
            # while this thread saves (10-40 ms for a long answer) and updates the list.
            self.view.finish_answer(stream.turn_id, *notice_for(outcome.status, error))
        self._save_outcome(stream, outcome, error)
        stream.release()  # saved: the page and the store have all of it
        if outcome.usage is not None:
            self._last_usage[conv_id] = outcome.usage
        if self._closing:
            return
        # The list only changes order; it can wait until the final frame is drawn.
        QTimer.singleShot(0, self, self._refresh_list)
        if not shown:
            return
        self.composer.set_busy(False)
        QTimer.singleShot(300, self.view.collect_garbage)
        self.status.show_usage(outcome.usage, self._conversation_usage(conv_id))
        if outcome.status == "complete":
            self.status.done(outcome.elapsed_s)
        elif outcome.status == "incomplete":
            self.status.done(outcome.elapsed_s, incomplete=True)
        elif outcome.status == "stopped":
            self.status.stopped()
        else:
            from desktop.api.errors import SETTINGS

            failure = outcome.failure
            message = failure.message if failure else "The answer failed."
            self.status.error("Failed")
            self.banner.show_message(
                message,
                retry=True,
                settings=failure is not None and failure.action == SETTINGS,
                details=failure.details if failure else "",
            )

    def _save_outcome(self, stream: AnswerStream, outcome: AnswerOutcome, error: str) -> None:
        reply = outcome.reply
        # Kept in memory and tried again should the history be locked or full.
        save = partial(
            self._store.finish_message,
            stream.message_id,
            MessageStatus(outcome.status),
            text=outcome.text or outcome.refusal,
            reasoning=outcome.reasoning,
            usage=to_message_usage(outcome.usage),
            model=(reply.model if reply and reply.model else stream.model),
            response_id=reply.response_id if reply else None,
            error=error or None,
            response=_response_record(stream, outcome),
        )
        self._unsaved.save(stream.message_id, save)

    # --------------------------------------------------------------- copy
    def copy_last_answer(self) -> None:
        if self._current is None:
            return
        for message in reversed(self._store.messages(self._current)):
            if message.role == "assistant" and message.text:
                QGuiApplication.clipboard().setText(message.text)
                self.status.showMessage("Copied the last answer.", 3000)
                return

    def _copy_answer_by_turn(self, tid: str) -> None:
        if self._current is None:
            return
        stream = self._streams.get(self._current)
        if stream is not None and stream.turn_id == tid:
            QGuiApplication.clipboard().setText(stream.text)
            return
        for message in self._store.messages(self._current):
            if turn_id(message.id) == tid:
                QGuiApplication.clipboard().setText(message.text)
                self.status.showMessage("Copied the answer as Markdown.", 3000)
                return

    def copy_last_code(self) -> None:
        def done(code: object) -> None:
            if isinstance(code, str):
                QGuiApplication.clipboard().setText(code)
                self.status.showMessage("Copied the last code block.", 3000)
            else:
                self.status.showMessage("There is no code block to copy.", 3000)

        self.view.last_code(done)


def _response_record(stream: AnswerStream, outcome: AnswerOutcome) -> dict[str, Any]:
    """What is kept of the response: tools, sources, the commentary, and every output
    item as the server sent it (phases and order), replayed with the next question."""
    reply = outcome.reply
    record: dict[str, Any] = {
        "id": reply.response_id if reply else None,
        "status": outcome.status,
        "tools": list(stream.tool_items.values()),
        "citations": stream.sources(),
    }
    if stream.commentary_text:
        record["commentary"] = stream.commentary_text
    if reply is not None and reply.output:
        record["output"] = list(reply.output)
    if outcome.failure is not None and outcome.failure.details:
        record["error_details"] = outcome.failure.details  # already redacted
    return record


def _error(outcome: AnswerOutcome) -> str:
    """The sentence stored with an answer that failed or was cut short."""
    reply = outcome.reply
    if outcome.status == "incomplete" and reply is not None:
        return cut_short_message(reply.incomplete_reason or "unknown")
    return outcome.failure.message if outcome.failure else ""
