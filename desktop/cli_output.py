"""How `parley ask` and `parley resume` print an answer: its text on stdout as it
streams, then its numbered sources; commentary, reasoning (on request), notices, usage
and errors on stderr, one plain line each."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TextIO

from desktop.api import (
    Citation,
    CommentaryDelta,
    ReasoningDelta,
    RefusalDelta,
    Reply,
    ResponseDone,
    ResponseStarted,
    StreamEvent,
    TextDelta,
)
from desktop.api.events import BackgroundUnsupported, Checkpoint, Reconnecting
from desktop.api.retry import describe_wait
from desktop.api.tools import source_text

NOTED_WAIT = 5.0  # seconds; shorter waits before a retry pass without a line


def source_lines(citations: Sequence[Citation]) -> list[str]:
    """ "[1] Title — URL" per cited source, in number order (files by name and id)."""
    lines = {c.index: f"[{c.index}] {source_text(c.as_dict())}" for c in reversed(citations)}
    return [lines[i] for i in sorted(lines)]


def usage_line(reply: Reply) -> str | None:
    u = reply.usage
    if u is None:
        return None
    return (
        f"usage: input {u.input_tokens} (cached {u.cached_tokens}) · "
        f"output {u.output_tokens} (reasoning {u.reasoning_tokens}) · total {u.total_tokens} tokens"
    )


class Printer:
    """Writes one answer to the two streams; remembers whether stdout needs a newline."""

    def __init__(
        self, out: TextIO, err: TextIO, show_reasoning: bool, sources: bool = True
    ) -> None:
        self.out, self.err, self.show_reasoning = out, err, show_reasoning
        self.sources = sources
        self.ends_with_newline = True
        self.reasoning_open = False  # stderr is in the middle of a line
        self._err_kind = ""  # what that line is: "reasoning" or "commentary"
        # A background answer: its id, and the number of the last event printed, for
        # `parley resume ID --after N`.
        self.response_id: str | None = None
        self.checkpoint: int | None = None

    def text(self, text: str) -> None:
        self._close_reasoning()
        self.out.write(text)
        self.out.flush()
        self.ends_with_newline = text.endswith("\n")

    def reasoning(self, text: str) -> None:
        if self.show_reasoning:
            self._stderr(text, "reasoning")

    def commentary(self, text: str) -> None:
        """What the model says before it acts: to stderr, like other notes, so that
        stdout holds the answer alone."""
        self._stderr(text, "commentary")

    def _stderr(self, text: str, kind: str) -> None:
        if kind != self._err_kind:
            self._close_reasoning()  # reasoning and commentary never share a line
            self._err_kind = kind
        self.err.write(text)
        self.err.flush()
        self.reasoning_open = not text.endswith("\n")

    def _close_reasoning(self) -> None:
        if self.reasoning_open:
            self.err.write("\n")
            self.reasoning_open = False

    def end_answer(self) -> None:
        self._close_reasoning()
        if not self.ends_with_newline:
            self.out.write("\n")
            self.ends_with_newline = True
        self.out.flush()

    def note(self, line: str) -> None:
        self._close_reasoning()
        self.err.write(line + "\n")
        self.err.flush()

    def waiting(self, seconds: float) -> None:
        """A retry the server asked to delay: say so, so the wait is not a mystery."""
        if seconds >= NOTED_WAIT:
            when = time.strftime("%H:%M:%S", time.localtime(time.time() + seconds))
            self.note(
                f"The server asked to wait {describe_wait(seconds)}; trying again at {when} "
                "(Ctrl+C stops)."
            )

    def finish(self, reply: Reply) -> None:
        self.end_answer()
        lines = source_lines(reply.citations) if self.sources else []
        if lines:
            self.out.write("\nSources:\n" + "\n".join(lines) + "\n")
            self.out.flush()
        if reply.refusal:
            self.note(f"refusal: {' '.join(reply.refusal.split())}")
        if reply.status == "incomplete":
            self.note(f"truncated: {reply.incomplete_reason or 'unknown reason'}")
        line = usage_line(reply)
        if line:
            self.note(line)

    def resume_hint(self) -> None:
        """How to get the rest of a background answer whose stream was lost."""
        if self.response_id is None:
            return
        after = f" --after {self.checkpoint}" if self.checkpoint is not None else ""
        self.note(
            f"The answer may still finish on the server: parley resume {self.response_id}{after}"
        )


def print_events(events: Iterable[StreamEvent], printer: Printer, background: bool) -> None:
    """Print a streamed answer; `background`: the server keeps it running, so its id
    is printed at once and a lost connection is announced while it is resumed."""
    for event in events:
        if isinstance(event, TextDelta):
            printer.text(event.text)
        elif isinstance(event, ReasoningDelta):
            printer.reasoning(event.text)
        elif isinstance(event, CommentaryDelta):
            printer.commentary(event.text)
        elif isinstance(event, ResponseDone):
            printer.finish(event.reply)
        elif isinstance(event, Checkpoint):
            printer.checkpoint = event.sequence
        elif isinstance(event, ResponseStarted):
            if background and printer.response_id is None and event.response_id:
                printer.response_id = event.response_id
                printer.note(f"response id: {event.response_id}")
        elif isinstance(event, Reconnecting):
            when = f" in {event.delay:.0f} s" if event.delay >= 1 else ""
            printer.note(f"The connection was lost; reconnecting{when} (attempt {event.attempt}).")
        elif isinstance(event, BackgroundUnsupported):
            background = False
            printer.note(
                f"This server does not keep answers running ({event.reason}); "
                "the answer streams the ordinary way."
            )
        elif isinstance(event, RefusalDelta):
            pass  # shown once, whole, when the reply is done (see Printer.finish)
