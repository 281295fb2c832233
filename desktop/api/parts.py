"""Streamed text assembled from its parts, in the order they arrive.

A reply's answer, commentary, reasoning and refusal each come as deltas for parts
keyed by (output_index, part index); this keeps them apart and joins them the way
they are shown.
"""

from __future__ import annotations


class Parts:
    """Text assembled from parts keyed by (output_index, part index), in arrival order.

    `separator` goes before every new part, or with `per_item` only before the first
    part of a new output item (parts of one message continue each other).
    """

    __slots__ = ("leads", "parts", "per_item", "separator")

    def __init__(self, separator: str = "", *, per_item: bool = False) -> None:
        self.parts: dict[tuple[int, int], list[str]] = {}
        self.leads: dict[tuple[int, int], str] = {}
        self.separator = separator
        self.per_item = per_item

    def append(self, key: tuple[int, int], text: str) -> str:
        """Add a delta; return the text to show (a separator first for a new part)."""
        part = self.parts.get(key)
        if part is None:
            lead = ""
            if self.separator and self.parts:
                last = next(reversed(self.parts))
                lead = self.separator if not self.per_item or last[0] != key[0] else ""
            self.parts[key] = [text]
            self.leads[key] = lead
            return lead + text
        part.append(text)
        return text

    def finish(self, key: tuple[int, int], full: str) -> str:
        """A `.done` event's full text wins; return what the deltas had not yet shown."""
        had = "".join(self.parts.get(key, ()))
        if key not in self.parts:
            missing = self.append(key, full)
        else:
            missing = full[len(had) :] if full.startswith(had) else ""
            part = self.parts[key]
            part[:] = [full]  # in place: the accumulator's hot path may hold this list
        return missing

    def offset(self, key: tuple[int, int]) -> int:
        """Where the part `key` starts in `text()` (its end when it is not there yet)."""
        total = 0
        for other, pieces in self.parts.items():
            total += len(self.leads[other])
            if other == key:
                return total
            total += sum(map(len, pieces))
        return total

    def text(self) -> str:
        return "".join(self.leads[k] + "".join(p) for k, p in self.parts.items())

    def reset(self, whole: str) -> None:
        """The whole text is `whole`, as one part (a reply's final object says so)."""
        self.parts = {(0, 0): [whole]}
        self.leads = {(0, 0): ""}
