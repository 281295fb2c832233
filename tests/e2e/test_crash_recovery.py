"""Kill the real app with SIGKILL mid-answer and check nothing received is lost.

Starts `parley` as a subprocess on the test display against the fake server,
types a question with xdotool, kills the process while the answer streams,
then starts it again and checks the recovered conversation in the real
SQLite file.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

ANSWER = "".join(f"word{i} " for i in range(20000))


def _parley() -> str:
    return str(Path(sys.executable).with_name("parley"))


def _env(isolated_dirs: dict[str, Path], base_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(isolated_dirs["config"]),
        XDG_DATA_HOME=str(isolated_dirs["data"]),
        XDG_CACHE_HOME=str(isolated_dirs["cache"]),
        PARLEY_BASE_URL=base_url,
        CLOUDFLARE_API_TOKEN="crash-test-token",
    )
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    return env


def _xdotool(*args: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=timeout)
        # `search` fails (exit 1) when a window it is looking at goes away meanwhile
        # (an X BadWindow error while the app maps its windows): look again.
        if done.returncode == 0 or args[0] != "search" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    done.check_returncode()
    return done.stdout.strip()


def _answer_row(db: Path, columns: str = "text, status, updated") -> Any:
    """`columns` of the last answer in the history file `db`, or None."""
    if not db.exists():
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(
            f"SELECT {columns} FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1"
        ).fetchone()


def test_sigkill_mid_answer_keeps_question_and_answer(
    isolated_dirs: dict[str, Path], fake_server: Any
) -> None:
    if not shutil.which("xdotool") or not os.environ.get("DISPLAY"):
        pytest.fail("needs xdotool and an X display (run through scripts/test.sh)")
    fake_server.set_default("normal", answer=ANSWER, delta_size=30, delta_rate=40)
    # An ordinary stream, which a crash ends: a server that keeps answers running
    # gives them back instead (test_background_recovery.py).
    fake_server.background.set_mode("refuse_400")
    env = _env(isolated_dirs, fake_server.base_url)
    db = isolated_dirs["data"] / "parley" / "history.sqlite3"
    app = subprocess.Popen([_parley()], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wid = _xdotool("search", "--sync", "--onlyvisible", "--name", "^Parley")
        wid = wid.splitlines()[0]
        time.sleep(1.5)  # the page loads after the window maps; focus is in the composer
        _xdotool("windowfocus", "--sync", wid)
        _xdotool("type", "--delay", "5", "Count for me")
        _xdotool("key", "Return")
        deadline = time.monotonic() + 30
        row = None
        while time.monotonic() < deadline:
            row = _answer_row(db)
            if row and len(row[0]) > 300:
                break
            time.sleep(0.1)
        assert row and len(row[0]) > 300, "the answer was never saved while streaming"
        time.sleep(1.7)
        killed_at = time.time()
        app.send_signal(signal.SIGKILL)
        app.wait(10)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
    text, status, updated = _answer_row(db)
    assert status == "streaming"  # nobody had the chance to mark it
    assert ANSWER.startswith(text) and len(text) > 300
    assert killed_at - updated <= 1.5  # saved at most about a second before the kill

    # The next start recovers the conversation and marks the answer interrupted.
    app = subprocess.Popen([_parley()], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _xdotool("search", "--sync", "--onlyvisible", "--name", "^Parley")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _answer_row(db)[1] != "interrupted":
            time.sleep(0.1)
    finally:
        app.terminate()
        app.wait(15)
    text_after, status_after, _ = _answer_row(db)
    assert status_after == "interrupted"
    assert text_after == text
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        question = conn.execute("SELECT text FROM messages WHERE role = 'user'").fetchone()[0]
    assert question == "Count for me"


def test_interrupted_answer_offers_retry(make_window: Any, qtbot: Any, fake_server: Any) -> None:
    from desktop.store import Store
    from desktop.store.paths import default_db_path

    with Store(default_db_path()) as store:
        conversation = store.create_conversation("Crashed")
        question = store.add_user_message(conversation.id, "Tell me more")
        answer = store.start_assistant_message(question.id, "openai/gpt-5.4-pro")
        store.update_streaming(answer.id, "Half of the answ")
        assert store.recover_interrupted() == 1
    fake_server.set_default("normal", answer="The whole answer.")
    window = make_window()
    assert window.banner.isVisible() and window.banner.retry.isVisible()
    assert "interrupted" in window.banner.label.text()
    window.banner.retry.click()
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=10000)
    messages = window.store.messages(window.current.id)
    assert messages[-1].text == "The whole answer."
    assert [v.text for v in window.store.versions(messages[-1].id)] == [
        "Half of the answ",
        "The whole answer.",
    ]
