"""One answer in flight: the worker's `desktop.api.events` values in, view patches
out (`answer_view.show_answer` connects them to the view).

The text is rendered on a `RenderThread` (never on the GUI thread), at most once
per frame however many deltas arrive. The answer keeps its own block list, so it
can be redrawn whole when the person switches back to its conversation mid-stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from desktop.api.events import (
    BackgroundUnsupported,
    Checkpoint,
    Citation,
    CommentaryDelta,
    ReasoningDelta,
    Reconnecting,
    RefusalDelta,
    Reply,
    ResponseStarted,
    StreamEvent,
    TextDelta,
    ToolActivity,
    Usage,
)
from desktop.ui.flows.render_thread import RenderThread
from desktop.ui.flows.turns import cut_short_message
from desktop.workers import Background, Failure, WorkerHandle, start_response

# A streaming answer is saved once a second, so a crash loses at most a second of
# it (issue #6). The save is cheap whatever the length: the search index takes an
# answer only once it is final (see store migration v5).
SAVE_EVERY_MS = 1000
# How often `release` looks again while a thread of a finished answer is still ending.
RELEASE_POLL_MS = 50


@dataclass(frozen=True)
class AnswerOutcome:
    """How an answer ended; what `ChatFlow` saves and shows."""

    status: str  # complete, incomplete, stopped, failed
    text: str
    reasoning: str
    refusal: str
    reply: Reply | None
    failure: Failure | None
    elapsed_s: float

    @property
    def usage(self) -> Usage | None:
        return self.reply.usage if self.reply else None

    @property
    def error(self) -> str:
        """The sentence stored with an answer that failed or was cut short."""
        if self.status == "incomplete" and self.reply is not None:
            return cut_short_message(self.reply.incomplete_reason or "unknown")
        return self.failure.message if self.failure else ""


class AnswerStream(QObject):
    """Drives one streamed answer from request to outcome.

    Signals:
      patch(turn_id, start, blocks)            — new HTML for the answer's tail
      reasoning_patch(turn_id, start, blocks)  — same for the reasoning summary
      refusal(turn_id, text)                   — the refusal text so far
      commentary(turn_id, text)                — the model's preamble so far (plain text)
      retry_wait(seconds)                      — a retry waits this long (server's ask)
      tools(turn_id, items)                    — built-in tool calls so far (dicts)
      citations(turn_id, items)                — the sources cited so far (dicts)
      first_byte()                             — the first piece of the answer arrived
      progress(text, reasoning, sequence)      — at most once a second, for saving;
                                                 `sequence` (or None) is the server's
                                                 number of the last event in `text`
      on_server()                              — once: the server keeps this answer
                                                 running (a background response)
      unsupported(reason)                      — asked to, the server did not keep it
                                                 running; it streams the ordinary way
      reconnecting(attempt)                    — the connection broke; trying again
      reconnected()                            — events flow again after that
      done(outcome: AnswerOutcome)             — exactly once
    """

    patch = Signal(str, int, list)
    reasoning_patch = Signal(str, int, list)
    refusal = Signal(str, str)
    commentary = Signal(str, str)
    retry_wait = Signal(float)
    tools = Signal(str, list)
    citations = Signal(str, list)
    first_byte = Signal()
    progress = Signal(str, str, object)
    on_server = Signal()
    unsupported = Signal(str)
    reconnecting = Signal(int)
    reconnected = Signal()
    done = Signal(object)

    def __init__(
        self,
        conversation_id: int,
        turn_id: str,
        message_id: int,
        model: str,
        base_url: str,
        token: str | None,
        body: dict[str, Any],
        parent: QObject | None = None,
        background: Background | None = None,
        resumed: tuple[str, str] | None = None,
    ) -> None:
        """`background`: keep the answer running on the server, or follow one there;
        `resumed`: the (text, reasoning) saved of it, which the stream continues."""
        super().__init__(parent)
        # Where it belongs: its conversation, its turn on the page, its stored message.
        self.conversation_id, self.turn_id, self.message_id = conversation_id, turn_id, message_id
        self.model = model
        # Pieces, joined only when read: appending to one growing string would copy
        # the whole answer on every delta, on the GUI thread.
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self.refusal_text = ""
        self.commentary_text = ""
        self.blocks: list[str] = []
        self.tool_items: dict[str, dict[str, Any]] = {}
        self.citation_items: dict[str, dict[str, Any]] = {}
        self.reasoning_blocks: list[str] = []
        self.receiving = False
        self._outcome: AnswerOutcome | None = None
        self._clock = QElapsedTimer()
        self._last_save = QElapsedTimer()
        # A background answer: its id on the server, and the last checkpoint — the
        # server's event number with the lengths of text and reasoning through that
        # event. Only what a checkpoint covers is saved with its number, so a resume
        # after a crash continues exactly where the saved text ends.
        self.response_id = background.resume_id if background else None
        self.checkpoint: tuple[int, int, int] | None = None
        # Known to be on the server: followed there from the start, or seen numbered.
        self.kept_on_server = background is not None and background.resume_id is not None
        self._said_on_server = False
        self._text_len = self._reasoning_len = 0
        self._reconnecting = False
        self._ordinary = False  # asked to keep it running, the server did not
        # A child, so that Qt deletes it with this answer, on the GUI thread (see
        # `release`). Owned by Python it would go whenever the wrapper does: the
        # answer is in reference cycles, freed by the cyclic collector on whatever
        # thread it runs, and a QThread deleted off its own thread can crash the app.
        self._render = RenderThread(self)
        self._render.patch.connect(self._on_patch)
        self._render.rendered.connect(self._on_rendered)
        self.resumed = resumed is not None
        self._resumed_len = len(resumed[0]) if resumed is not None else 0
        if resumed is not None:
            text, reasoning = resumed
            if background is not None and background.after is not None:
                self.checkpoint = (background.after, len(text), len(reasoning))
            if text:
                self._on_delta(text, count=False)
            if reasoning:
                self._on_reasoning(reasoning, count=False)
        self._handle: WorkerHandle = start_response(base_url, token, body, self, background)
        worker = self._handle.worker
        worker.arrived.connect(self._on_event)
        worker.waiting.connect(self.retry_wait)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        self._clock.start()
        self._last_save.start()
        self._render.start()
        self._handle.start()

    def stop(self) -> None:
        """Asks the worker to cancel; `done` follows with status "stopped"."""
        self._handle.stop()

    def leave(self) -> None:
        """Ends the request here, but leaves a background answer running on the
        server (the window closes: the next start resumes it)."""
        self._handle.leave()

    def saved_state(self) -> tuple[str, str, int | None]:
        """(text, reasoning, sequence) to save: for a background answer, what its last
        checkpoint covers and that checkpoint's number; else everything so far."""
        if self.checkpoint is None:
            return self.text, self.reasoning_text, None
        sequence, text_len, reasoning_len = self.checkpoint
        return self.text[:text_len], self.reasoning_text[:reasoning_len], sequence

    def join(self, timeout_ms: int = 3000) -> bool:
        joined = self._handle.join(timeout_ms)
        self._render.finish()
        return self._render.wait(timeout_ms) and joined

    def release(self) -> None:
        """Deletes this finished answer once its request and render threads have
        ended (usually at once: `done` waits for both to be nearly done; a thread
        deleted while it runs would abort the app). The window is its parent: kept,
        every answer's text, reply and rendered blocks stayed in memory (~0.4 MB per
        50 KB answer) for as long as the window was open."""
        threads = (self._handle.worker_thread, self._render)
        if not all(thread.isFinished() for thread in threads):
            QTimer.singleShot(RELEASE_POLL_MS, self, self.release)
            return
        # `isFinished` turns true inside the thread's last steps, before its native
        # thread has exited: wait for that, then delete one poll later, not at once.
        for thread in threads:
            thread.wait()
        QTimer.singleShot(RELEASE_POLL_MS, self, self.deleteLater)

    @property
    def text(self) -> str:
        """The answer so far."""
        if len(self._text) > 1:
            self._text = ["".join(self._text)]
        return self._text[0] if self._text else ""

    @property
    def reasoning_text(self) -> str:
        """The reasoning summary so far."""
        if len(self._reasoning) > 1:
            self._reasoning = ["".join(self._reasoning)]
        return self._reasoning[0] if self._reasoning else ""

    @property
    def elapsed_s(self) -> float:
        return self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0

    # ------------------------------------------------------------------ events
    def _arrived(self) -> None:
        if not self.receiving:
            self.receiving = True
            self.first_byte.emit()
        # A background answer is saved at its checkpoints instead (`_on_checkpoint`).
        if self.checkpoint is None and self._last_save.elapsed() >= SAVE_EVERY_MS:
            self._last_save.restart()
            self.progress.emit(self.text, self.reasoning_text, None)

    def _on_checkpoint(self, sequence: int) -> None:
        if self._ordinary:
            return  # numbered events, but nothing kept to resume them from
        # Everything through event `sequence` has been handled (events arrive in order).
        self.checkpoint = (sequence, self._text_len, self._reasoning_len)
        self.kept_on_server = True
        if not self._said_on_server:
            self._said_on_server = True
            self.on_server.emit()
        if self._last_save.elapsed() >= SAVE_EVERY_MS:
            self._last_save.restart()
            self.progress.emit(*self.saved_state())

    def _on_event(self, event: StreamEvent) -> None:
        if self._reconnecting and not isinstance(event, Reconnecting):
            self._reconnecting = False
            self.reconnected.emit()
        match event:
            case TextDelta(text=text):
                self._on_delta(text)
            case ReasoningDelta(text=text):
                self._on_reasoning(text)
            case Checkpoint(sequence=sequence):
                self._on_checkpoint(sequence)
            case ResponseStarted(response_id=response_id) if response_id:
                self.response_id = response_id
            case Reconnecting(attempt=attempt):
                self._reconnecting = True
                self.reconnecting.emit(attempt)
            case BackgroundUnsupported(reason=reason):
                self._ordinary = True
                self.unsupported.emit(reason)
            case RefusalDelta(text=text):
                self._on_refusal(text)
            case CommentaryDelta(text=text):
                self._on_commentary(text)
            case ToolActivity():
                self._on_tool(event)
            case Citation():
                self._on_citation(event)

    def _on_delta(self, text: str, count: bool = True) -> None:
        self._text.append(text)
        self._text_len += len(text)
        self._render.add("answer", text)
        if count:
            self._arrived()

    def _on_reasoning(self, text: str, count: bool = True) -> None:
        self._reasoning.append(text)
        self._reasoning_len += len(text)
        self._render.add("reasoning", text)
        if count:
            self._arrived()

    def _on_refusal(self, text: str) -> None:
        self.refusal_text += text
        self.refusal.emit(self.turn_id, self.refusal_text)
        self._arrived()

    def _on_commentary(self, text: str) -> None:
        self.commentary_text += text
        self.commentary.emit(self.turn_id, self.commentary_text)
        self._arrived()

    def _on_tool(self, activity: ToolActivity) -> None:
        self.tool_items[activity.item_id] = {
            "kind": activity.kind,
            "status": activity.status,
            "query": activity.query or "",
            "action": activity.action or "",
            "url": activity.url or "",
        }
        self.tools.emit(self.turn_id, list(self.tool_items.values()))
        self._arrived()

    def _on_citation(self, citation: Citation) -> None:
        if citation.source in self.citation_items:
            return
        self.citation_items[citation.source] = citation.as_dict()
        self.citations.emit(self.turn_id, self.sources())

    def sources(self) -> list[dict[str, Any]]:
        return sorted(self.citation_items.values(), key=lambda c: int(c["index"]))

    def _on_patch(self, kind: str, start: int, blocks: list[str]) -> None:
        self._apply(start, blocks, reasoning=kind == "reasoning")

    def _apply(self, start: int, blocks: list[str], *, reasoning: bool) -> None:
        target = self.reasoning_blocks if reasoning else self.blocks
        if start == len(target) and not blocks:
            return
        del target[start:]
        target.extend(blocks)
        signal = self.reasoning_patch if reasoning else self.patch
        signal.emit(self.turn_id, start, blocks)

    def _complete(self, outcome: AnswerOutcome) -> None:
        # `done` waits until the render thread has drawn the last words.
        self._outcome = outcome
        self._render.finish()

    def _on_rendered(self) -> None:
        self._render.wait(1000)
        if self._outcome is not None:
            self.done.emit(self._outcome)

    def _on_finished(self, reply: Reply) -> None:
        # The final Reply is authoritative (a server may skip deltas) — unless it is
        # only what came after a resume point, from a server whose final event lists
        # no output: then the saved text and the deltas are the whole.
        resumed_tail = self._resumed_len and self.text[self._resumed_len :] == reply.text
        if reply.text and reply.text != self.text and not resumed_tail:
            self._text = [reply.text]
            self._render.replace(reply.text)
        if self.resumed and reply.reasoning:
            # Followed from a resume point, the final object's reasoning is the whole
            # (parts begun before it came here without their separators).
            self._reasoning = [reply.reasoning]
        status = "incomplete" if reply.status == "incomplete" else "complete"
        self._complete(self._outcome_of(status, reply, None))

    def _on_failed(self, failure: Failure) -> None:
        status = "stopped" if failure.kind == "cancelled" else "failed"
        self._complete(self._outcome_of(status, failure.partial, failure))

    def record(self, outcome: AnswerOutcome) -> dict[str, Any]:
        """What is kept of the response: tools, sources, the commentary, and every
        output item as the server sent it (phases and order), replayed with the next
        question."""
        reply = outcome.reply
        record: dict[str, Any] = {
            "id": reply.response_id if reply else None,
            "status": outcome.status,
            "tools": list(self.tool_items.values()),
            "citations": self.sources(),
        }
        if self.commentary_text:
            record["commentary"] = self.commentary_text
        if reply is not None and reply.output:
            record["output"] = list(reply.output)
        if outcome.failure is not None and outcome.failure.details:
            record["error_details"] = outcome.failure.details  # already redacted
        return record

    def outcome(self, status: str) -> AnswerOutcome:
        """How the answer stands now, ended with `status` (what arrived, no reply)."""
        return self._outcome_of(status, None, None)

    def _outcome_of(
        self, status: str, reply: Reply | None, failure: Failure | None
    ) -> AnswerOutcome:
        return AnswerOutcome(
            status,
            self.text,
            self.reasoning_text,
            self.refusal_text,
            reply,
            failure,
            self.elapsed_s,
        )
