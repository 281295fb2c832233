"""Whatever the umask, the history's files and folders are readable by their
owner only: the database and its WAL, attachments, backups, the log."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.api.attachments import Attachment
from desktop.logs import setup_logging
from desktop.store import Store
from desktop.store.backup import make_backup

PHOTO = Attachment("image", "photo.jpg", "image/jpeg", b"\xff\xd8\xff" + b"j" * 500, "high")


@pytest.fixture(autouse=True)
def _umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mode & 0o777 for p in root.rglob("*")}


def test_history_attachments_and_backups_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "parley"
    with Store(folder / "history.sqlite3") as store:
        conv = store.create_conversation("c")
        store.add_user_message(conv.id, "with a photo", [PHOTO])
        make_backup(store._db.conn, store.path, 1)  # test-only: the backup taken before upgrades
        modes = _modes(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert any(name.startswith("history.sqlite3.backup-v1") for name in modes)
    assert {"history.sqlite3-wal", "history.sqlite3-shm"} <= set(modes)
    assert any(name.startswith("attachments/") for name in modes)
    assert {name: mode for name, mode in modes.items() if mode not in (0o700, 0o600)} == {}


def test_log_and_its_folder_are_private(isolated_dirs: dict[str, Path]) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = setup_logging()
        logging.getLogger("test").info("a line")
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.parent.parent.stat().st_mode & 0o777 == 0o700
