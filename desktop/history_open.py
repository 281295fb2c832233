"""Opening the history at start: SQLite's quick check and, for a damaged file,
the salvage (desktop/store/salvage.py), both on a worker thread behind a
progress dialog that appears only when the work takes a while."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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


def open_history(path: Path) -> tuple[Store, str | None]:
    """The opened history and, when it had to be salvaged, the one sentence
    saying so. Raises StoreError when it can be neither opened nor salvaged."""
    from desktop.store import Store
    from desktop.store.salvage import is_damaged

    notice = None
    if off_thread("Checking your history…", lambda _progress: is_damaged(path)):
        notice = _salvage(path)
    try:
        store = Store(path)
    except CorruptDatabaseError:
        # Damage the quick check does not see (a full-text index claiming huge
        # sizes, say) shows when the schema is read; once salvaged, it is final.
        if notice is not None:
            raise
        notice = _salvage(path)
        store = Store(path)
    try:
        store.recover_interrupted()
    except BaseException:
        store.close()
        raise
    return store, notice


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
    """Runs `work(progress)` on a worker thread while Qt's event loop keeps
    running; `progress` takes a fraction from 0 to 1 for the dialog."""
    outcome: dict[str, Any] = {}
    fraction = [0.0]

    def run() -> None:
        try:
            outcome["value"] = work(lambda value: fraction.__setitem__(0, value))
        except Exception as exc:  # noqa: BLE001  (raised again on the GUI thread below)
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="history-open", daemon=True)
    thread.start()
    # Most checks end at once: then no dialog, no event loop, no delay at start.
    thread.join(QUICK_WAIT_S)
    if thread.is_alive():
        _wait_with_dialog(label, thread, fraction)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


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
