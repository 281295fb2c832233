"""A damaged history is never a dead end: the real app sets the file aside,
starts with what came back, says so, and saves new questions."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop import APP_ID
from tests.e2e.running_app import RunningApp, app_env
from tests.store.damage import damage_header, damage_table_pages, fill

pytestmark = [pytest.mark.e2e, pytest.mark.gui]


def _answers(db: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        rows = conn.execute(
            "SELECT a.text FROM messages AS a JOIN messages AS q ON a.parent_id = q.id"
            " WHERE q.text = 'After the repair?' AND a.status = 'complete'"
        ).fetchall()
    return [str(row[0]) for row in rows]


@pytest.mark.parametrize("damage", [damage_table_pages, damage_header], ids=["page", "header"])
def test_app_starts_with_what_came_back_and_saves_new_questions(
    isolated_dirs: dict[str, Path], fake_server: Any, damage: Any
) -> None:
    fake_server.set_default("normal", answer="Saved after the repair.")
    folder = isolated_dirs["data"] / APP_ID
    db = folder / "history.sqlite3"
    total = fill(db)
    damage(db)
    app = RunningApp(app_env(isolated_dirs, fake_server.base_url))
    try:
        app.wait_painted()
        set_aside = [
            p
            for p in folder.glob("history.sqlite3.damaged-*")
            if not p.name.endswith(("-wal", "-shm"))
        ]
        app.type_and_send("After the repair?")
        deadline = time.monotonic() + 30
        while not _answers(db) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        app.stop()
    assert len(set_aside) == 1
    log = (isolated_dirs["state"] / APP_ID / "log" / "parley.log").read_text()
    assert "Your history file was damaged: Parley recovered 20 conversations and" in log
    assert f"kept the damaged one as {set_aside[0]}." in log
    assert _answers(db) == ["Saved after the repair."]
    with closing(sqlite3.connect(db)) as conn:
        kept = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert kept > total * 0.8
