"""The status bar: what the app is doing, which model, and the tokens spent.

Usage is shown for the last answer and as running totals for the conversation;
hover text explains each figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

if TYPE_CHECKING:
    from desktop.api.events import Usage


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def format_tokens(n: int) -> str:
    return f"{n:,}".replace(",", "\u2009")


def usage_text(usage: Usage) -> str:
    return (
        f"in {format_tokens(usage.input_tokens)} (cached {format_tokens(usage.cached_tokens)})"
        f" · out {format_tokens(usage.output_tokens)}"
        f" (reasoning {format_tokens(usage.reasoning_tokens)})"
        f" · total {format_tokens(usage.total_tokens)}"
    )


USAGE_HELP = (
    "<b>Tokens used</b><br>"
    "<b>in</b>: input tokens — the conversation sent with the question<br>"
    "<b>cached</b>: of those, tokens the server had cached (billed at a lower rate)<br>"
    "<b>out</b>: output tokens the model generated<br>"
    "<b>reasoning</b>: of those, tokens spent thinking before answering (not shown)<br>"
    "<b>total</b>: input + output"
)


class StatusBar(QStatusBar):
    """Call `waiting()`, `streaming()`, `done()`, `stopped()`, `error()` as an
    answer progresses (and, for an answer kept on the server, `running_on_server()`,
    `reconnecting()`, `reconnected()`) and `show_usage()` when it ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.state_label = QLabel("Ready", self)
        self.state_label.setObjectName("statusState")
        self.state_label.setAccessibleName("Status")
        self.model_label = QLabel(self)
        self.model_label.setObjectName("statusModel")
        self.model_label.setToolTip("The model this conversation uses")
        self.usage_label = QLabel(self)
        self.usage_label.setObjectName("statusUsage")
        self.usage_label.setAccessibleName("Token usage")
        self.usage_label.setToolTip(USAGE_HELP)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("statusTotal")
        self.total_label.setAccessibleName("Conversation token total")
        # Error sentences and model names come from the server: shown as text, never
        # as markup.
        for label in (self.state_label, self.model_label, self.usage_label, self.total_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.usage_label)
        self.addPermanentWidget(self.total_label)
        self.addPermanentWidget(self.model_label)
        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._phase = ""
        self._resumed_phase = ""  # the phase a reconnect interrupted
        self._on_server = False  # the answer keeps running on the server
        self._retry_at: float | None = None  # ms on `_clock` when a retry is sent

    def show_link(self, target: str) -> None:
        """Where the link under the pointer leads, while it is there ("" when it left)."""
        if not target:
            self.clearMessage()
            return
        # The middle goes when it is too long: a link's host and its end both matter.
        width = max(200, self.width() - 24)
        shown = self.fontMetrics().elidedText(target, Qt.TextElideMode.ElideMiddle, width)
        self.showMessage(shown)

    def set_model(self, model: str) -> None:
        self.model_label.setText(model)

    def waiting(self) -> None:
        self._clock.start()
        self._phase = "Waiting for the model…"
        self._retry_at = None
        self._on_server = False
        self._ticker.start()
        self._tick()

    def streaming(self) -> None:
        self._phase = "Streaming…"
        self._retry_at = None
        self._tick()

    def running_on_server(self) -> None:
        """The answer is kept running on the server: closing Parley loses nothing."""
        self._on_server = True
        self._tick()

    def reconnecting(self, attempt: int) -> None:
        """The connection broke; the answer goes on on the server while Parley reconnects."""
        if not self._resumed_phase:
            self._resumed_phase = self._phase
        self._phase = f"Reconnecting… (attempt {attempt})"
        self._tick()

    def reconnected(self) -> None:
        if self._resumed_phase:
            self._phase, self._resumed_phase = self._resumed_phase, ""
            self._tick()

    def retry_wait(self, seconds: float) -> None:
        """The server asked to wait before the request is sent again: count down."""
        if not self._clock.isValid():
            self._clock.start()
        self._retry_at = self._clock.elapsed() + seconds * 1000
        self._ticker.start()
        self._tick()

    def _tick(self) -> None:
        elapsed = self._clock.elapsed()
        if self._retry_at is not None and elapsed < self._retry_at:
            left = format_duration((self._retry_at - elapsed) / 1000 + 0.999)
            text = f"The server asked to wait; trying again in {left} (Esc stops)"
        else:
            self._retry_at = None
            text = f"{self._phase} {format_duration(elapsed / 1000)}"
        if self._on_server:
            text += " · running on the server, safe to close"
        self.state_label.setText(text)

    def _end(self, text: str) -> None:
        self._ticker.stop()
        self._retry_at = None
        self._on_server = False
        self._resumed_phase = ""
        self.state_label.setText(text)

    def done(self, elapsed_s: float, incomplete: bool = False) -> None:
        shown = f"{elapsed_s:.1f} s" if elapsed_s < 10 else f"{round(elapsed_s)} s"
        self._end(f"{'Cut short' if incomplete else 'Done'} in {shown}")

    def stopped(self) -> None:
        self._end("Stopped")

    def error(self, message: str) -> None:
        self._end(message)

    def idle(self, text: str = "Ready") -> None:
        self._end(text)

    def show_usage(self, last: Usage | None, total: Usage | None) -> None:
        self.usage_label.setText(f"Last: {usage_text(last)}" if last else "")
        self.total_label.setText(
            f"Conversation: {format_tokens(total.total_tokens)} tokens" if total else ""
        )
        if total:
            self.total_label.setToolTip(
                "<b>Tokens used by this conversation so far</b><br>" + usage_text(total)
            )
