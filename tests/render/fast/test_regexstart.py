"""`start_characters` never leaves out a character a match can start with: checked on
hand-picked patterns and on every rule of the lexers models use most."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import get_lexer_by_name

from desktop.render.fast.regexstart import NON_ASCII, start_characters
from tests.render.fast.test_lexer import JUNK, LANGUAGES

CASES = [
    (r"\b(def|class)\b", {"d", "c"}),
    (r"#.*$", {"#"}),
    (r"x*y", {"x", "y"}),
    (r"(?=x)y", {"y"}),
    (r"[0-9]+|0x[a-f]+", set("0123456789")),
    (r"é", {NON_ASCII}),
    (r"(?i)ab", {"a", "A", NON_ASCII}),
    (r"(?i:k)|z", {"k", "K", NON_ASCII, "z"}),
    (r"\d", set("0123456789") | {NON_ASCII}),
    (r"(?>ab)c", {"a"}),
    (r"a++", {"a"}),
]

UNBOUNDED = [
    r".",
    r"[^a]",
    r"\W",
    r"x?",
    r"",
    r"$",
    r"(a)?\1x",
    r"(?i)é",
    r"(?i)[à-ÿ]",
    r"(a)?(?(1)b|c)",
]


@pytest.mark.parametrize(("pattern", "expected"), CASES)
def test_known_starts(pattern: str, expected: set[str]) -> None:
    assert start_characters(re.compile(pattern)) == frozenset(expected)


@pytest.mark.parametrize("pattern", UNBOUNDED)
def test_unbounded_patterns_may_start_anywhere(pattern: str) -> None:
    assert start_characters(re.compile(pattern)) is None


def test_case_folding_across_ascii_is_allowed_for() -> None:
    # The Kelvin sign folds to k: an ignore-case `k` must be tried at non-ASCII text.
    starts = start_characters(re.compile(r"(?i)k"))
    assert starts is not None and NON_ASCII in starts
    assert re.match(r"(?i)k", "\u212a")


def _lexer_patterns() -> list[re.Pattern[str]]:
    patterns: dict[str, re.Pattern[str]] = {}
    for language in LANGUAGES:
        lexer = get_lexer_by_name(language)
        for rules in getattr(lexer, "_tokens", {}).values():
            for match, _action, _state in rules:
                pattern = getattr(match, "__self__", None)
                if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
                    patterns[f"{pattern.pattern}/{pattern.flags}"] = pattern
    return list(patterns.values())


PATTERNS = [(pattern, start_characters(pattern)) for pattern in _lexer_patterns()]


def _allows(starts: frozenset[str] | None, text: str) -> bool:
    if starts is None:
        return True
    if not text:
        return False
    return (text[0] if text[0] < "\x80" else NON_ASCII) in starts


@settings(max_examples=100, deadline=None)
@given(JUNK, st.sampled_from(["", "K", "\u212a", "ſ", "İ", "x", "ß", "€", "٣"]))
def test_no_lexer_rule_matches_where_it_was_ruled_out(junk: str, lead: str) -> None:
    text = lead + junk
    for pattern, starts in PATTERNS:
        for pos in range(len(text) + 1):
            if pattern.match(text, pos) is not None:
                assert _allows(starts, text[pos:]), (pattern.pattern, text[pos:])
