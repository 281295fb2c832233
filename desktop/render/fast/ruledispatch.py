"""Choosing markdown-it rules by the character at hand: markdown-it tries each rule of a
chain in order until one matches, and most rules give up unless that character is their
marker. A `Dispatch` keeps, for each marker character, only the rules worth trying, in
markdown-it's order, so the rule that matches is the one markdown-it would pick."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from markdown_it.ruler import Ruler

Rule = TypeVar("Rule", bound=Callable[..., Any])


class Dispatch(Generic[Rule]):
    """One chain's enabled rules, and for each first character the ones to try.

    `first_characters` names the rules that cannot match unless the character at hand is
    one of the given ones; every other rule is tried everywhere. A rule named in
    `never_at` cannot match at those characters (markdown-it's text rule stops at
    every character another rule may want)."""

    def __init__(
        self,
        named: Sequence[tuple[str, Rule]],
        first_characters: Mapping[str, str],
        never_at: Mapping[str, str] | None = None,
    ) -> None:
        never = never_at or {}
        self.generic: list[Rule] = [rule for name, rule in named if name not in first_characters]
        self.by_char: dict[str, list[Rule]] = {}
        for char in set("".join(first_characters.values())):
            self.by_char[char] = [
                rule
                for name, rule in named
                if (name not in first_characters or char in first_characters[name])
                and char not in never.get(name, "")
            ]

    def rules_for(self, char: str) -> Sequence[Rule]:
        """The rules to try, in order, where the text continues with `char`."""
        rules: list[Rule] = self.by_char.get(char, self.generic)
        return rules


def named_rules(ruler: Ruler[Rule], chain: str = "") -> list[tuple[str, Rule]]:
    """The enabled rules of `chain` ("" for the main one) with their names, in order."""
    return [
        (rule.name, rule.fn)
        for rule in ruler.__rules__
        if rule.enabled and (chain == "" or chain in rule.alt)
    ]
