"""Which characters can a regex's match start with? Pygments lexers try a state's rules
in order at each position; knowing that a rule can only match at, say, `d` or `#` lets
the lexer skip it everywhere else (lexer.py). The answer is read from the regex's
parse tree and errs only on the safe side: "anything" whenever unsure.

An answer is a set of ASCII characters, plus NON_ASCII standing for every character
beyond ASCII (never told apart: case folding and Unicode classes make that costly to get
right), or None for "any character, or the empty string"."""

from __future__ import annotations

import re
import string

# The standard library's regex parser: private, but the only source of this structure.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

NON_ASCII = ""
Start = frozenset[str] | None

_ASCII = [chr(code) for code in range(128)]
_CATEGORIES = {
    sre.CATEGORY_DIGIT: frozenset(string.digits),
    sre.CATEGORY_WORD: frozenset(string.ascii_letters + string.digits + "_"),
    sre.CATEGORY_SPACE: frozenset(c for c in _ASCII if re.match(r"\s", c)),
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


class _Unknown(Exception):
    """Met something whose first character cannot be bounded: the answer is None."""


def start_characters(pattern: re.Pattern[str]) -> Start:
    """The characters a match of `pattern` can start with, or None if unbounded."""
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        chars, nullable = _sequence(tree, bool(tree.state.flags & re.IGNORECASE))
    except (_Unknown, re.error, RecursionError):
        # RecursionError: a pathologically nested pattern; just try it everywhere.
        return None
    return None if nullable else frozenset(chars)


def _sequence(items: Any, ignore_case: bool) -> tuple[set[str], bool]:
    """First characters of a sequence of items, and whether it can match empty."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _item(op, av, ignore_case)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _item(op: Any, av: Any, ignore_case: bool) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return _literal(chr(av), ignore_case), False
    if op is sre.IN:
        return _char_class(av, ignore_case), False
    if op is sre.BRANCH:
        chars: set[str] = set()
        nullable = False
        for branch in av[1]:
            first, empty = _sequence(branch, ignore_case)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, items = av
        if add_flags & re.IGNORECASE:
            ignore_case = True
        if del_flags & re.IGNORECASE:
            ignore_case = False
        return _sequence(items, ignore_case)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(av, ignore_case)
    if op in _REPEATS:
        low, _high, items = av
        first, nullable = _sequence(items, ignore_case)
        return first, nullable or low == 0
    if op in _ZERO_WIDTH:
        # Anchors and lookarounds consume nothing; what follows them starts the match
        # (ignoring a lookahead only lets more characters through, which is safe).
        return set(), True
    # ANY, NOT_LITERAL, group references, conditionals, anything new: unbounded.
    raise _Unknown


def _literal(char: str, ignore_case: bool) -> set[str]:
    if char > "\x7f":
        if ignore_case:
            # A non-ASCII letter can fold to an ASCII one (the Kelvin sign to `k`).
            raise _Unknown
        return {NON_ASCII}
    if ignore_case and char.isalpha():
        # An ASCII letter can also match non-ASCII ones under case folding (`ſ`, `K`).
        return {char.lower(), char.upper(), NON_ASCII}
    return {char}


def _char_class(items: Any, ignore_case: bool) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars |= _literal(chr(av), ignore_case)
        elif op is sre.RANGE:
            low, high = av
            if high > 0x7F:
                if ignore_case:
                    raise _Unknown
                chars.add(NON_ASCII)
            for code in range(low, min(high, 0x7F) + 1):
                chars |= _literal(chr(code), ignore_case)
        elif op is sre.CATEGORY and av in _CATEGORIES:
            # Unicode digits, letters and spaces lie beyond ASCII too.
            chars |= _CATEGORIES[av] | {NON_ASCII}
        else:
            # NEGATE and the negated categories: almost anything.
            raise _Unknown
    return chars
