"""Incremental rendering of a streamed answer: finished blocks are sealed and never
re-rendered, so each delta costs only the re-render of the block being written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.render.markdown import Block, render_blocks
from desktop.render.mathsyntax import UNSETTLED_FROM

# What a link reference resolves to, as far as the HTML goes: (href, title), or None.
Target = tuple[str, str] | None


def _target(ref: Any) -> Target:
    return None if ref is None else (str(ref["href"]), str(ref["title"]))


class Definitions(dict[str, Any]):
    """Link reference definitions (markdown-it's `env["references"]`) that note every
    label a link or image looked up and what it found. markdown-it reads definitions
    only through `get`, so a block whose lookups all find the same targets again
    renders the same: that is how `finish()` knows which sealed blocks a definition
    that arrived later can change."""

    def __init__(self, known: dict[str, Any]) -> None:
        super().__init__(known)
        self.looked_up: dict[str, Target] = {}
        # The source lines [start, end) of each definition parsed into it.
        self.spans: list[tuple[int, int]] = []

    def __setitem__(self, label: str, ref: Any) -> None:
        super().__setitem__(label, ref)
        self.spans.append((ref["map"][0], ref["map"][1]))

    def get(self, label: str, default: Any = None) -> Any:
        ref = super().get(label, default)
        self.looked_up[label] = _target(ref)
        return ref


class _Final(dict[str, Any]):
    """The answer's final definitions, for rendering a sealed stretch again in its old
    context: definitions read from that context (the half-written ones after the
    stretch included) are not added."""

    def __setitem__(self, label: str, ref: Any) -> None:
        return


@dataclass(frozen=True)
class _Lookups:
    """A sealed stretch whose links looked labels up: enough to render it again."""

    first_block: int
    size: int
    # The tail it was sealed from (the stretch and what followed it then): rendering
    # that again gives the stretch's blocks exactly as they were read in context.
    context: str
    looked_up: dict[str, Target]


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
    setext underlines and lazy lines belong to the block itself).

    Link reference definitions are the exception: a link can name a definition that
    comes later. Definitions from sealed text are final and kept; each tail render
    starts from them (so a half-written definition is never remembered). A sealed
    stretch whose links looked labels up remembers what they found, and `finish()`
    renders again only the stretches for which a definition now says otherwise.
    """

    def __init__(self) -> None:
        self._sealed_text: list[str] = []
        self._tail = ""
        self._held_cr = False
        self._sealed: list[str] = []
        self._shown_tail: list[str] = []
        # Definitions in the sealed text, and those the last tail render saw.
        self._definitions: dict[str, Any] = {}
        self._tail_definitions = Definitions({})
        self._lookups: list[_Lookups] = []
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
        patch = self._update(final=True)
        # The tail render saw every definition: the sealed ones and the tail's own.
        final = dict(self._tail_definitions)
        first_changed = len(self._sealed)
        for stretch in self._lookups:
            if all(_target(final.get(label)) == seen for label, seen in stretch.looked_up.items()):
                continue
            blocks = render_blocks(stretch.context, {"references": _Final(final)})[: stretch.size]
            self.renders += len(blocks)
            for index, block in enumerate(blocks, start=stretch.first_block):
                if self._sealed[index] != block.html:
                    self._sealed[index] = block.html
                    first_changed = min(first_changed, index)
        self._lookups = []
        if first_changed >= patch.start:
            return patch
        return Patch(first_changed, self._sealed[first_changed:] + self._shown_tail)

    def _render_tail(self, final: bool) -> tuple[list[Block], int | None]:
        """The tail's blocks, and the line from which a formula at its end that the next
        delta may change, read as such, may have shaped them (None if there is none)."""
        definitions = Definitions(self._definitions)
        env: dict[str, Any] = {"references": definitions}
        blocks = render_blocks(self._tail, env, open_tail=not final)
        # A repeated label's definition links nothing but takes up its lines all the same.
        definitions.spans.extend((d["map"][0], d["map"][1]) for d in env.get("duplicate_refs", ()))
        self._tail_definitions = definitions
        self.renders += len(blocks)
        return blocks, env.get(UNSETTLED_FROM)

    def _update(self, final: bool) -> Patch:
        base = len(self._sealed)
        blocks, unsettled_from = self._render_tail(final)
        html = [block.html for block in blocks]
        sealed_now = 0 if final else self._seal(blocks, unsettled_from)
        shown = self._shown_tail
        start = 0
        # The view already shows an unchanged prefix of the tail: skip it.
        while start < len(shown) and start < len(html) and shown[start] == html[start]:
            start += 1
        self._shown_tail = html[sealed_now:]
        return Patch(base + start, html[start:])

    def _seal(self, blocks: list[Block], unsettled_from: int | None) -> int:
        """Seal the safely finished leading blocks of the tail; return how many. Blocks
        that reach line `unsettled_from` stay open: a formula still being written
        there may have cut one short (`text` then `\\[ x` on the next line), which
        runs on if the formula turns out to be text."""
        tail = self._tail
        complete_lines = tail.count("\n")
        keep = 0
        for index in range(len(blocks) - 1, 0, -1):
            line = blocks[index].first_line
            if unsettled_from is not None and blocks[index - 1].end_line >= unsettled_from:
                continue
            if line + 2 <= complete_lines and self._definitions_settled(tail, line):
                keep = index
                break
        if keep == 0:
            return 0
        seal_line = blocks[keep].first_line
        offset = 0
        for _ in range(seal_line):
            offset = tail.index("\n", offset) + 1
        seen = self._tail_definitions
        for label, ref in seen.items():
            if label not in self._definitions and ref["map"][0] < seal_line:
                self._definitions[label] = ref
        if seen.looked_up:
            # Lookups of the whole tail render: a superset of the sealed blocks' own.
            self._lookups.append(_Lookups(len(self._sealed), keep, tail, dict(seen.looked_up)))
        self._sealed.extend(block.html for block in blocks[:keep])
        self._sealed_text.append(tail[:offset])
        self._tail = tail[offset:]
        return keep

    def _definitions_settled(self, tail: str, seal_line: int) -> bool:
        """Whether each definition before `seal_line` has a blank line after it, before
        that line. A definition's title may run on over the following lines up to a
        blank one (`[d]: /x` then `'a` … `b'`), so until a blank line comes, the lines
        after it may still turn out to be part of it rather than blocks of their own."""
        ends = [end for start, end in self._tail_definitions.spans if start < seal_line]
        if not ends:
            return True
        lines = tail.split("\n")
        return all(
            any(not lines[line].strip(" \t") for line in range(end, seal_line)) for end in ends
        )
