"""One answer in flight, on the GUI thread: worker signals in, view patches out.

Deltas are buffered and rendered at most once per frame (`FRAME_MS`), so a fast
stream costs one small `StreamingRenderer.feed` and one page update per frame
however many events arrive. The answer keeps its own block list, so it can be
redrawn whole when the person switches back to its conversation mid-stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from desktop.api.events import Reply, Usage
from desktop.render import StreamingRenderer
from desktop.workers import Failure, WorkerHandle, start_response

FRAME_MS = 16
SAVE_EVERY_MS = 1000


@dataclass(frozen=True)
class AnswerOutcome:
    """How an answer ended; what the window saves and shows."""

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


class AnswerStream(QObject):
    """Drives one streamed answer from request to outcome.

    Signals:
      patch(turn_id, start, blocks)            — new HTML for the answer's tail
      reasoning_patch(turn_id, start, blocks)  — same for the reasoning summary
      refusal(turn_id, text)                   — the refusal text so far
      tools(turn_id, items)                    — built-in tool calls so far (dicts)
      citations(turn_id, items)                — the sources cited so far (dicts)
      first_byte()                             — the first piece of the answer arrived
      progress(text, reasoning)                — at most once a second, for saving
      done(outcome: AnswerOutcome)             — exactly once
    """

    patch = Signal(str, int, list)
    reasoning_patch = Signal(str, int, list)
    refusal = Signal(str, str)
    tools = Signal(str, list)
    citations = Signal(str, list)
    first_byte = Signal()
    progress = Signal(str, str)
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
    ) -> None:
        super().__init__(parent)
        self.conversation_id = conversation_id
        self.turn_id = turn_id
        self.message_id = message_id
        self.model = model
        self.body = body
        self.text = ""
        self.reasoning_text = ""
        self.refusal_text = ""
        self.blocks: list[str] = []
        self.tool_items: dict[str, dict[str, Any]] = {}
        self.citation_items: dict[str, dict[str, Any]] = {}
        self.reasoning_blocks: list[str] = []
        self.finished = False
        self.receiving = False
        self._pending = ""
        self._pending_reasoning = ""
        self._renderer = StreamingRenderer()
        self._reasoning_renderer = StreamingRenderer()
        self._clock = QElapsedTimer()
        self._last_save = QElapsedTimer()
        self._frame = QTimer(self)
        self._frame.setSingleShot(True)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self._flush)
        self._handle: WorkerHandle = start_response(base_url, token, body, self)
        worker = self._handle.worker
        worker.delta.connect(self._on_delta)
        worker.reasoning.connect(self._on_reasoning)
        worker.refusal.connect(self._on_refusal)
        worker.tool.connect(self._on_tool)
        worker.citation.connect(self._on_citation)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        self._clock.start()
        self._last_save.start()
        self._handle.start()

    def stop(self) -> None:
        """Asks the worker to cancel; `done` follows with status "stopped"."""
        self._handle.stop()

    def join(self, timeout_ms: int = 3000) -> bool:
        return self._handle.join(timeout_ms)

    @property
    def elapsed_s(self) -> float:
        return self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0

    # ------------------------------------------------------------------ events
    def _arrived(self) -> None:
        if not self.receiving:
            self.receiving = True
            self.first_byte.emit()
        if not self._frame.isActive():
            self._frame.start()

    def _on_delta(self, text: str) -> None:
        self._pending += text
        self._arrived()

    def _on_reasoning(self, text: str) -> None:
        self._pending_reasoning += text
        self._arrived()

    def _on_refusal(self, text: str) -> None:
        self.refusal_text += text
        self.refusal.emit(self.turn_id, self.refusal_text)
        self._arrived()

    def _on_tool(self, activity: Any) -> None:
        self.tool_items[activity.item_id] = {
            "kind": activity.kind,
            "status": activity.status,
            "query": activity.query or "",
        }
        self.tools.emit(self.turn_id, list(self.tool_items.values()))
        self._arrived()

    def _on_citation(self, citation: Any) -> None:
        if citation.url in self.citation_items:
            return
        self.citation_items[citation.url] = {
            "index": citation.index,
            "title": citation.title,
            "url": citation.url,
        }
        self.citations.emit(self.turn_id, self.sources())

    def sources(self) -> list[dict[str, Any]]:
        return sorted(self.citation_items.values(), key=lambda c: int(c["index"]))

    def _flush(self, final: bool = False) -> None:
        if self._pending_reasoning:
            self.reasoning_text += self._pending_reasoning
            rpatch = self._reasoning_renderer.feed(self._pending_reasoning)
            self._pending_reasoning = ""
            self._apply(rpatch.start, list(rpatch.blocks), reasoning=True)
        if final and self.reasoning_text:
            rpatch = self._reasoning_renderer.finish()
            self._apply(rpatch.start, list(rpatch.blocks), reasoning=True)
        if self._pending:
            self.text += self._pending
            patch = self._renderer.feed(self._pending)
            self._pending = ""
            self._apply(patch.start, list(patch.blocks), reasoning=False)
        if final:
            patch = self._renderer.finish()
            self._apply(patch.start, list(patch.blocks), reasoning=False)
        if not final and self._last_save.elapsed() >= SAVE_EVERY_MS:
            self._last_save.restart()
            self.progress.emit(self.text, self.reasoning_text)

    def _apply(self, start: int, blocks: list[str], *, reasoning: bool) -> None:
        target = self.reasoning_blocks if reasoning else self.blocks
        if start == len(target) and not blocks:
            return
        del target[start:]
        target.extend(blocks)
        signal = self.reasoning_patch if reasoning else self.patch
        signal.emit(self.turn_id, start, blocks)

    def _complete(self, outcome: AnswerOutcome) -> None:
        self._frame.stop()
        self.finished = True
        self.done.emit(outcome)

    def _on_finished(self, reply: Reply) -> None:
        # The final Reply is authoritative (a server may skip deltas).
        if reply.text and reply.text != self.text + self._pending:
            self._pending = ""
            self.text = ""
            self.blocks.clear()
            self._renderer = StreamingRenderer()
            self._pending = reply.text
        self._flush(final=True)
        status = "incomplete" if reply.status == "incomplete" else "complete"
        self._complete(
            AnswerOutcome(
                status,
                self.text,
                self.reasoning_text,
                self.refusal_text,
                reply,
                None,
                self.elapsed_s,
            )
        )

    def _on_failed(self, failure: Failure) -> None:
        self._flush(final=True)
        status = "stopped" if failure.kind == "cancelled" else "failed"
        self._complete(
            AnswerOutcome(
                status,
                self.text,
                self.reasoning_text,
                self.refusal_text,
                failure.partial,
                failure,
                self.elapsed_s,
            )
        )
