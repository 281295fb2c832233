"""Attachments of questions: rows in SQLite, bytes in files beside the database.

Files are content-addressed (`attachments/<hash[:2]>/<hash>`, the sha256 of the bytes),
so a picture attached to ten questions, or re-sent with every turn, is stored once.
A file is removed when the last message referring to it is purged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.api.attachments import IMAGE_DETAILS, KINDS, Attachment
from desktop.private import FILE_MODE, private_dir
from desktop.store.db import Database
from desktop.store.errors import ImportFormatError, NotFoundError, StoreError

FOLDER = "attachments"
MESSAGE_GONE = "This message no longer exists; it was deleted meanwhile."

LINKED = """SELECT l.hash, l.name, l.kind, l.detail, a.mime, a.size
    FROM message_attachments AS l JOIN attachments AS a ON a.hash = l.hash
    WHERE l.message_id = ? ORDER BY l.position"""
UNREFERENCED = """DELETE FROM attachments
    WHERE hash NOT IN (SELECT hash FROM message_attachments) RETURNING hash"""


def files_root(db_path: Path) -> Path:
    """The folder of attachment files for the database at `db_path`."""
    return db_path.parent / FOLDER


def file_path(root: Path, digest: str) -> Path:
    return root / digest[:2] / digest


def _write(root: Path, digest: str, data: bytes) -> None:
    path = file_path(root, digest)
    if path.is_file() and path.stat().st_size == len(data):
        return  # same hash and size: the same bytes are already there
    try:
        private_dir(root)
        private_dir(path.parent)
        # Written aside and renamed, so a crash never leaves half a file under the name.
        temp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(temp, flags, FILE_MODE), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise StoreError(
            f"Parley could not save an attached file in {root}; check free space and permissions."
        ) from exc


def _read(root: Path, digest: str, name: str) -> bytes:
    try:
        return file_path(root, digest).read_bytes()
    except OSError as exc:
        raise StoreError(
            f"The attached file “{name}” is missing from {root}; it cannot be shown or sent."
        ) from exc


def link(conn: sqlite3.Connection, root: Path, message_id: int, attachment: Attachment) -> str:
    """Store the bytes (once per content) and append them to the message's attachments.
    Runs inside the caller's write transaction, which also serialises it with purges."""
    digest = attachment.sha256
    conn.execute(
        "INSERT OR IGNORE INTO attachments (hash, mime, name, size, created)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest, attachment.mime, attachment.name, attachment.size, time.time()),
    )
    _write(root, digest, attachment.data)
    position = conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM message_attachments WHERE message_id = ?",
        (message_id,),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO message_attachments (message_id, position, hash, name, kind, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (message_id, position, digest, attachment.name, attachment.kind, attachment.detail),
    )
    return digest


def copy_links(conn: sqlite3.Connection, source_id: int, target_id: int) -> None:
    """Give `target_id` the attachments of `source_id` (an edited question keeps them)."""
    conn.execute(
        "INSERT INTO message_attachments (message_id, position, hash, name, kind, detail)"
        " SELECT ?, position, hash, name, kind, detail FROM message_attachments"
        " WHERE message_id = ?",
        (target_id, source_id),
    )


def linked(conn: sqlite3.Connection, root: Path, message_id: int) -> list[Attachment]:
    return [
        Attachment(row[2], row[1], row[4], _read(root, row[0], row[1]), row[3])
        for row in conn.execute(LINKED, (message_id,)).fetchall()
    ]


def export_links(conn: sqlite3.Connection, root: Path, message_id: int) -> list[dict[str, Any]]:
    """A message's attachments for a JSON export, the bytes as base64."""
    found = []
    for row in conn.execute(LINKED, (message_id,)).fetchall():
        data = _read(root, row[0], row[1])
        found.append(
            {
                "name": row[1],
                "kind": row[2],
                "mime": row[4],
                "detail": row[3],
                "size": row[5],
                "sha256": row[0],
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    return found


def from_export(item: Any) -> Attachment:
    """An exported attachment dict back as an Attachment; ImportFormatError if invalid."""
    bad = ImportFormatError(
        "This file is not a valid Parley conversation: an attachment is damaged."
    )
    if not isinstance(item, Mapping):
        raise bad
    try:
        data = base64.b64decode(str(item["data"]), validate=True)
        detail = item.get("detail")
        attachment = Attachment(
            str(item["kind"]), str(item["name"]), str(item["mime"]), data, detail
        )
    except (KeyError, binascii.Error, ValueError, TypeError) as exc:
        raise bad from exc
    digest = item.get("sha256")
    if digest is not None and digest != hashlib.sha256(data).hexdigest():
        raise bad
    return attachment


def valid_export(item: Any) -> bool:
    """A cheap shape check of an exported attachment (before anything is decoded)."""
    return (
        isinstance(item, Mapping)
        and item.get("kind") in KINDS
        and isinstance(item.get("name"), str)
        and isinstance(item.get("mime"), str)
        and isinstance(item.get("data"), str)
        and item.get("detail") in (None, *IMAGE_DETAILS)
    )


@contextmanager
def purging(db: Database) -> Iterator[sqlite3.Connection]:
    """A write transaction that ends by dropping contents no message refers to any more.

    Their files are moved aside before the commit (while this process holds the write
    lock, so no other window can re-attach the same bytes meanwhile), put back if the
    commit fails, and deleted after it succeeds.
    """
    root = files_root(db.path)
    moved: list[tuple[Path, Path]] = []
    try:
        with db.write() as conn:
            yield conn
            gone = [row[0] for row in conn.execute(UNREFERENCED).fetchall()]
            moved = _set_aside(root, gone)
    except BaseException:
        for original, aside in moved:
            aside.replace(original)
        raise
    for _original, aside in moved:
        aside.unlink(missing_ok=True)


def _set_aside(root: Path, digests: Iterable[str]) -> list[tuple[Path, Path]]:
    moved = []
    for digest in digests:
        path = file_path(root, digest)
        aside = path.with_name(f".{digest}.{os.getpid()}.purged")
        try:
            path.replace(aside)
        except FileNotFoundError:
            continue  # already gone (removed by hand); the row is dropped all the same
        moved.append((path, aside))
    return moved


class AttachmentsMixin:
    _db: Database

    def add_attachment(self, message_id: int, attachment: Attachment) -> str:
        """Attach a file to a question (after those it has); returns its content hash."""
        with self._db.write() as conn:
            _require_question(conn, message_id)
            return link(conn, files_root(self._db.path), message_id, attachment)

    def attachments(self, message_id: int) -> list[Attachment]:
        """A message's attachments in attach order, with their bytes (an empty list
        for messages without any). StoreError if a file went missing."""
        with self._db.read() as conn:
            return linked(conn, files_root(self._db.path), message_id)

    def attachment_counts(self, message_ids: Sequence[int]) -> dict[int, int]:
        """How many attachments each of these messages has (only those with any);
        cheap, for deciding which turns need `attachments()` when showing a conversation."""
        found = self._db.rows_for(
            "SELECT message_id, count(*) FROM message_attachments"
            " WHERE message_id IN ({ids}) GROUP BY message_id",
            message_ids,
        )
        return {row[0]: row[1] for row in found}


def _require_question(conn: sqlite3.Connection, message_id: int) -> None:
    row = conn.execute("SELECT role FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFoundError(MESSAGE_GONE)
    if row[0] != "user":
        raise ValueError("only a question can have attachments")
