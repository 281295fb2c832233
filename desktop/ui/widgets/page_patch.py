"""How the page's block lists change: a patch (start, blocks) replaces the blocks
from `start` on. The view merges the patches it holds back this way, and the render
thread the ones of one pass."""

from __future__ import annotations


def merge_patch(
    earlier: tuple[int, list[str]] | None, start: int, blocks: list[str]
) -> tuple[int, list[str]]:
    """One patch (start, blocks) doing what `earlier` then (start, blocks) do: a later
    patch replaces the blocks from its start on."""
    if earlier is not None and start >= earlier[0]:
        return earlier[0], earlier[1][: start - earlier[0]] + blocks
    return start, blocks
