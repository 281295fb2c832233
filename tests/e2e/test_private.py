"""Nothing leaks: under umask 022 the real app keeps its files owner-only and
tightens what an older version left open, and no process it starts (QtWebEngine's,
a browser) inherits the API token from its environment."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop import APP_ID
from tests.e2e.running_app import RunningApp, app_env

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

TOKEN = "env-token-3b9e51d0-must-not-leak"


def _answered(db: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
                row = conn.execute(
                    "SELECT status, text FROM messages WHERE role = 'assistant'"
                ).fetchone()
            if row and row[0] == "complete":
                return str(row[1])
        time.sleep(0.1)
    pytest.fail("the question was never answered")


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def _ask_once(
    isolated_dirs: dict[str, Path], fake_server: Any, umask: int | None = None
) -> tuple[list[int], dict[int, bytes], dict[str, str]]:
    """Starts the app, asks one question; returns its child processes, their
    environments and the modes of everything under Parley's folders."""
    fake_server.set_default("normal", answer="Private answer.")
    env = app_env(isolated_dirs, fake_server.base_url, CLOUDFLARE_API_TOKEN=TOKEN)
    data = isolated_dirs["data"] / APP_ID
    app = RunningApp(env, umask=umask)
    try:
        app.wait_painted()
        children = app.descendants()
        environs = {pid: Path(f"/proc/{pid}/environ").read_bytes() for pid in children}
        app.type_and_send("Is this private?")
        assert _answered(data / "history.sqlite3") == "Private answer."
        modes = {
            str(path.relative_to(isolated_dirs["data"].parent)): _mode(path)
            for root in (data, isolated_dirs["state"] / APP_ID, isolated_dirs["config"] / APP_ID)
            if root.exists()
            for path in (root, *root.rglob("*"))
        }
    finally:
        app.stop()
    return children, environs, modes


def test_no_child_process_inherits_the_token_and_it_still_authenticates(
    isolated_dirs: dict[str, Path], fake_server: Any
) -> None:
    children, environs, _modes = _ask_once(isolated_dirs, fake_server)
    assert len(children) >= 2, "QtWebEngine's processes were not found"
    leaked = [pid for pid, environ in environs.items() if TOKEN.encode() in environ]
    assert not leaked, f"{len(leaked)} of {len(children)} child processes carry the token"
    assert fake_server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_files_are_private_under_umask_022_and_old_ones_are_tightened(
    isolated_dirs: dict[str, Path], fake_server: Any
) -> None:
    data = isolated_dirs["data"] / APP_ID
    logs = isolated_dirs["state"] / APP_ID / "log"
    # What an older Parley left readable by everyone.
    (data / "attachments" / "ab").mkdir(parents=True)
    (data / "attachments" / "ab" / "abcd").write_bytes(b"old attachment")
    logs.mkdir(parents=True)
    (logs / "parley.log").write_text("old log\n")
    for path in (data, data / "attachments", data / "attachments" / "ab", logs):
        path.chmod(0o755)
    for path in (data / "attachments" / "ab" / "abcd", logs / "parley.log"):
        path.chmod(0o644)

    _children, _environs, modes = _ask_once(isolated_dirs, fake_server, umask=0o022)

    for name in ("history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm", "parley.log"):
        assert any(key.endswith(name) for key in modes), f"{name} was not created"
    open_to_others = {path: mode for path, mode in modes.items() if mode not in ("0o700", "0o600")}
    assert not open_to_others
