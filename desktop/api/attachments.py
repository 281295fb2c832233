"""Attachments as sent to the model: the value type, and the Responses API content parts.

Images and PDFs become `input_image` / `input_file` parts with base64 data URLs; text
files are inlined into the message text as fenced blocks, which every server accepts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

KINDS = ("image", "file", "text")
IMAGE_DETAILS = ("auto", "low", "high", "original")

# A fence language for the common source and data files, so the model (and the
# Markdown export) sees what it is reading; anything else is a plain fence.
FENCE_LANGUAGES = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
    ".ts": "typescript", ".tsx": "tsx", ".jsx": "jsx", ".json": "json", ".toml": "toml",
    ".yaml": "yaml", ".yml": "yaml", ".md": "markdown", ".rst": "rst", ".html": "html",
    ".htm": "html", ".css": "css", ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp",
    ".hpp": "cpp", ".rs": "rust", ".go": "go", ".java": "java", ".kt": "kotlin",
    ".rb": "ruby", ".php": "php", ".sh": "bash", ".bash": "bash", ".zsh": "zsh",
    ".sql": "sql", ".xml": "xml", ".csv": "csv", ".ini": "ini", ".cfg": "ini",
    ".swift": "swift", ".cs": "csharp", ".lua": "lua", ".r": "r", ".tex": "latex",
}  # fmt: skip
_BACKTICKS = re.compile(r"`{3,}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attached file, ready to send.

    `kind` is "image" (already downscaled and re-encoded), "file" (a PDF) or "text"
    (UTF-8 text, inlined). `detail` applies to images only ("auto" when unset).
    """

    kind: str
    name: str
    mime: str
    data: bytes = field(repr=False)
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"attachment kind must be one of {', '.join(KINDS)}, not {self.kind!r}"
            )
        if self.detail is not None and self.detail not in IMAGE_DETAILS:
            raise ValueError(f"image detail must be one of {', '.join(IMAGE_DETAILS)}")
        if not isinstance(self.data, bytes):
            raise TypeError("attachment data must be bytes")

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        """The content hash the store files it under (identical bytes are kept once)."""
        return hashlib.sha256(self.data).hexdigest()

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    def text(self) -> str:
        """The text of a "text" attachment (undecodable bytes shown as U+FFFD)."""
        return self.data.decode("utf-8", "replace")


def fenced(attachment: Attachment) -> str:
    """A text attachment as a Markdown fenced block headed by its file name.

    The fence is longer than any run of backticks inside, so the file cannot end it.
    """
    body = attachment.text()
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(body)), default=2)
    fence = "`" * max(3, longest + 1)
    language = FENCE_LANGUAGES.get(PurePath(attachment.name).suffix.lower(), "")
    return f"{attachment.name}:\n{fence}{language}\n{body.rstrip(chr(10))}\n{fence}"


def content_part(attachment: Attachment) -> dict[str, Any]:
    """The `input_image` / `input_file` part of an image or PDF attachment."""
    if attachment.kind == "image":
        return {
            "type": "input_image",
            "image_url": attachment.data_url(),
            "detail": attachment.detail or "auto",
        }
    if attachment.kind == "file":
        return {
            "type": "input_file",
            "filename": attachment.name,
            "file_data": attachment.data_url(),
        }
    raise ValueError("text attachments are inlined, not sent as parts")


def user_content(text: str, attachments: Sequence[Attachment]) -> list[dict[str, Any]]:
    """A user message's content parts: the text (with text files inlined) first, then
    each image or PDF in the order the person attached them."""
    blocks = [text] if text else []
    blocks += [fenced(a) for a in attachments if a.kind == "text"]
    parts: list[dict[str, Any]] = []
    if blocks:
        parts.append({"type": "input_text", "text": "\n\n".join(blocks)})
    parts += [content_part(a) for a in attachments if a.kind != "text"]
    return parts
