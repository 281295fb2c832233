"""Final saves of answers that failed (the history locked by another program, a
full disk) are kept in memory and tried again on a timer, so no answer is lost
and the GUI thread never waits for the lock."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.store.errors import StoreError

log = logging.getLogger(__name__)

RETRY_MS = 2000


class UnsavedAnswers(QObject):
    """Signals: failed(str) with a sentence for the person when a save fails
    (once per answer), saved() when every kept answer has been saved."""

    failed = Signal(str)
    saved = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[int, Callable[[], object]] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self.retry)

    def __len__(self) -> int:
        return len(self._pending)

    def save(self, key: int, save: Callable[[], object]) -> bool:
        """Runs `save` now; when it fails, keeps it to try again. Returns whether it saved."""
        try:
            save()
        except StoreError as err:
            log.warning("could not save answer %s yet: %s", key, err)
            self._pending[key] = save
            self._timer.start()
            self.failed.emit(
                f"Parley could not save the answer yet and keeps trying: {err.user_message}"
            )
            return False
        self._pending.pop(key, None)
        return True

    def retry(self) -> None:
        """One more try at each kept save (each waits ~100 ms at most)."""
        for key, save in list(self._pending.items()):
            try:
                save()
            except StoreError as err:
                # Still locked or full: the timer tries again; the person was told.
                log.info("answer %s still not saved: %s", key, err)
                continue
            del self._pending[key]
        if not self._pending:
            self._timer.stop()
            self.saved.emit()

    def flush(self) -> None:
        """A last try before the window closes; what still fails is named in the log."""
        self.retry()
        self._timer.stop()
        for key in self._pending:
            log.error("answer %s could not be saved before closing", key)
