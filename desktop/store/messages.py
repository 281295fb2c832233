"""Message operations of the Store: the active branch, streaming answers,
versions (regenerate, edit a question) and the rendered-HTML cache.

Messages form a tree by `parent_id`; siblings are versions of one another and
exactly one sibling is `active`. The conversation shown is the path that
starts at the active root and follows the active child at every step, so
switching back to an older version also restores the answers below it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from desktop.api.attachments import Attachment
from desktop.store import attachments as files
from desktop.store import blobs, rows
from desktop.store.conversations import require_conversation, touch
from desktop.store.db import Database
from desktop.store.errors import NotFoundError
from desktop.store.models import Message, MessageStatus, MessageUsage, Role

RendererVersion = str | int | None
MESSAGE_GONE = "This message no longer exists; it was deleted meanwhile."
FINAL_STATUSES = frozenset(MessageStatus) - {MessageStatus.STREAMING}


def _renderer(version: RendererVersion) -> str | None:
    return None if version is None else str(version)


def _activate(conn: sqlite3.Connection, message_id: int) -> None:
    """Make `message_id` the one active version among its siblings."""
    row = conn.execute(
        "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(MESSAGE_GONE)
    conn.execute(
        "UPDATE messages SET active = (id = ?) WHERE conversation_id = ? AND parent_id IS ?",
        (message_id, row["conversation_id"], row["parent_id"]),
    )


def _insert(
    conn: sqlite3.Connection,
    conversation_id: int,
    parent_id: int | None,
    role: Role,
    text: str,
    status: MessageStatus,
    **extra: Any,
) -> int:
    now = time.time()
    columns = ["conversation_id", "parent_id", "role", "text", "status", "created", "updated"]
    values: list[Any] = [conversation_id, parent_id, str(role), text, str(status), now, now]
    for name, value in extra.items():  # names come from this module, never from input
        columns.append(name)
        values.append(value)
    cur = conn.execute(
        f"INSERT INTO messages ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})",
        values,
    )
    message_id = cur.lastrowid
    assert message_id is not None
    _activate(conn, message_id)
    touch(conn, conversation_id, now)
    return message_id


class MessagesMixin:
    _db: Database

    # -- reading ------------------------------------------------------------

    def messages(
        self, conversation_id: int, renderer_version: RendererVersion = None
    ) -> list[Message]:
        """The active branch in order. `rendered_html` is filled where the cache
        was written by `renderer_version`."""
        return self.tail(conversation_id, -1, renderer_version)

    def tail(
        self, conversation_id: int, limit: int, renderer_version: RendererVersion = None
    ) -> list[Message]:
        """The last `limit` messages of the active branch in order (-1: all)."""
        params = {
            "conversation": conversation_id,
            "limit": limit,
            "renderer": _renderer(renderer_version),
        }
        with self._db.translated():
            found = self._db.conn.execute(rows.TAIL, params).fetchall()
        return [rows.message(row) for row in reversed(found)]

    def message(self, message_id: int, renderer_version: RendererVersion = None) -> Message:
        with self._db.translated():
            row = self._db.conn.execute(
                rows.ONE_MESSAGE, {"id": message_id, "renderer": _renderer(renderer_version)}
            ).fetchone()
        if row is None:
            raise NotFoundError(MESSAGE_GONE)
        return rows.message(row)

    def response_data(self, message_id: int) -> Any:
        """What was saved of the answer's response (sources, tool calls), or None."""
        with self._db.translated():
            row = self._db.conn.execute(
                "SELECT response_json FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(MESSAGE_GONE)
        return blobs.load(row[0])

    def responses_data(self, message_ids: Sequence[int]) -> dict[int, Any]:
        """`response_data` of many answers in one query: only those with any data."""
        found = self._db.rows_for(
            "SELECT id, response_json FROM messages"
            " WHERE id IN ({ids}) AND response_json IS NOT NULL",
            message_ids,
        )
        return {row[0]: blobs.load(row[1]) for row in found}

    def versions(self, message_id: int) -> list[Message]:
        """All versions of a message (itself and its siblings), oldest first."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(MESSAGE_GONE)
            found = conn.execute(
                rows.SIBLINGS,
                {"conversation": row[0], "parent": row[1], "renderer": None},
            ).fetchall()
        return [rows.message(r) for r in found]

    # -- writing ------------------------------------------------------------

    def add_user_message(
        self, conversation_id: int, text: str, attachments: Sequence[Attachment] = ()
    ) -> Message:
        """Append a question (with its attached files) at the end of the active branch."""
        with self._db.write() as conn:
            require_conversation(conn, conversation_id)
            last = conn.execute(rows.LAST_ON_PATH, {"conversation": conversation_id}).fetchone()
            message_id = _insert(
                conn,
                conversation_id,
                None if last is None else last[0],
                Role.USER,
                text,
                MessageStatus.COMPLETE,
            )
            root = files.files_root(self._db.path)
            for attachment in attachments:
                files.link(conn, root, message_id, attachment)
        return self.message(message_id)

    def start_assistant_message(
        self, question_id: int, model: str | None = None, request: Any = None
    ) -> Message:
        """A new, empty, streaming answer to `question_id`. If the question has
        answers already, this is a regenerated version and becomes the active one.
        `request` is the exact request body (secrets are scrubbed)."""
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (question_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(MESSAGE_GONE)
            message_id = _insert(
                conn,
                row[0],
                question_id,
                Role.ASSISTANT,
                "",
                MessageStatus.STREAMING,
                model=model,
                request_json=blobs.dump(request),
            )
        return self.message(message_id)

    def update_streaming(
        self,
        message_id: int,
        text: str,
        reasoning: str = "",
        *,
        response_id: str | None = None,
        sequence: int | None = None,
    ) -> bool:
        """Save the answer so far (cheap; call at most about once a second). For an
        answer kept running on the server, `response_id` and `sequence` (the last event
        `text` includes) are saved with it, in the same write, so a resume after a crash
        continues exactly where the text ends. False if it is no longer streaming."""
        with self._db.write() as conn:
            cur = conn.execute(
                # 'interrupted' too: a second Parley starting up may have run
                # recover_interrupted() while this one was still streaming, and a
                # resumed answer streams again.
                "UPDATE messages SET text = ?, reasoning = ?, updated = ?, rendered_html = NULL,"
                " status = 'streaming', response_id = coalesce(?, response_id),"
                " sequence_number = coalesce(?, sequence_number)"
                " WHERE id = ? AND status IN ('streaming', 'interrupted')",
                (text, reasoning, time.time(), response_id, sequence, message_id),
            )
        return cur.rowcount == 1

    def finish_message(
        self,
        message_id: int,
        status: MessageStatus,
        *,
        text: str | None = None,
        reasoning: str | None = None,
        usage: MessageUsage | None = None,
        model: str | None = None,
        response_id: str | None = None,
        error: str | None = None,
        response: Any = None,
        rendered: tuple[str | int, str] | None = None,
    ) -> None:
        """End a streaming answer with its final status and data. Arguments left
        as None keep what is stored (e.g. the text saved while streaming).
        `rendered` is (renderer version, HTML) of the final text when the caller has
        it already (a streamed answer's blocks), so opening the conversation later
        renders nothing."""
        status = MessageStatus(status)
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final status: {status}")
        u = usage or MessageUsage()
        now = time.time()
        with self._db.write() as conn:
            cur = conn.execute(
                """UPDATE messages SET status = ?, updated = ?,
                    text = coalesce(?, text), reasoning = coalesce(?, reasoning),
                    input_tokens = ?, cached_tokens = ?, output_tokens = ?,
                    reasoning_tokens = ?, total_tokens = ?,
                    model = coalesce(?, model), response_id = ?, error = ?,
                    response_json = coalesce(?, response_json),
                    renderer_version = ?, rendered_html = ?
                WHERE id = ? RETURNING conversation_id""",
                (
                    str(status), now, text, reasoning,
                    u.input_tokens, u.cached_tokens, u.output_tokens,
                    u.reasoning_tokens, u.total_tokens,
                    model, response_id, error, blobs.dump(response),
                    str(rendered[0]) if rendered else None, rendered[1] if rendered else None,
                    message_id,
                ),
            )  # fmt: skip
            row = cur.fetchone()
            if row is None:
                raise NotFoundError(MESSAGE_GONE)
            touch(conn, row[0], now)

    def edit_question(
        self, message_id: int, text: str, attachments: Sequence[Attachment] | None = None
    ) -> Message:
        """A new version of a question, placed beside the old one and made active.
        The old question and every answer below it stay reachable as versions.
        `attachments` None keeps the old version's files; a sequence replaces them."""
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT conversation_id, parent_id, role FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(MESSAGE_GONE)
            if row["role"] != Role.USER:
                raise ValueError("only a question can be edited")
            new_id = _insert(conn, row[0], row[1], Role.USER, text, MessageStatus.COMPLETE)
            if attachments is None:
                files.copy_links(conn, message_id, new_id)
            else:
                root = files.files_root(self._db.path)
                for attachment in attachments:
                    files.link(conn, root, new_id, attachment)
        return self.message(new_id)

    def switch_version(self, message_id: int) -> None:
        """Show this version; the branch below it is the one last shown with it."""
        with self._db.write() as conn:
            _activate(conn, message_id)

    def recover_interrupted(self) -> int:
        """Mark answers left `streaming` by a crash as `interrupted` (call at start-up,
        before any answer starts streaming). Returns how many there were."""
        with self._db.write() as conn:
            cur = conn.execute(
                "UPDATE messages SET status = 'interrupted', updated = ?"
                " WHERE status = 'streaming'",
                (time.time(),),
            )
        return cur.rowcount

    def resumable_answers(self) -> list[Message]:
        """Interrupted answers that were kept running on the server and can be resumed
        from their last saved event, oldest first."""
        with self._db.translated():
            found = self._db.conn.execute(
                f"SELECT {rows.MESSAGE_COLUMNS} FROM messages AS m"
                " WHERE m.status = 'interrupted' AND m.response_id IS NOT NULL"
                " AND m.sequence_number IS NOT NULL ORDER BY m.id",
                {"renderer": None},
            ).fetchall()
        return [rows.message(row) for row in found]

    def forget_resume(self, message_id: int) -> None:
        """The server no longer has this answer (expired, or never kept): stop offering
        to resume it; it stays as it is, interrupted, with Retry."""
        with self._db.write() as conn:
            conn.execute("UPDATE messages SET sequence_number = NULL WHERE id = ?", (message_id,))

    # -- rendered HTML cache ------------------------------------------------

    def rendered_html(self, message_id: int, renderer_version: str | int) -> str | None:
        """Cached HTML for the message, or None when missing or made by another renderer."""
        return self.message(message_id, renderer_version).rendered_html

    def set_rendered_html(self, message_id: int, renderer_version: str | int, html: str) -> None:
        with self._db.write() as conn:
            conn.execute(
                "UPDATE messages SET rendered_html = ?, renderer_version = ? WHERE id = ?",
                (html, str(renderer_version), message_id),
            )
