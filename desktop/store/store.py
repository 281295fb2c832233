"""The Store: the one object the GUI thread uses to read and write history.
Every method that writes commits before it returns."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from desktop.private import private_dir, private_file, tighten_tree
from desktop.store import backup, search
from desktop.store.attachments import AttachmentsMixin, files_root
from desktop.store.conversations import ConversationsMixin
from desktop.store.db import Database
from desktop.store.errors import StoreError
from desktop.store.messages import MessagesMixin
from desktop.store.migrations import (
    MIGRATIONS,
    MigrationError,
    has_tables,
    migrate,
    schema_version,
)
from desktop.store.models import Conversation, SearchHit


class Store(ConversationsMixin, MessagesMixin, AttachmentsMixin):
    """Conversation history in one SQLite file (WAL mode).

    Not thread-safe: create and use it on the GUI thread. Other processes may open
    the same file; a write waits for them at most ~100 ms, then fails with a
    StoreError. Attached files are kept in the `attachments` folder beside the file.
    """

    def __init__(self, path: Path) -> None:
        # Readable by its owner only (and what older versions left open is
        # tightened); SQLite gives the -wal and -shm the main file's mode.
        tighten_tree(path.parent)
        private_dir(path.parent)
        private_file(path)
        self._db = Database(path)
        try:
            self._open_schema()
        except BaseException:
            self._db.close()
            raise

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def attachments_dir(self) -> Path:
        return files_root(self._db.path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- start-up -----------------------------------------------------------

    def _open_schema(self) -> None:
        db, conn = self._db, self._db.conn
        backups = backup.existing_backups(db.path)
        db.backup = backups[-1] if backups else None
        with db.translated():
            version = schema_version(conn)
            tables = has_tables(conn)
        latest = len(MIGRATIONS)
        if version > latest:
            raise StoreError(
                f"The history file {db.path} was written by a newer version of Parley; "
                "update Parley to open it."
            )
        if version == 0 and tables:
            raise StoreError(f"The file {db.path} is not a Parley history file.")
        if version < latest:
            if tables:
                db.backup = self._backup_before_upgrade(version)
            self._migrate()
            db.configure()
            return
        db.configure()
        # A start without upgrade proves the last upgrade worked; keep the
        # backups anyway if the file does not pass a quick integrity check.
        if backups and self._quick_check_ok():
            backup.remove_backups(backups)
            db.backup = None

    def _backup_before_upgrade(self, version: int) -> Path:
        try:
            return backup.make_backup(self._db.conn, self._db.path, version)
        except sqlite3.Error as exc:
            raise self._db.error(exc) from exc
        except OSError as exc:
            raise StoreError(
                "Parley could not back up your history before upgrading it, so it left "
                "the history unchanged."
            ) from exc

    def _migrate(self) -> None:
        try:
            migrate(self._db.conn, MIGRATIONS)
        except sqlite3.Error as exc:
            translated = self._db.error(exc)
            if translated is not exc:
                raise translated from exc
            raise self._upgrade_failed() from exc
        except MigrationError as exc:
            raise self._upgrade_failed() from exc

    def _upgrade_failed(self) -> StoreError:
        where = f" A backup is at {self._db.backup}." if self._db.backup else ""
        return StoreError(
            "Your history could not be upgraded for this version of Parley and was "
            f"left unchanged.{where}"
        )

    def _quick_check_ok(self) -> bool:
        with self._db.translated():
            return bool(self._db.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok")

    # -- search and transfer ------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages containing every word typed (the last one as a prefix),
        newest first; diacritics and case are ignored. Any text is safe."""
        with self._db.translated():
            return search.search(self._db.conn, query, limit)

    def export_conversation(self, conversation_id: int) -> dict[str, Any]:
        """A plain dict for the Markdown/HTML/JSON exporters (see transfer.py);
        attachments are included with their bytes as base64."""
        from desktop.store import transfer  # only exports and imports need it

        with self._db.read() as conn:
            return transfer.export_conversation(conn, conversation_id, self.attachments_dir)

    def import_conversation(self, data: dict[str, Any]) -> Conversation:
        """Add an exported conversation (e.g. from export.from_json) as a new one."""
        from desktop.store import transfer

        with self._db.write() as conn:
            conversation_id = transfer.import_conversation(conn, data, self.attachments_dir)
        return self.conversation(conversation_id)
