"""Markdown, math and code to safe HTML for the conversation page (no Qt here).

`RENDERER_VERSION` changes whenever the HTML for the same text changes, so cached
renderings keyed on it are rebuilt. The rendering modules (markdown-it, Pygments,
latex2mathml: ~0.2 s to import) load on first use, so the window can show first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.lazy import lazy_getattr

RENDERER_VERSION = 2

if TYPE_CHECKING:
    from desktop.render.markdown import join_blocks, render_markdown
    from desktop.render.stream import Patch, StreamingRenderer, apply_patch
    from desktop.render.styles import stylesheet

_HOMES = {
    "join_blocks": "desktop.render.markdown",
    "render_markdown": "desktop.render.markdown",
    "Patch": "desktop.render.stream",
    "StreamingRenderer": "desktop.render.stream",
    "apply_patch": "desktop.render.stream",
    "stylesheet": "desktop.render.styles",
}


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


__all__ = [
    "RENDERER_VERSION",
    "Patch",
    "StreamingRenderer",
    "apply_patch",
    "join_blocks",
    "render_markdown",
    "stylesheet",
]
