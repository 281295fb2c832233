"""SQL that reads conversations and messages, and the conversion of rows into
the frozen values of models.py."""

from __future__ import annotations

import sqlite3

from desktop.store.models import Conversation, Message, MessageStatus, MessageUsage, Role

CONVERSATION_COLUMNS = "id, title, title_is_auto, created, updated, pinned, draft, deleted_at"

# `version`/`version_count`: position among siblings (same parent) and their number.
MESSAGE_COLUMNS = """m.id, m.conversation_id, m.parent_id, m.role, m.text, m.status,
    m.created, m.updated, m.reasoning, m.error, m.model, m.response_id, m.sequence_number,
    m.input_tokens, m.cached_tokens, m.output_tokens, m.reasoning_tokens, m.total_tokens,
    CASE WHEN m.renderer_version = :renderer THEN m.rendered_html END AS html,
    (SELECT count(*) FROM messages AS s WHERE s.conversation_id = m.conversation_id
        AND s.parent_id IS m.parent_id AND s.id <= m.id) AS version,
    (SELECT count(*) FROM messages AS s WHERE s.conversation_id = m.conversation_id
        AND s.parent_id IS m.parent_id) AS version_count"""

# The active branch: from the active root, follow the active child at each step.
ACTIVE_PATH = """WITH RECURSIVE path(id, depth) AS (
    SELECT id, 0 FROM messages
        WHERE conversation_id = :conversation AND parent_id IS NULL AND active = 1
    UNION ALL
    SELECT c.id, path.depth + 1 FROM path
        JOIN messages AS c ON c.parent_id = path.id AND c.active = 1
)"""

# The limit is applied to the bare path first, so the per-row version counts
# are computed only for the rows returned.
TAIL = f"""{ACTIVE_PATH}, tail(id, depth) AS (
    SELECT id, depth FROM path ORDER BY depth DESC LIMIT :limit)
SELECT {MESSAGE_COLUMNS} FROM tail JOIN messages AS m ON m.id = tail.id
ORDER BY tail.depth DESC"""

LAST_ON_PATH = f"{ACTIVE_PATH} SELECT id FROM path ORDER BY depth DESC LIMIT 1"

ONE_MESSAGE = f"SELECT {MESSAGE_COLUMNS} FROM messages AS m WHERE m.id = :id"

SIBLINGS = f"""SELECT {MESSAGE_COLUMNS} FROM messages AS m
WHERE m.conversation_id = :conversation AND m.parent_id IS :parent ORDER BY m.id"""


def conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        title_is_auto=bool(row["title_is_auto"]),
        created=row["created"],
        updated=row["updated"],
        pinned=bool(row["pinned"]),
        draft=row["draft"],
        deleted_at=row["deleted_at"],
    )


def usage(row: sqlite3.Row) -> MessageUsage | None:
    counts = MessageUsage(
        input_tokens=row["input_tokens"],
        cached_tokens=row["cached_tokens"],
        output_tokens=row["output_tokens"],
        reasoning_tokens=row["reasoning_tokens"],
        total_tokens=row["total_tokens"],
    )
    return None if counts == MessageUsage() else counts


def message(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        parent_id=row["parent_id"],
        role=Role(row["role"]),
        text=row["text"],
        status=MessageStatus(row["status"]),
        created=row["created"],
        updated=row["updated"],
        version=row["version"],
        version_count=row["version_count"],
        reasoning=row["reasoning"],
        error=row["error"],
        usage=usage(row),
        model=row["model"],
        response_id=row["response_id"],
        sequence_number=row["sequence_number"],
        rendered_html=row["html"],
    )
