"""Full-text search over message text with FTS5. Whatever a person types is
turned into quoted terms, so FTS5 query syntax can never cause an error."""

from __future__ import annotations

import html
import sqlite3

from desktop.store.models import Role, SearchHit

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
ELLIPSIS = "…"
SNIPPET_TOKENS = 16

# Newest first: FTS5 walks its rowids backwards and stops after `limit`
# matches, so even a word found in every message costs a few milliseconds
# (bm25 ranking would have to score every match first).
SEARCH = """SELECT m.conversation_id, f.rowid AS message_id, c.title, m.role, m.created,
    snippet(messages_fts, 0, :start, :end, :ellipsis, :tokens) AS snippet
FROM messages_fts AS f
JOIN messages AS m ON m.id = f.rowid
JOIN conversations AS c ON c.id = m.conversation_id
WHERE messages_fts MATCH :query AND c.deleted_at IS NULL
ORDER BY f.rowid DESC LIMIT :limit"""


def fts_query(text: str) -> str | None:
    """An FTS5 query matching every word of `text`, the last one as a prefix.
    None when `text` holds nothing searchable."""
    # The tokenizer only indexes letters and digits; a term without any would
    # be an empty phrase, so such terms are dropped.
    # Control characters go too: FTS5 would stop reading the query at a NUL.
    cleaned = "".join(" " if ch < " " else ch for ch in text)
    terms = [t for t in cleaned.split() if any(ch.isalnum() for ch in t)]
    if not terms:
        return None
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(conn: sqlite3.Connection, text: str, limit: int) -> list[SearchHit]:
    query = fts_query(text)
    if query is None:
        return []
    params = {
        "query": query,
        "limit": limit,
        "start": HIGHLIGHT_START,
        "end": HIGHLIGHT_END,
        "ellipsis": ELLIPSIS,
        "tokens": SNIPPET_TOKENS,
    }
    return [
        SearchHit(
            conversation_id=row["conversation_id"],
            message_id=row["message_id"],
            conversation_title=row["title"],
            role=Role(row["role"]),
            snippet=row["snippet"],
            created=row["created"],
        )
        for row in conn.execute(SEARCH, params)
    ]


def snippet_html(snippet: str) -> str:
    """Escaped HTML for a snippet, matches wrapped in <mark>; always well nested,
    even if the message itself contained the sentinel characters."""
    out: list[str] = []
    marked = False
    plain: list[str] = []
    for ch in snippet:
        if ch in (HIGHLIGHT_START, HIGHLIGHT_END):
            out.append(html.escape("".join(plain)))
            plain = []
            if (ch == HIGHLIGHT_START) != marked:
                out.append("</mark>" if marked else "<mark>")
                marked = not marked
        else:
            plain.append(ch)
    out.append(html.escape("".join(plain)))
    if marked:
        out.append("</mark>")
    return "".join(out)
