"""Markdown, math and code to safe HTML for the conversation page (no Qt here).

`RENDERER_VERSION` changes whenever the HTML for the same text changes, so cached
renderings keyed on it are rebuilt."""

from desktop.render.markdown import join_blocks, render_markdown
from desktop.render.stream import Patch, StreamingRenderer, apply_patch
from desktop.render.styles import stylesheet

RENDERER_VERSION = 1

__all__ = [
    "RENDERER_VERSION",
    "Patch",
    "StreamingRenderer",
    "apply_patch",
    "join_blocks",
    "render_markdown",
    "stylesheet",
]
