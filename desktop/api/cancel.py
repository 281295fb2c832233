"""A stop button for one request that any thread (usually the Qt GUI thread) may press."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable


class CancelToken:
    """Thread-safe cancel flag; whoever runs the request registers how to interrupt it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._ids = itertools.count()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Request cancellation; safe to call from any thread, any number of times."""
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            # Called under the lock so that a request which detaches (and then closes its
            # event loop) can never be poked after it has gone.
            for callback in list(self._callbacks.values()):
                callback()

    def attach(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` on cancel (at once if already cancelled); returns a detach function."""
        with self._lock:
            if self._cancelled:
                callback()
                return lambda: None
            key = next(self._ids)
            self._callbacks[key] = callback

        def detach() -> None:
            with self._lock:
                self._callbacks.pop(key, None)

        return detach

    def __repr__(self) -> str:
        return f"CancelToken(cancelled={self._cancelled})"
