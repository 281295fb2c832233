"""Faster Pygments regex lexing: Pygments tries a state's rules one by one, each with
its own regex call, which for short code blocks is most of highlighting's cost. Here
each state's rules are joined into one alternation, so a single C-level match finds the
first rule that matches (the one Pygments' loop would pick: alternatives are tried in
order at the same position); rules with callbacks get their own match object as before.

Rules that cannot match at the character the lexer stands on are left out (regexstart.py
reads which characters each rule's match can start with), so the C-level match tries a
handful of alternatives instead of dozens; the tables for a state and a character are
built the first time the lexer needs them, keeping a lexer's first use cheap."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from types import MethodType
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

from desktop.render.fast.regexstart import NON_ASCII, start_characters

# A rule as Pygments keeps it: (pattern.match, action, new state).
Rule = tuple[Callable[..., Any], Any, Any]
# A run of a state's rules: one pattern and either the index of its single rule or, for
# a joined run, each wrapping group's number mapped to its rule's index.
Segment = tuple[re.Pattern[str], int | dict[int, int]]

# Patterns whose meaning depends on group numbers cannot be joined with others.
_GROUP_REFERENCES = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_LEADING_FLAGS = re.compile(r"^(?:\(\?[imsux]+\))+")
_SCOPED = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
# Longer patterns (huge Unicode identifier classes) are tried on their own: joined, they
# would be compiled again for every set of rules they appear in.
_JOIN_UP_TO = 1000
# The key for the end of the text, where only rules that can match empty are tried.
_END = "end"

_tables: dict[type[Lexer], _Tables] = {}
_joined: dict[str, re.Pattern[str] | None] = {}


def _scoped(pattern: re.Pattern[str]) -> str | None:
    """`pattern` as a group carrying its own flags, or None if it cannot be joined."""
    if pattern.flags & (re.VERBOSE | re.ASCII | re.LOCALE) or len(pattern.pattern) > _JOIN_UP_TO:
        return None
    text = _LEADING_FLAGS.sub("", pattern.pattern)
    if _GROUP_REFERENCES.search(text) or "(?" in text and re.search(r"\(\?[a-zA-Z]*\)", text):
        return None
    on = "".join(letter for flag, letter in _SCOPED.items() if pattern.flags & flag)
    off = "".join(letter for flag, letter in _SCOPED.items() if not pattern.flags & flag)
    return f"(?{on}-{off}:{text})" if on else f"(?-{off}:{text})"


def _compiled(parts: str) -> re.Pattern[str] | None:
    """The joined pattern, compiled once per process (None if it cannot be)."""
    if parts not in _joined:
        try:
            _joined[parts] = re.compile(parts)
        except re.error:
            # E.g. the same group name in two rules: keep them apart.
            _joined[parts] = None
    return _joined[parts]


class StateTable:
    """One lexer state's rules, and for each character the lexer stands on the runs of
    rules worth trying there (those whose match can start with it), in Pygments' order.
    Tables are built on first use, so states a text never enters cost nothing."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self._patterns = patterns
        self._texts = [_scoped(pattern) for pattern in patterns]
        self._groups = [pattern.groups for pattern in patterns]
        self._starts = [start_characters(pattern) for pattern in patterns]
        self._by_key: dict[str, list[Segment]] = {}
        self.by_char: dict[str, list[Segment]] = {}

    def segments(self, char: str) -> list[Segment]:
        """The runs to try where the text continues with `char` ("" at its end)."""
        key = _END if not char else char if char < "\x80" else NON_ASCII
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self._build(key)
        if char:
            self.by_char[char] = found
        return found

    def _build(self, key: str) -> list[Segment]:
        numbers = [
            number for number, start in enumerate(self._starts) if start is None or key in start
        ]
        segments: list[Segment] = []
        run: list[int] = []

        def close_run() -> None:
            joined = None
            if len(run) > 1:
                joined = _compiled("|".join(f"({self._texts[number]})" for number in run))
            if joined is not None:
                index: dict[int, int] = {}
                group = 1
                for number in run:
                    index[group] = number
                    group += 1 + self._groups[number]
                segments.append((joined, index))
            else:
                segments.extend((self._patterns[number], number) for number in run)
            run.clear()

        for number in numbers:
            if self._texts[number] is None:
                close_run()
                segments.append((self._patterns[number], number))
            else:
                run.append(number)
        close_run()
        return segments


def _state_table(rules: list[Rule]) -> StateTable | None:
    """A state's table, or None if Pygments' own loop should run it (a rule matches by
    something other than a compiled regex)."""
    patterns: list[re.Pattern[str]] = []
    for match, _action, _new_state in rules:
        pattern = getattr(match, "__self__", None)
        if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str):
            return None
        patterns.append(pattern)
    return StateTable(patterns)


class _Tables(dict[str, "StateTable | None"]):
    """A lexer class's state tables, each made when the lexer first enters its state."""

    def __init__(self, tokendefs: dict[str, list[Rule]]) -> None:
        super().__init__()
        self._tokendefs = tokendefs

    def __missing__(self, state: str) -> StateTable | None:
        table = self[state] = _state_table(self._tokendefs[state])
        return table


def _get_tokens_unprocessed(
    self: RegexLexer, text: str, stack: tuple[str, ...] = ("root",)
) -> Iterator[tuple[int, Any, str]]:
    """Pygments' `RegexLexer.get_tokens_unprocessed`, with one match per token."""
    pos = 0
    tokendefs: dict[str, list[Rule]] = self._tokens
    tables = _tables.get(type(self))
    if tables is None:
        tables = _tables[type(self)] = _Tables(tokendefs)
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    table = tables[statestack[-1]]
    while True:
        m = None
        if table is not None:
            char = text[pos : pos + 1]
            segments = table.by_char.get(char)
            if segments is None:
                segments = table.segments(char)
            for pattern, where in segments:
                found = pattern.match(text, pos)
                if found is not None:
                    single = isinstance(where, int)
                    number = where if isinstance(where, int) else where[found.lastindex or 0]
                    rexmatch, action, new_state = statetokens[number]
                    plain = single or action is None or type(action) is _TokenType
                    # A callback reads groups by number: give it its own rule's match.
                    m = found if plain else rexmatch(text, pos)
                    break
        else:
            for rule in statetokens:
                m = rule[0](text, pos)
                if m:
                    rexmatch, action, new_state = rule
                    break
        if m is not None:
            if action is not None:
                if type(action) is _TokenType:
                    yield pos, action, m.group()
                else:
                    yield from action(self, m)
            pos = m.end()
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for state in new_state:
                        if state == "#pop":
                            if len(statestack) > 1:
                                statestack.pop()
                        elif state == "#push":
                            statestack.append(statestack[-1])
                        else:
                            statestack.append(state)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                elif new_state == "#push":
                    statestack.append(statestack[-1])
                else:
                    raise ValueError(f"wrong state def: {new_state!r}")
                statetokens = tokendefs[statestack[-1]]
                table = tables[statestack[-1]]
            continue
        # No rule matched: what Pygments does, a newline resets to root, else an error.
        if pos >= len(text):
            break
        if text[pos] == "\n":
            statestack = ["root"]
            statetokens = tokendefs["root"]
            table = tables["root"]
            yield pos, Whitespace, "\n"
        else:
            yield pos, Error, text[pos]
        pos += 1


def accelerate(lexer: Lexer) -> Lexer:
    """`lexer` with the faster loop, when it uses Pygments' own RegexLexer loop."""
    if type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed:
        # An instance attribute, so this lexer (and `using(this)` callbacks) use it
        # while the class and every other instance stay as Pygments made them.
        lexer.get_tokens_unprocessed = MethodType(_get_tokens_unprocessed, lexer)
    return lexer
