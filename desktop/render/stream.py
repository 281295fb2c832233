"""Incremental rendering of a streamed answer: finished blocks are sealed and never
re-rendered, so each delta costs only the re-render of the block being written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.common.utils import normalizeReference

from desktop.render.markdown import Block, render_blocks

# Bracketed text that could be a reference link's label (`[foo]`, `[text][foo]`).
_BRACKETED = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]")


def uses_labels(text: str, labels: set[str]) -> bool:
    """Whether `text` has bracketed text naming one of the (normalised) `labels`, so
    that a change to those definitions could change how it renders."""
    return any(normalizeReference(m.group(1)) in labels for m in _BRACKETED.finditer(text))


@dataclass(frozen=True)
class Patch:
    """Replace the view's blocks from index `start` on with `blocks`."""

    start: int
    blocks: list[str] = field(default_factory=list)


def apply_patch(blocks: list[str], patch: Patch) -> list[str]:
    """The view's block list after `patch` (what the conversation view does)."""
    return blocks[: patch.start] + patch.blocks


class StreamingRenderer:
    """Feed it an answer's deltas; each call returns the patch for the view.

    The text is split into a sealed prefix, whose blocks are rendered once, and the
    open tail, re-parsed on every feed. A block is sealed once the block after it has
    started and that block's first two lines are complete: in CommonMark nothing after
    that point can change an earlier block (a table needs its second line to exist;
    setext underlines and lazy lines belong to the block itself). Link reference
    definitions are the exception, so `finish()` re-renders everything if any exist.
    """

    def __init__(self) -> None:
        self._sealed_text: list[str] = []
        self._tail = ""
        self._held_cr = False
        self._sealed: list[str] = []
        # How many sealed blocks each stretch of `_sealed_text` rendered to.
        self._sealed_sizes: list[int] = []
        self._shown_tail: list[str] = []
        self._env: dict[str, object] = {}
        self.renders = 0

    @property
    def sealed_count(self) -> int:
        """How many leading blocks are final."""
        return len(self._sealed)

    @property
    def text(self) -> str:
        """The answer so far (line endings normalised)."""
        return "".join(self._sealed_text) + self._tail

    def feed(self, delta: str) -> Patch:
        """Add `delta` to the answer and return what changed."""
        if self._held_cr:
            delta = "\r" + delta
            self._held_cr = False
        if delta.endswith("\r"):
            # A CRLF split across deltas must not count as two line breaks.
            delta = delta[:-1]
            self._held_cr = True
        if "\r" in delta:
            delta = delta.replace("\r\n", "\n").replace("\r", "\n")
        self._tail += delta
        return self._update(final=False)

    def finish(self) -> Patch:
        """The last patch: after it the view holds exactly `render_markdown(text)`."""
        if self._held_cr:
            self._tail += "\n"
            self._held_cr = False
        if self._env.get("references"):
            return self._finish_with_references()
        return self._update(final=True)

    def _finish_with_references(self) -> Patch:
        """The last patch when the answer defines link references: render the whole
        text once more. A definition can change how earlier blocks read (and a block
        sealed while display math was still open may read differently in the end),
        so only a full pass is sure to equal `render_markdown`. Rare in answers."""
        env: dict[str, object] = {}
        text = "".join([*self._sealed_text, self._tail])
        old = self._sealed + self._shown_tail
        new = [block.html for block in render_blocks(text, env)]
        self.renders += len(new)
        self._sealed, self._shown_tail = new, []
        self._sealed_text, self._sealed_sizes, self._tail = [text], [len(new)], ""
        self._env = env
        start = 0
        while start < len(old) and start < len(new) and old[start] == new[start]:
            start += 1
        return Patch(start, new[start:])

    def _render_tail(self) -> list[Block]:
        blocks = render_blocks(self._tail, self._env)
        self.renders += len(blocks)
        return blocks

    def _update(self, final: bool) -> Patch:
        base = len(self._sealed)
        blocks = self._render_tail()
        html = [block.html for block in blocks]
        sealed_now = 0 if final else self._seal(blocks)
        shown = self._shown_tail
        start = 0
        # The view already shows an unchanged prefix of the tail: skip it.
        while start < len(shown) and start < len(html) and shown[start] == html[start]:
            start += 1
        self._shown_tail = html[sealed_now:]
        return Patch(base + start, html[start:])

    def _seal(self, blocks: list[Block]) -> int:
        """Seal the safely finished leading blocks of the tail; return how many."""
        tail = self._tail
        complete_lines = tail.count("\n")
        keep = 0
        for index in range(len(blocks) - 1, 0, -1):
            if blocks[index].first_line + 2 <= complete_lines:
                keep = index
                break
        if keep == 0:
            return 0
        offset = 0
        for _ in range(blocks[keep].first_line):
            offset = tail.index("\n", offset) + 1
        self._sealed.extend(block.html for block in blocks[:keep])
        self._sealed_sizes.append(keep)
        self._sealed_text.append(tail[:offset])
        self._tail = tail[offset:]
        return keep
