"""Runs Responses API calls off the GUI thread and reports through Qt signals.

Design: one `ResponseWorker` (a QObject) per request, moved to its own QThread.
The worker gets plain data only — base URL, token, request body and a
`CancelToken` — never a widget or the store. It iterates the client's stream on
its thread and emits each `desktop.api.events` value as it is on one signal; Qt
queues those to the GUI thread, so the event vocabulary is declared once, in the API.
Cancellation goes through the token, which the client honours within 200 ms
even while it waits for the first byte, so stopping or closing never hangs.
A plain QThread (not QThreadPool) is used because a request may run for many
minutes and must be individually cancellable and joinable at shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from desktop.api.cancel import CancelToken
from desktop.api.client import ResponsesClient
from desktop.api.errors import ApiError, RequestCancelled
from desktop.api.events import Reply, ResponseDone, StreamEvent

log = logging.getLogger(__name__)

BUG_MESSAGE = "Something went wrong; details are in the log."


@dataclass(frozen=True)
class Background:
    """An answer kept running on the server: asked for anew (`resume_id` None), or one
    already there, followed from after its event `after` (None: from the start)."""

    resume_id: str | None = None
    after: int | None = None


@dataclass(frozen=True)
class Failure:
    """Why a request ended without an answer, in a form the GUI can show."""

    message: str
    kind: str  # "authentication", "cancelled", "network", "ratelimit", "server", "bug", …
    status: int | None = None
    partial: Reply | None = None
    action: str | None = None  # the button that fits: "settings", "retry" or None
    details: str = ""  # what the server said, with status and request id (redacted)


def failure_from(error: BaseException, partial: Reply | None = None) -> Failure:
    if isinstance(error, RequestCancelled):
        return Failure(error.user_message, "cancelled", None, error.partial or partial)
    if isinstance(error, ApiError):
        kind = type(error).__name__.removesuffix("Error").lower() or "api"
        return Failure(
            error.user_message,
            kind,
            error.status,
            error.partial or partial,
            error.action,
            error.details(),
        )
    return Failure(BUG_MESSAGE, "bug", None, partial)


class ResponseWorker(QObject):
    """Streams (or fetches) one response.

    Signals (all emitted on the worker thread, delivered queued to receivers):
      arrived(event: StreamEvent) — a `desktop.api.events` value other than ResponseDone
      waiting(seconds: float)     — a retry waits this long, as the server asked
      finished(reply: Reply)     — completed or incomplete answer
      failed(failure: Failure)   — error, or stopped by the person
    Exactly one of `finished` / `failed` is emitted, from a `finally` block.
    """

    arrived = Signal(object)
    waiting = Signal(float)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        base_url: str,
        token: str | None,
        body: dict[str, Any],
        cancel: CancelToken,
        background: Background | None = None,
    ) -> None:
        super().__init__()
        self._base_url = base_url
        self._token = token
        self._body = body
        self._cancel = cancel
        self._background = background
        # Set (before the cancel) when the window closes: a background answer is left
        # running on the server for the next start to resume, not stopped there.
        self.leave_running = False

    def _events(self, client: ResponsesClient) -> Iterator[StreamEvent]:
        background = self._background
        if background is None:
            return client.events(self._body, self._cancel)

        def stop_on_server() -> bool:
            return not self.leave_running

        if background.resume_id is not None:
            return client.resume(
                background.resume_id, background.after, self._cancel, stop_on_server
            )
        return client.stream_background(self._body, self._cancel, stop_on_server)

    @Slot()
    def run(self) -> None:
        reply: Reply | None = None
        failure: Failure | None = None
        try:
            with ResponsesClient(self._base_url, self._token, on_wait=self.waiting.emit) as client:
                for event in self._events(client):
                    if isinstance(event, ResponseDone):
                        reply = event.reply
                    else:
                        self.arrived.emit(event)
            if reply is None:
                failure = Failure("The server closed the answer without finishing it.", "network")
        except ApiError as error:
            failure = failure_from(error)
        except Exception as error:
            log.exception("unexpected error while streaming a response")
            failure = failure_from(error)
        finally:
            if failure is not None or reply is None:
                self.failed.emit(failure or Failure(BUG_MESSAGE, "bug"))
            else:
                self.finished.emit(reply)


class WorkerHandle(QObject):
    """Owns a worker and its thread; `stop()` cancels, `join()` waits for the end."""

    def __init__(self, worker: ResponseWorker, cancel: CancelToken, parent: QObject | None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.cancel_token = cancel
        self.worker_thread = QThread(self)
        self.worker_thread.setObjectName("parley-response")
        worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(worker.run)
        # Direct: quit must reach the thread even while the GUI thread waits in join().
        worker.finished.connect(self.worker_thread.quit, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(self.worker_thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker_thread.finished.connect(worker.deleteLater)

    def start(self) -> None:
        self.worker_thread.start()

    def stop(self) -> None:
        self.cancel_token.cancel()

    def leave(self) -> None:
        """Ends the request here but, for a background answer, not on the server."""
        self.worker.leave_running = True
        self.cancel_token.cancel()

    def join(self, timeout_ms: int = 3000) -> bool:
        """True once the thread has fully exited (at once if it never started).
        Always `wait()`: `isRunning()` turns false inside the thread's last steps,
        before its native thread has exited, and deleting this handle then (a test,
        a closing window) destroys a QThread that still runs, which crashes."""
        return bool(self.worker_thread.wait(timeout_ms))


def start_response(
    base_url: str,
    token: str | None,
    body: dict[str, Any],
    parent: QObject | None = None,
    background: Background | None = None,
) -> WorkerHandle:
    """Creates a worker for one request; connect its signals, then call `start()`.
    With `background` the answer is kept running on the server (or followed there)."""
    cancel = CancelToken()
    worker = ResponseWorker(base_url, token, body, cancel, background)
    return WorkerHandle(worker, cancel, parent)
