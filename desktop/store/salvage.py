"""A damaged history file is never a dead end: it is set aside under a dated
name (never deleted or overwritten), everything still readable in it is copied
into a fresh file, and Parley starts with what came back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from desktop.private import private_file
from desktop.store import careful_read
from desktop.store.errors import SQLITE_CORRUPT, SQLITE_NOTADB, primary_code
from desktop.store.migrations import MIGRATIONS, migrate

SIDECARS = ("-wal", "-shm")
# Recovered answers that were streaming when the file broke are marked like
# answers cut short by a crash.
STATUS_FIXES = {"streaming": "interrupted"}

# The cached HTML of answers is made again when they are shown: copying it would
# double the bytes written (and a damaged cache could show wrong text).
NOT_COPIED = {"rendered_html", "renderer_version"}

Progress = Callable[[float], None]
COPY_SHARE = 0.3  # of the progress bar: copying rows; the rest is the search index
INDEX_SLICE = 2000  # messages indexed between two progress reports


@dataclass(frozen=True)
class Salvaged:
    """What came back from a damaged history file, and where that file now is."""

    set_aside: Path
    conversations: int
    messages: int

    def sentence(self) -> str:
        conversations = _count(self.conversations, "conversation")
        messages = _count(self.messages, "message")
        return (
            f"Your history file was damaged: Parley recovered {conversations} and {messages}"
            f" into a fresh file and kept the damaged one as {self.set_aside}."
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def is_damaged(path: Path) -> bool:
    """SQLite's quick check (every page's structure, without cross-checking
    indexes against tables) on `path`. False for a missing file and for
    failures that are not damage (a lock, permissions): opening reports those."""
    if not path.exists():
        return False
    try:
        with closing(sqlite3.connect(path, timeout=5)) as conn:
            result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except MemoryError:
        return True  # a damaged record claiming an absurd size
    except sqlite3.DatabaseError as exc:
        return primary_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return bool(result != "ok")


def set_aside(path: Path, now: float | None = None) -> Path:
    """Renames `path` and its -wal/-shm to `<name>.damaged-<UTC time>` (with a
    number added should that name be taken). Returns the new main file's path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while any(Path(f"{target}{end}").exists() for end in ("", *SIDECARS)):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for end in SIDECARS:
        # The WAL goes along: it may hold the newest conversations.
        if Path(f"{path}{end}").exists():
            os.rename(f"{path}{end}", f"{target}{end}")
    os.rename(path, target)
    return target


def salvage(path: Path, progress: Progress | None = None) -> Salvaged:
    """Sets the damaged `path` aside and rebuilds `path` from what is readable."""
    report = progress or (lambda _fraction: None)
    aside = set_aside(path)
    work = path.with_name(f"{path.name}.salvage-tmp")
    readable = path.with_name(f"{path.name}.salvage-source-tmp")
    for leftover in (work, readable):
        leftover.unlink(missing_ok=True)
    try:
        source = _open_source(aside, readable)
        with closing(source), closing(_fresh(work)) as target:
            conversations, messages = _copy(source, target, report)
        os.replace(work, path)
    finally:
        for temporary in (work, readable, *(Path(f"{readable}{e}") for e in SIDECARS)):
            temporary.unlink(missing_ok=True)
    report(1.0)
    return Salvaged(aside, conversations, messages)


def _open_source(aside: Path, readable: Path) -> sqlite3.Connection:
    """A read-only connection to the set-aside file, or to a copy of it with a
    rebuilt header when its header is what is damaged."""
    conn = _read_only(aside)
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        conn.close()
        if primary_code(exc) != SQLITE_NOTADB:
            raise
    shutil.copyfile(aside, readable)
    os.chmod(readable, 0o600)
    _rebuild_header(readable)
    return _read_only(readable)


def _read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    conn.text_factory = lambda data: data.decode("utf-8", "replace")
    return conn


def _rebuild_header(path: Path) -> None:
    """Writes a valid 100-byte header over a damaged one. The page size is taken
    from the file when it can be told; the size in pages is left for SQLite to
    read from the file's length."""
    page_size = _guess_page_size(path)
    with closing(sqlite3.connect(":memory:")) as template:
        template.execute(f"PRAGMA page_size = {page_size:d}")
        template.execute("VACUUM")
        header = bytearray(template.serialize()[:100])
    header[28:32] = bytes(4)  # database size: 0 means "use the file's length"
    header[92:96] = bytes(4)  # version-valid-for: stale, so the size above is ignored
    with open(path, "r+b") as file:
        file.write(header)


def _guess_page_size(path: Path) -> int:
    """The page size at which the file is whole pages and page 2 starts like a
    page; 4096 (SQLite's default, and Parley's) first, and when nothing fits."""
    size = path.stat().st_size
    with open(path, "rb") as file:
        start = file.read(65536 + 1)
    for candidate in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
        second = start[candidate : candidate + 1]
        if size % candidate == 0 and second in (b"", b"\x00", b"\x02", b"\x05", b"\x0a", b"\x0d"):
            return candidate
    return 4096


def _fresh(path: Path) -> sqlite3.Connection:
    """A new, empty history file with Parley's schema, written without a journal
    (it is a temporary file until the copy is complete)."""
    private_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def _copy(
    source: sqlite3.Connection, target: sqlite3.Connection, report: Progress
) -> tuple[int, int]:
    target.execute("BEGIN")
    conversations = _copy_table(source, target, "conversations", lambda _n: None)
    last = _last_rowid(source, "messages")

    def messages_progress(rowid: int) -> None:
        if last:
            report(min(COPY_SHARE, COPY_SHARE * rowid / last))

    # The search index is built once at the end: far faster than row by row.
    triggers = [
        str(row[0])
        for row in target.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'messages'"
        )
    ]
    for (name,) in target.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'messages'"
    ).fetchall():
        target.execute(f"DROP TRIGGER {name}")
    messages = _copy_table(source, target, "messages", messages_progress)
    _rebuild_index(target, report)
    for sql in triggers:
        target.execute(sql)
    _repair_tree(target)
    conversations += _adopt_orphans(target)
    message_ids = [row[0] for row in target.execute("SELECT id FROM messages WHERE role = 'user'")]
    _copy_attachments(source, target, message_ids)
    target.execute("COMMIT")
    return conversations, messages


def _rebuild_index(target: sqlite3.Connection, report: Progress) -> None:
    """The search index built after the copy, in slices of rows so that the
    progress dialog keeps moving. No recovered answer is streaming
    (STATUS_FIXES), so every row belongs in it."""
    ids = [row[0] for row in target.execute("SELECT id FROM messages ORDER BY id")]
    for start in range(0, len(ids), INDEX_SLICE):
        piece = ids[start : start + INDEX_SLICE]
        target.execute(
            "INSERT INTO messages_fts(rowid, text)"
            " SELECT id, text FROM messages WHERE id BETWEEN ? AND ?",
            (piece[0], piece[-1]),
        )
        report(COPY_SHARE + (1 - COPY_SHARE) * 0.99 * (start + len(piece)) / len(ids))


def _last_rowid(conn: sqlite3.Connection, table: str) -> int | None:
    try:
        row = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    except (sqlite3.DatabaseError, MemoryError):
        return None  # the rightmost page is damaged: progress is shown without a total
    return int(row[0]) if row and row[0] is not None else None


def _shared_columns(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str
) -> list[str]:
    wanted = careful_read.readable_columns(target, table)
    have = set(careful_read.readable_columns(source, table))
    return [name for name in wanted if name in have]


def _copy_table(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    table: str,
    progress: Callable[[int], None],
) -> int:
    columns = [c for c in _shared_columns(source, target, table) if c not in NOT_COPIED]
    if not columns:
        return 0
    status = columns.index("status") if "status" in columns else None
    insert = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(columns)})"
        f" VALUES ({', '.join('?' * len(columns))})"
    )
    copied = 0
    batch: list[Sequence[object]] = []
    for row in careful_read.rows_by_rowid(source, table, columns, progress):
        values = list(row[1:])
        if status is not None:
            values[status] = STATUS_FIXES.get(values[status], values[status])
        batch.append(values)
        if len(batch) >= careful_read.CHUNK:
            copied += _insert(target, insert, batch)
            batch = []
    return copied + _insert(target, insert, batch)


def _insert(target: sqlite3.Connection, insert: str, rows: Iterable[Sequence[object]]) -> int:
    """Inserts the rows one by one; returns how many went in."""
    added = 0
    for row in rows:
        try:
            added += target.execute(insert, row).rowcount
        except sqlite3.IntegrityError:
            continue  # a damaged row breaking a constraint (a NULL where text must be)
    return added


def _repair_tree(target: sqlite3.Connection) -> None:
    """Messages whose earlier message was lost follow the nearest earlier one that
    came back; every question or answer that has versions keeps one shown."""
    target.execute(
        """UPDATE messages SET parent_id = (
               SELECT max(p.id) FROM messages AS p
               WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id)
           WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM messages)"""
    )
    target.execute(
        """UPDATE messages SET active = 1 WHERE id IN (
               SELECT max(id) FROM messages
               GROUP BY conversation_id, parent_id HAVING max(active) = 0)"""
    )


def _adopt_orphans(target: sqlite3.Connection) -> int:
    """Messages whose conversation row was lost get a conversation of their own."""
    cursor = target.execute(
        """INSERT INTO conversations (id, title, title_is_auto, created, updated)
           SELECT conversation_id, 'Recovered conversation', 0, min(created), max(updated)
           FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)
           GROUP BY conversation_id"""
    )
    return max(cursor.rowcount, 0)


def _copy_attachments(
    source: sqlite3.Connection, target: sqlite3.Connection, message_ids: Sequence[int]
) -> None:
    """The links of recovered questions to their files, and the files' rows (the
    files themselves are beside the history and untouched)."""
    links = _shared_columns(source, target, "message_attachments")
    files = _shared_columns(source, target, "attachments")
    if not links or not files or "message_id" not in links or "hash" not in files:
        return
    wanted = set(message_ids)
    at = links.index("message_id")
    kept = [
        row
        for row in careful_read.whole_table_or_by_key(
            source, "message_attachments", links, "message_id", message_ids
        )
        if row[at] in wanted
    ]
    hash_at = links.index("hash")
    hashes = sorted({row[hash_at] for row in kept})
    file_rows = careful_read.whole_table_or_by_key(source, "attachments", files, "hash", hashes)
    _insert(
        target,
        f"INSERT OR IGNORE INTO attachments ({', '.join(files)})"
        f" VALUES ({', '.join('?' * len(files))})",
        file_rows,
    )
    present = {row[0] for row in target.execute("SELECT hash FROM attachments")}
    _insert(
        target,
        f"INSERT OR IGNORE INTO message_attachments ({', '.join(links)})"
        f" VALUES ({', '.join('?' * len(links))})",
        (row for row in kept if row[hash_at] in present),
    )
