"""Copies of the history taken before a schema upgrade, kept until the next
successful start so a failed or buggy upgrade can always be undone by hand."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from desktop.private import private_file


def backup_path(db_path: Path, version: int, now: float | None = None) -> Path:
    """`<db>.backup-v<version>-<UTC timestamp>`; sorts by time within a version."""
    moment = time.time() if now is None else now
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(moment))
    micros = int((moment % 1) * 1_000_000)
    return db_path.with_name(f"{db_path.name}.backup-v{version}-{stamp}.{micros:06d}Z")


def existing_backups(db_path: Path) -> list[Path]:
    """Backups of `db_path`, oldest first."""
    found = db_path.parent.glob(f"{db_path.name}.backup-v*")
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def make_backup(conn: sqlite3.Connection, db_path: Path, version: int) -> Path:
    """Copy the open database with SQLite's online backup API (safe while in use)."""
    target = private_file(backup_path(db_path, version))
    with closing(sqlite3.connect(target)) as copy:
        conn.backup(copy)
    return target


def remove_backups(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
