"""What the conversation page was given, so that requests from it can be checked.

The page shows model text; its own controls act only on what Parley made, and
Python refuses any request naming a turn, version or attachment it never showed
(a page that misbehaved could otherwise copy, switch or open something else)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ShownTurn:
    role: str
    versions: int = 1
    attachments: int = 0


class ShownTurns:
    """The turns on the page by id, kept in step with the calls that change them."""

    def __init__(self) -> None:
        self._turns: dict[str, ShownTurn] = {}

    def clear(self) -> None:
        self._turns.clear()

    def add(self, turns: Iterable[Mapping[str, Any]]) -> None:
        for turn in turns:
            tid = str(turn["id"])
            old = self._turns.get(tid)
            versions = turn.get("versions")
            self._turns[tid] = ShownTurn(
                role=str(turn.get("role", "")),
                versions=versions if isinstance(versions, int) else 1,
                attachments=old.attachments if old is not None else 0,
            )

    def set_attachments(self, tid: str, count: int) -> None:
        turn = self._turns.get(tid)
        if turn is not None:
            self._turns[tid] = ShownTurn(turn.role, turn.versions, count)

    def remove(self, tid: str) -> None:
        self._turns.pop(tid, None)

    def is_answer(self, tid: str) -> bool:
        turn = self._turns.get(tid)
        return turn is not None and turn.role == "assistant"

    def has_versions(self, tid: str, step: int) -> bool:
        turn = self._turns.get(tid)
        return turn is not None and turn.versions > 1 and step in (-1, 1)

    def has_attachment(self, tid: str, index: int) -> bool:
        turn = self._turns.get(tid)
        return turn is not None and 0 <= index < turn.attachments
