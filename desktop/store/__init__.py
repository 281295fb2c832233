"""Conversation history in SQLite (no Qt): open a `Store` on `default_db_path()`."""

from desktop.store.errors import (
    CorruptDatabaseError,
    ImportFormatError,
    NotFoundError,
    StoreError,
)
from desktop.store.models import (
    Conversation,
    Message,
    MessageStatus,
    MessageUsage,
    Role,
    SearchHit,
)
from desktop.store.paths import data_dir, default_db_path
from desktop.store.search import snippet_html
from desktop.store.store import Store

__all__ = [
    "Conversation",
    "CorruptDatabaseError",
    "ImportFormatError",
    "Message",
    "MessageStatus",
    "MessageUsage",
    "NotFoundError",
    "Role",
    "SearchHit",
    "Store",
    "StoreError",
    "data_dir",
    "default_db_path",
    "snippet_html",
]
