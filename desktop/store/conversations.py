"""Conversation-level operations of the Store: create, list, rename, pin,
soft delete with undo, purge, drafts and per-conversation settings."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

from desktop.store import rows
from desktop.store.attachments import purging
from desktop.store.db import Database
from desktop.store.errors import NotFoundError
from desktop.store.models import Conversation

GONE = "This conversation no longer exists; it was deleted meanwhile."


def require_conversation(conn: sqlite3.Connection, conversation_id: int) -> None:
    row = conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,))
    if row.fetchone() is None:
        raise NotFoundError(GONE)


def touch(conn: sqlite3.Connection, conversation_id: int, now: float) -> None:
    """Move the conversation to the top of the list (newest activity first)."""
    conn.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))


class ConversationsMixin:
    _db: Database

    def create_conversation(
        self, title: str = "", settings: Mapping[str, Any] | None = None
    ) -> Conversation:
        """A new empty conversation; without a title it is marked for auto-titling."""
        now = time.time()
        with self._db.write() as conn:
            cur = conn.execute(
                "INSERT INTO conversations (title, title_is_auto, created, updated, settings_json)"
                " VALUES (?, ?, ?, ?, ?)",
                (title, int(not title), now, now, json.dumps(dict(settings or {}))),
            )
            conversation_id = cur.lastrowid
        assert conversation_id is not None
        return self.conversation(conversation_id)

    def conversation(self, conversation_id: int) -> Conversation:
        with self._db.translated():
            row = self._db.conn.execute(
                f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(GONE)
        return rows.conversation(row)

    def list_conversations(self, limit: int = 50, offset: int = 0) -> list[Conversation]:
        """Conversations not deleted: pinned first, then most recently updated."""
        with self._db.translated():
            found = self._db.conn.execute(
                f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversations"
                " WHERE deleted_at IS NULL"
                " ORDER BY pinned DESC, updated DESC, id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [rows.conversation(row) for row in found]

    def count_conversations(self) -> int:
        with self._db.translated():
            row = self._db.conn.execute(
                "SELECT count(*) FROM conversations WHERE deleted_at IS NULL"
            ).fetchone()
        return int(row[0])

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        """A title chosen by the person; automatic titles never replace it."""
        self._update(
            conversation_id, "UPDATE conversations SET title = ?, title_is_auto = 0", title
        )

    def set_auto_title(self, conversation_id: int, title: str) -> bool:
        """Set a generated title unless the person renamed it; True if applied."""
        with self._db.write() as conn:
            require_conversation(conn, conversation_id)
            cur = conn.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND title_is_auto = 1",
                (title, conversation_id),
            )
        return cur.rowcount == 1

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._update(conversation_id, "UPDATE conversations SET pinned = ?", int(pinned))

    def delete_conversation(self, conversation_id: int) -> None:
        """Soft delete: hidden from lists and search until undeleted or purged."""
        self._update(conversation_id, "UPDATE conversations SET deleted_at = ?", time.time())

    def undelete_conversation(self, conversation_id: int) -> None:
        self._update(conversation_id, "UPDATE conversations SET deleted_at = ?", None)

    def purge_conversation(self, conversation_id: int) -> None:
        """Delete for good, with all its messages (ON DELETE CASCADE) and the attachment
        files no other message refers to."""
        with purging(self._db) as conn:
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def purge_deleted(self, deleted_before: float | None = None) -> int:
        """Purge soft-deleted conversations (those deleted before a time, if given)."""
        limit = time.time() if deleted_before is None else deleted_before
        with purging(self._db) as conn:
            cur = conn.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (limit,),
            )
        return cur.rowcount

    def save_draft(self, conversation_id: int, text: str) -> None:
        """The unsent composer text; saving it does not reorder the list."""
        self._update(conversation_id, "UPDATE conversations SET draft = ?", text)

    def draft(self, conversation_id: int) -> str:
        return self.conversation(conversation_id).draft

    def conversation_settings(self, conversation_id: int) -> dict[str, Any]:
        """Per-conversation overrides of the global settings (model, effort, ...)."""
        with self._db.translated():
            row = self._db.conn.execute(
                "SELECT settings_json FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(GONE)
        value = json.loads(row[0])
        return value if isinstance(value, dict) else {}

    def set_conversation_settings(self, conversation_id: int, settings: Mapping[str, Any]) -> None:
        """Replace the overrides; the mapping must be JSON-serialisable."""
        text = json.dumps(dict(settings), ensure_ascii=False)
        self._update(conversation_id, "UPDATE conversations SET settings_json = ?", text)

    def _update(self, conversation_id: int, statement: str, value: object) -> None:
        # `statement` is always one of the constant strings above, never user input.
        with self._db.write() as conn:
            cur = conn.execute(f"{statement} WHERE id = ?", (value, conversation_id))
            if cur.rowcount == 0:
                raise NotFoundError(GONE)
