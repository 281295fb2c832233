"""Where the history database lives: the platform's user data dir (XDG on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from desktop import APP_ID

DB_FILENAME = "history.sqlite3"


def data_dir() -> Path:
    """The per-user data folder for Parley; honours XDG_DATA_HOME on Linux."""
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False, roaming=False))


def default_db_path() -> Path:
    """The history database file inside `data_dir()` (the folder may not exist yet)."""
    return data_dir() / DB_FILENAME
