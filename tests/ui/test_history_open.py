"""Opening the history at start: a damaged file is repaired off the GUI thread,
behind a progress dialog when that takes a while, and the person is told."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from desktop.history_open import off_thread, open_history
from tests.store.damage import damage_table_pages, fill
from tests.ui.test_locked_history import LoopWatch, write_lock

pytestmark = pytest.mark.gui


def test_a_damaged_history_opens_with_a_sentence_naming_the_set_aside_file(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    fill(path)
    damage_table_pages(path)
    store, notice = open_history(path)
    with store:
        assert store.list_conversations(100)
        store.add_user_message(store.list_conversations(1)[0].id, "written after the repair")
    set_aside = next(p for p in tmp_path.glob("history.sqlite3.damaged-*") if p.suffix != "")
    assert notice is not None and str(set_aside.with_suffix("")) in notice
    assert notice.startswith("Your history file was damaged")


def test_a_healthy_history_opens_without_a_notice(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    fill(path, conversations=1, turns=1)
    store, notice = open_history(path)
    store.close()
    assert notice is None


def test_slow_work_runs_off_the_gui_thread_behind_a_progress_dialog(qtbot: Any) -> None:
    seen: list[int] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                seen.append(widget.value())

    def work(progress: Any) -> str:
        for step in range(10):
            progress(step / 10)
            time.sleep(0.12)
        return "done"

    qtbot.wait(1)  # the application exists
    watch = LoopWatch()
    looker = QTimer()
    looker.timeout.connect(look)
    looker.start(50)
    assert off_thread("Repairing your history…", work) == "done"
    looker.stop()
    watch.stop()
    assert seen and max(seen) > 0, "no progress dialog was shown"
    # The event loop ran all along (1.2 s of work: ~240 ticks of 5 ms if never held up).
    assert watch.ticks > 60


def test_the_window_says_what_came_back_once_the_conversation_is_shown(
    qtbot: Any, app_env: dict[str, str]
) -> None:
    from desktop.config.secrets import SessionSecrets
    from desktop.config.settings import Settings
    from desktop.gui import create_main_window
    from desktop.store.paths import default_db_path

    path = default_db_path()
    fill(path)
    damage_table_pages(path)
    store, notice = open_history(path)
    assert notice is not None
    with store:
        window = create_main_window(
            store, Settings(), SessionSecrets(), app_env, first_run_dialog=False, notice=notice
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.first_painted, timeout=15000):
            pass
        assert window.banner.message == notice
        window.close()


def test_a_history_locked_by_another_program_still_opens_at_once(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    fill(path, conversations=2, turns=2)
    with write_lock(path):
        started = time.perf_counter()
        store, notice = open_history(path)
        took = time.perf_counter() - started
        with store:
            assert len(store.list_conversations(10)) == 2
    assert notice is None
    assert took < 1.0
