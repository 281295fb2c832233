"""Opening the history at start: SQLite's quick check and, for a damaged file,
the salvage (desktop/store/salvage.py), both on a worker thread behind a
progress dialog that appears only when the work takes a while."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from desktop.store.errors import CorruptDatabaseError, StoreError

if TYPE_CHECKING:
    from desktop.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")
# The dialog appears only if the work lasts longer than this (a small history's
# check takes a few milliseconds; a 1 GB one's about a second).
DIALOG_DELAY_MS = 500
POLL_MS = 30
QUICK_WAIT_S = 0.1


def start_check(path: Path) -> Background[bool]:
    """Starts SQLite's quick check of the history on a worker thread; call it
    early, so the check runs while Qt and the window are set up."""
    from desktop.store.salvage import is_damaged

    return Background(lambda _progress: is_damaged(path))


def open_history(path: Path, check: Background[bool] | None = None) -> tuple[Store, str | None]:
    """The opened history and, when it had to be salvaged, the one sentence
    saying so. Raises StoreError when it can be neither opened nor salvaged."""
    notice = None
    if (check or start_check(path)).result("Checking your history…"):
        notice = _salvage(path)
    try:
        store = _open(path)
    except CorruptDatabaseError:
        # Damage the quick check does not see (a full-text index claiming huge
        # sizes, say) shows when the schema is read; once salvaged, it is final.
        if notice is not None:
            raise
        notice = _salvage(path)
        store = _open(path)
    return store, notice


def _open(path: Path) -> Store:
    from desktop.store import Store

    store = Store(path)
    try:
        store.recover_interrupted()
    except CorruptDatabaseError:
        store.close()
        raise
    except StoreError as err:
        # Another program holds the history: answers cut short by a crash keep
        # their status until the next start, which marks them.
        log.warning("could not mark interrupted answers: %s", err)
    return store


def _salvage(path: Path) -> str:
    from desktop.store.salvage import salvage

    log.warning("history file %s is damaged; salvaging it", path)
    try:
        result = off_thread("Repairing your history…", lambda progress: salvage(path, progress))
    except (OSError, sqlite3.Error) as exc:
        log.error("salvage failed", exc_info=True)
        raise StoreError(
            f"The history file {path} is damaged and Parley could not repair it ({exc}); "
            "free some disk space or move the file away, then start Parley again."
        ) from exc
    sentence = result.sentence()
    log.warning("%s", sentence)
    return sentence


def off_thread(label: str, work: Callable[[Callable[[float], None]], T]) -> T:
    """Runs `work(progress)` on a worker thread and returns what it returns;
    `progress` takes a fraction from 0 to 1 for the dialog."""
    return Background(work).result(label)


class Background(Generic[T]):
    """`work(progress)` running on a worker thread from the moment this is made."""

    def __init__(self, work: Callable[[Callable[[float], None]], T]) -> None:
        self._outcome: dict[str, Any] = {}
        self._fraction = [0.0]

        def run() -> None:
            try:
                self._outcome["value"] = work(lambda value: self._fraction.__setitem__(0, value))
            except Exception as exc:  # noqa: BLE001  (raised again on the GUI thread by result())
                self._outcome["error"] = exc

        self._thread = threading.Thread(target=run, name="history-open", daemon=True)
        self._thread.start()

    def result(self, label: str) -> T:
        """Waits for the work while Qt's event loop keeps running, behind a progress
        dialog titled `label` should it take a while."""
        # Most checks end at once: then no dialog, no event loop, no delay at start.
        self._thread.join(QUICK_WAIT_S)
        if self._thread.is_alive():
            _wait_with_dialog(label, self._thread, self._fraction)
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["value"]  # type: ignore[no-any-return]


def _wait_with_dialog(label: str, thread: threading.Thread, fraction: list[float]) -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(label, "", 0, 1000)
    dialog.setWindowTitle("Parley")
    dialog.setCancelButton(None)  # the work cannot stop halfway without losing what it did
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(DIALOG_DELAY_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    loop = QEventLoop()

    def poll() -> None:
        dialog.setValue(min(999, int(fraction[0] * 1000)))
        if not thread.is_alive():
            loop.quit()

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    loop.exec()
    timer.stop()
    dialog.close()
    dialog.deleteLater()
