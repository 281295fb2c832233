"""One SQLite connection with short write transactions, a short wait for locks
and translation of SQLite failures into StoreError."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.store.errors import CorruptDatabaseError, StoreError, is_busy, translate

# Opening and upgrading happen before the window exists and may wait for
# another program a while; afterwards every call runs on the GUI thread, which
# must never wait more than ~100 ms: busy timeout + one retry + busy timeout.
OPEN_TIMEOUT_S = 3.0
BUSY_TIMEOUT_MS = 30
# One extra attempt at BEGIN when SQLite reports "locked" without waiting out the
# busy timeout (it does so e.g. while another process recovers the WAL).
LOCK_RETRIES = 1
LOCK_RETRY_SLEEP = 0.02


class Database:
    """Owns the connection; every write runs in its own committed transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.backup: Path | None = None  # named in corruption messages when one exists
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so no
            # transaction is ever left open between calls.
            self.conn = sqlite3.connect(path, timeout=OPEN_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self.error(exc) from exc
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    def error(self, exc: sqlite3.Error) -> Exception:
        """The StoreError for `exc`, or `exc` itself when it is a bug."""
        return translate(exc, self.path, self.backup) or exc

    def configure(self) -> None:
        """Apply the per-connection settings used after migrations are done."""
        with self.translated():
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"The history file {self.path} could not be switched to WAL mode.")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")

    def rows_for(self, sql: str, ids: Sequence[int]) -> list[Any]:
        """Rows of `sql`, whose `{ids}` is replaced by one placeholder per id."""
        if not ids:
            return []
        with self.translated():
            query = sql.format(ids=", ".join("?" * len(ids)))
            return self.conn.execute(query, list(ids)).fetchall()

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Turn expected SQLite failures raised inside the block into StoreError."""
        try:
            yield
        except sqlite3.Error as exc:
            err = self.error(exc)
            if err is exc:
                raise
            raise err from exc
        except MemoryError as exc:
            # The sqlite3 module raises MemoryError for SQLITE_NOMEM, which SQLite
            # also reports when a damaged full-text index claims huge sizes.
            raise CorruptDatabaseError(
                f"Parley ran out of memory reading the history file {self.path}; "
                "the file may be damaged."
            ) from exc

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short IMMEDIATE transaction: committed on success, rolled back on error."""
        with self.translated():
            self._begin("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. after SQLITE_FULL).
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so several queries see one consistent snapshot."""
        with self.translated():
            self._begin("BEGIN DEFERRED")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")

    def _begin(self, statement: str) -> None:
        for attempt in range(LOCK_RETRIES + 1):
            try:
                self.conn.execute(statement)
                return
            except sqlite3.OperationalError as exc:
                # Only lock contention is worth another try; anything else is final.
                if not is_busy(exc) or attempt == LOCK_RETRIES:
                    raise
                time.sleep(LOCK_RETRY_SLEEP * (attempt + 1))
