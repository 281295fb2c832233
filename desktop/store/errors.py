"""Expected storage failures, each carrying one plain sentence for a person.

Bugs (SQL mistakes, wrong arguments) are not translated here: they propagate
as ordinary exceptions so the app logs them with a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Primary SQLite result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StoreError(Exception):
    """A storage failure a person can act on; `user_message` is one sentence."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotFoundError(StoreError):
    """The conversation or message no longer exists (maybe another window purged it)."""


class CorruptDatabaseError(StoreError):
    """The history file is damaged or is not a database at all."""


class ImportFormatError(StoreError):
    """A file given to import is not a valid Parley conversation export."""


def primary_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of `exc`, or None when SQLite gave none."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    # Some errors raised before a statement runs carry no code; fall back to the text.
    text = str(exc).lower()
    if "database or disk is full" in text:
        return SQLITE_FULL
    if "database is locked" in text or "database is busy" in text:
        return SQLITE_BUSY
    if "file is not a database" in text:
        return SQLITE_NOTADB
    if "malformed" in text:
        return SQLITE_CORRUPT
    return None


def is_busy(exc: sqlite3.Error) -> bool:
    """True when another connection holds the lock and retrying may succeed."""
    return primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def translate(exc: sqlite3.Error, path: Path, backup: Path | None = None) -> StoreError | None:
    """The StoreError a person should see for `exc`, or None if `exc` is a bug."""
    code = primary_code(exc)
    if code == SQLITE_FULL:
        return StoreError(
            "The disk is full; your last change could not be saved. Free some space and try again."
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        hint = f" A backup is at {backup}." if backup is not None else ""
        return CorruptDatabaseError(
            f"The history file {path} is damaged; quit Parley and start it again to repair it."
            f"{hint}"
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreError(
            "The history is in use by another program, so your last change "
            "could not be saved; try again in a moment."
        )
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return StoreError(f"The history file {path} cannot be written; check its permissions.")
    if code == SQLITE_CANTOPEN:
        return StoreError(f"The history file {path} could not be opened.")
    if code == SQLITE_IOERR:
        return StoreError(
            f"Reading or writing the history file {path} failed because of a disk error."
        )
    return None
