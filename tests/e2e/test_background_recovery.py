"""Kill the real app with SIGKILL while an answer runs on the server, start it again, and
get the whole answer: nothing lost, nothing twice, and no second request paid for."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.running_app import RunningApp, app_env
from tests.e2e.test_crash_recovery import _answer_row
from tests.fakeserver import FakeResponsesServer
from tests.fakeserver.scenarios import DEFAULT_REASONING

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

ANSWER = "".join(f"word{i} " for i in range(1500))


def _answer(db: Path) -> Any:
    return _answer_row(db, "text, status, response_id, sequence_number, reasoning")


def _wait_for(db: Path, ready: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    row = None
    while time.monotonic() < deadline:
        try:
            row = _answer(db)
        except sqlite3.OperationalError:
            row = None  # the app is creating or migrating the file
        if row is not None and ready(row):
            return row
        time.sleep(0.05)
    pytest.fail(f"the answer never got there; last saved: {row and row[1:]}")


def test_sigkill_mid_answer_then_start_again_gives_the_whole_answer_without_a_second_post(
    isolated_dirs: dict[str, Path], fake_server: FakeResponsesServer
) -> None:
    if not shutil.which("xdotool") or not os.environ.get("DISPLAY"):
        pytest.fail("needs xdotool and an X display (run through scripts/test.sh)")
    fake_server.set_default("normal", answer=ANSWER, delta_size=30, delta_rate=60)
    env = app_env(isolated_dirs, fake_server.base_url)
    db = isolated_dirs["data"] / "parley" / "history.sqlite3"
    app = RunningApp(env)
    try:
        app.wait_painted()
        app.type_and_send("Count for me")
        # Saved mid-answer with its id and the number of its last event.
        _wait_for(db, lambda row: row[3] is not None and len(row[0]) > 300, 30)
        time.sleep(0.5)
        app.process.send_signal(signal.SIGKILL)
        app.process.wait(10)
    finally:
        app.stop()
    text, status, response_id, sequence, _reasoning = _answer(db)
    assert (status, response_id) == ("streaming", "resp_bg0001")
    assert ANSWER.startswith(text) and len(text) < len(ANSWER)

    again = RunningApp(env)
    try:
        again.wait_painted()
        final = _wait_for(db, lambda row: row[1] != "streaming" and row[1] != "interrupted", 60)
    finally:
        again.stop()
    assert final[:2] == (ANSWER, "complete")  # every word once, in order
    assert final[4] == DEFAULT_REASONING  # and the reasoning, begun before the kill, once
    assert [r.method for r in fake_server.requests].count("POST") == 1
    resumed = [r.path for r in fake_server.requests if r.method == "GET"]
    assert resumed == [f"/v1/responses/resp_bg0001?stream=true&starting_after={sequence}"]
    assert fake_server.background.cancelled == []
