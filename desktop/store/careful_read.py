"""Reading what is still readable from a damaged SQLite file: rows are fetched
in key ranges, and a range that fails is read again row by row, so one bad page
costs only the rows stored on it.

SQLite's own recovery (`.recover` in the `sqlite3` tool) needs the `sqlite_dbpage`
table, which Debian's 3.40 build of the tool lacks (it fails with "SQL logic
error"), and the PyInstaller bundle carries no tool at all: this works everywhere.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

CHUNK = 500  # rows per range read while the file reads cleanly
# Past this many unreadable keys in a row, a table is taken to end (rowids are
# dense in Parley's tables; a gap this wide is the end, not a bad page).
MAX_GAP = 1 << 40

Row = tuple[Any, ...]


def readable_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The table's columns, or [] when its schema cannot be read."""
    try:
        return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
    except (sqlite3.DatabaseError, MemoryError):
        # The schema page itself is damaged: nothing of this table can be read by name.
        return []


def _try(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[Row] | None:
    try:
        return [tuple(row) for row in conn.execute(sql, args)]
    except (sqlite3.DatabaseError, MemoryError):
        # DatabaseError covers "malformed" pages; MemoryError is what SQLite's
        # NOMEM becomes when a damaged record claims an absurd size.
        return None


def rows_by_rowid(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Every readable row of a rowid table, `rowid` first then `columns`, in
    rowid order. `progress` gets the highest rowid passed so far."""
    select = f"SELECT rowid, {', '.join(columns)} FROM {table}"
    next_id = _first_rowid(conn, table)
    while next_id is not None:
        rows = _try(conn, f"{select} WHERE rowid >= ? ORDER BY rowid LIMIT {CHUNK}", (next_id,))
        if rows is not None:
            if not rows:
                return
            yield from rows
            next_id = int(rows[-1][0]) + 1
        else:
            yield from _rows_one_by_one(conn, select, next_id, next_id + CHUNK)
            next_id = _resume_after(conn, table, next_id + CHUNK)
        if progress is not None and next_id is not None:
            progress(next_id)


def _first_rowid(conn: sqlite3.Connection, table: str) -> int | None:
    rows = _try(conn, f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1", ())
    if rows is None:
        return _resume_after(conn, table, -(1 << 62))
    return int(rows[0][0]) if rows else None


def _rows_one_by_one(conn: sqlite3.Connection, select: str, start: int, stop: int) -> list[Row]:
    found: list[Row] = []
    for rowid in range(start, stop):
        rows = _try(conn, f"{select} WHERE rowid = ?", (rowid,))
        if rows:
            found.extend(rows)
    return found


def _resume_after(conn: sqlite3.Connection, table: str, start: int) -> int | None:
    """The first rowid at or past `start` from which the table reads again.
    Jumps ahead in doubling steps over the damaged part, then narrows down so
    that no readable row between the damage and that point is skipped."""
    step = 1
    bad = start - 1
    while step < MAX_GAP:
        probe = start + step
        rows = _try(conn, f"SELECT rowid FROM {table} WHERE rowid >= ? LIMIT 1", (probe,))
        if rows is not None:
            good = probe
            while good - bad > 1:
                middle = (bad + good) // 2
                query = f"SELECT rowid FROM {table} WHERE rowid >= ? LIMIT 1"
                if _try(conn, query, (middle,)) is not None:
                    good = middle
                else:
                    bad = middle
            first = _try(conn, f"SELECT rowid FROM {table} WHERE rowid >= ? LIMIT 1", (good,))
            return int(first[0][0]) if first else None
        bad = probe
        step *= 2
    return None


def whole_table_or_by_key(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    key: str,
    keys: Sequence[Any],
) -> list[Row]:
    """All rows of a table without rowid when it reads whole; else its rows for
    each of `keys`, skipping keys whose rows cannot be read."""
    names = ", ".join(columns)
    rows = _try(conn, f"SELECT {names} FROM {table}", ())
    if rows is not None:
        return rows
    found: list[Row] = []
    for value in keys:
        found.extend(_try(conn, f"SELECT {names} FROM {table} WHERE {key} = ?", (value,)) or [])
    return found
