"""Conversation files a person can keep or share: Markdown, a standalone HTML page
that opens offline in any browser, and Parley's JSON (which can be imported back).

No Qt here. Input is the dict of `Store.export_conversation`; the JSON side
delegates to `desktop.store.export`, which removes secrets.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from desktop.api.tools import ANNOTATION_KINDS
from desktop.render import render_markdown, stylesheet
from desktop.resources import resource
from desktop.store.export import STATUS_NOTES, from_json, to_json, to_markdown, transcript

FORMATS = {"markdown": ".md", "html": ".html", "json": ".json"}

# No script-src at all, so nothing in the file can ever run script; styles are
# inline and nothing is loaded from anywhere, not even the file's own folder.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# The page's own stylesheet assumes the JavaScript-built layout; a file has no
# script, so the header and the turn spacing are given here.
EXTRA_CSS = """
header.export { margin: 0 0 1.6rem; border-bottom: 1px solid var(--border); }
header.export h1 { margin: 0 0 0.3rem; }
header.export .meta { color: var(--muted); font-size: 0.85em; margin: 0 0 0.8rem; }
.user-column .attachments { display: flex; flex-wrap: wrap; gap: 0.4rem; justify-content: flex-end;
  margin-bottom: 0.4rem; }
img.attached { max-width: 18rem; max-height: 14rem; border-radius: 10px;
  border: 1px solid var(--border); }
.attached-file { border: 1px solid var(--border); border-radius: 8px; padding: 0.2rem 0.6rem;
  font-size: 0.85em; color: var(--muted); }
nav.sources { margin-top: 0.6rem; font-size: 0.88em; color: var(--muted); }
nav.sources h4 { margin: 0 0 0.2rem; font-size: 0.9em; }
nav.sources ol { list-style: none; padding-left: 0; margin: 0; }
nav.sources .source-kind { font-size: 0.78em; font-weight: 600; color: var(--accent);
  background: var(--accent-soft); border-radius: 5px; padding: 0.05rem 0.35rem; }
.commentary { margin: 0 0 0.35rem; font-size: 0.9em; color: var(--muted); font-style: italic;
  white-space: pre-line; }
.turn.system .bubble { color: var(--muted); font-style: italic; white-space: pre-wrap; }
details.reasoning { display: block; }
"""


def export_markdown(conv: dict[str, Any]) -> str:
    """The active branch as Markdown (headings per turn, answers as written)."""
    return to_markdown(conv)


def export_json(conv: dict[str, Any]) -> str:
    """Parley's versioned JSON: every version of every message, secrets removed."""
    return to_json(conv)


def import_json(text: str) -> dict[str, Any]:
    """The dict for `Store.import_conversation`; raises ImportFormatError with a
    sentence for the person when `text` is not an export Parley can read."""
    return from_json(text)


def export_html(conv: dict[str, Any], dark: bool = False) -> str:
    """A standalone HTML document of the active branch: CSS inline, answers
    rendered (code highlighted, math as MathML), no script and nothing remote."""
    title = conv["conversation"].get("title") or "Untitled conversation"
    updated = conv["conversation"].get("updated")
    meta = "Exported from Parley"
    if isinstance(updated, int | float):
        meta += f" · last updated {datetime.fromtimestamp(updated):%Y-%m-%d %H:%M}"
    css = "\n".join(
        [
            resource("page", "conversation.css").read_text(encoding="utf-8"),
            stylesheet(dark),
            EXTRA_CSS,
        ]
    )
    turns = "\n".join(_turn_html(msg) for msg in transcript(conv))
    theme = "dark" if dark else "light"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Parley">
<title>{html.escape(title)}</title>
<style>
{_style_safe(css)}
</style>
</head>
<body class="{theme}">
<main id="conversation" aria-label="Conversation">
<header class="export"><h1>{html.escape(title)}</h1><p class="meta">{html.escape(meta)}</p></header>
{turns}
</main>
</body>
</html>
"""


def _attachments_html(items: list[Any]) -> str:
    """Attached images inline (data: URLs are allowed by the file's policy), and
    other files as labelled chips."""
    shown = []
    for item in items:
        if not isinstance(item, dict):
            continue
        name = html.escape(str(item.get("name") or "attachment"))
        mime = str(item.get("mime") or "")
        data = str(item.get("data") or "")
        if item.get("kind") == "image" and mime.startswith("image/") and data.isascii():
            shown.append(
                f'<img class="attached" alt="{name}" title="{name}" '
                f'src="data:{html.escape(mime)};base64,{html.escape(data)}">'
            )
        else:
            size = item.get("size")
            label = f"{name} · {int(size) // 1024 + 1} KB" if isinstance(size, int) else name
            shown.append(f'<span class="attached-file">{label}</span>')
    return f'<div class="attachments">{"".join(shown)}</div>' if shown else ""


def _sources_html(response: Any) -> str:
    """The numbered sources an answer cited, as plain links; cited files by name with
    a chip saying which kind of file."""
    citations = response.get("citations") if isinstance(response, dict) else None
    if not isinstance(citations, list) or not citations:
        return ""
    rows = []
    for number, item in enumerate(citations, start=1):
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        title = html.escape(str(item.get("title") or url or item.get("file_id") or ""))
        index = item.get("index") if isinstance(item.get("index"), int) else number
        kind = str(item.get("kind") or "url_citation")
        if url.startswith(("https://", "http://")):
            rows.append(f'<li>[{index}] <a href="{html.escape(url)}">{title}</a></li>')
        elif kind in ANNOTATION_KINDS and kind != "url_citation":
            label = html.escape(ANNOTATION_KINDS[kind].capitalize())
            file_id = html.escape(str(item.get("file_id") or ""))
            rows.append(
                f'<li>[{index}] <span class="source-kind" title="{file_id}">{label}</span> '
                f"{title}</li>"
            )
        else:
            rows.append(f"<li>[{index}] {title}</li>")
    return '<nav class="sources"><h4>Sources</h4><ol>' + "".join(rows) + "</ol></nav>"


def _turn_html(msg: dict[str, Any]) -> str:
    role = str(msg.get("role", ""))
    text = str(msg.get("text") or "")
    if role == "user":
        return (
            '<section class="turn user" aria-label="Question"><div class="user-column">'
            f"{_attachments_html(msg.get('attachments') or [])}"
            f'<div class="bubble">{html.escape(text)}</div></div></section>'
        )
    if role != "assistant":
        return (
            f'<section class="turn system" aria-label="{html.escape(role.title())}">'
            f'<div class="bubble">{html.escape(text)}</div></section>'
        )
    parts = ['<section class="turn assistant" aria-label="Answer">']
    model = msg.get("model")
    model_html = f'<span class="model">{html.escape(str(model))}</span>' if model else ""
    parts.append(
        f'<div class="who"><span class="dot"></span><span class="name">Assistant</span>'
        f"{model_html}</div>"
    )
    if msg.get("reasoning"):
        parts.append(
            '<details class="reasoning"><summary>Reasoning summary</summary>'
            f'<div class="reasoning-body">{render_markdown(str(msg["reasoning"]))}</div>'
            "</details>"
        )
    response = msg.get("response")
    if not isinstance(response, dict):
        response = {}
    commentary = response.get("commentary")
    if isinstance(commentary, str) and commentary.strip():
        parts.append(f'<div class="commentary">{html.escape(commentary)}</div>')
    body = render_markdown(text) if text else ""
    parts.append(f'<div class="answer"><div class="b">{body}</div></div>')
    parts.append(_sources_html(msg.get("response")))
    note = STATUS_NOTES.get(str(msg.get("status", "complete")))
    if note:
        error = f": {msg['error']}" if msg.get("error") else ""
        kind = "error" if msg.get("status") == "failed" else "warn"
        sentence = note[0].upper() + note[1:] + error
        parts.append(f'<div class="notice {kind}">{html.escape(sentence)}</div>')
    parts.append("</section>")
    return "".join(parts)


def _style_safe(css: str) -> str:
    """CSS cannot close its <style> element early (our files never do, but be sure)."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def suggested_filename(title: str, fmt: str) -> str:
    """A file name for an export: the title without characters that file
    systems or shells dislike, shortened, with the format's extension."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    stem = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", " ", title)
    stem = " ".join(stem.split()).strip(" .")[:80].rstrip(" .")
    return (stem or "conversation") + FORMATS[fmt]
