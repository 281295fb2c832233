"""Where the history database lives: the platform's user data dir (XDG on Linux)."""

from __future__ import annotations

from pathlib import Path

from desktop.dirs import user_dir

DB_FILENAME = "history.sqlite3"


def data_dir() -> Path:
    """The per-user data folder for Parley; honours XDG_DATA_HOME on Linux."""
    return user_dir("data")


def default_db_path() -> Path:
    """The history database file inside `data_dir()` (the folder may not exist yet)."""
    return data_dir() / DB_FILENAME
