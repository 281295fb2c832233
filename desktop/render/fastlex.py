"""Faster Pygments regex lexing: Pygments tries a state's rules one by one, each with
its own regex call, which for short code blocks is most of highlighting's cost. Here
each state's rules are joined into one alternation, so a single C-level match finds the
first rule that matches (the one Pygments' loop would pick: alternatives are tried in
order at the same position); rules with callbacks get their own match object as before."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from types import MethodType
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

# A rule as Pygments keeps it: (pattern.match, action, new state).
Rule = tuple[Callable[..., Any], Any, Any]
# A run of a state's rules: one pattern and either the index of its single rule or, for
# a joined run, each wrapping group's number mapped to its rule's index.
Segment = tuple[re.Pattern[str], int | dict[int, int]]

# Patterns whose meaning depends on group numbers cannot be joined with others.
_GROUP_REFERENCES = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_LEADING_FLAGS = re.compile(r"^(?:\(\?[imsux]+\))+")
_SCOPED = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}

_tables: dict[type[Lexer], dict[str, list[Segment]]] = {}


def _scoped(pattern: re.Pattern[str]) -> str | None:
    """`pattern` as a group carrying its own flags, or None if it cannot be joined."""
    if pattern.flags & (re.VERBOSE | re.ASCII | re.LOCALE):
        return None
    text = _LEADING_FLAGS.sub("", pattern.pattern)
    if _GROUP_REFERENCES.search(text) or "(?" in text and re.search(r"\(\?[a-zA-Z]*\)", text):
        return None
    on = "".join(letter for flag, letter in _SCOPED.items() if pattern.flags & flag)
    off = "".join(letter for flag, letter in _SCOPED.items() if not pattern.flags & flag)
    return f"(?{on}-{off}:{text})" if on else f"(?-{off}:{text})"


def _segments(rules: list[Rule]) -> list[Segment] | None:
    """A state's rules as runs to try in order, or None if Pygments' loop should run."""
    segments: list[Segment] = []
    run: list[tuple[int, str, int]] = []
    patterns: list[re.Pattern[str]] = []

    def close_run() -> None:
        if len(run) > 1:
            parts = "|".join(f"({text})" for _, text, _ in run)
            try:
                joined = re.compile(parts)
            except re.error:
                # E.g. the same group name in two rules: keep them apart.
                joined = None
            if joined is not None:
                index: dict[int, int] = {}
                group = 1
                for number, _, groups in run:
                    index[group] = number
                    group += 1 + groups
                segments.append((joined, index))
                run.clear()
                return
        for number, _, _ in run:
            segments.append((patterns[number], number))
        run.clear()

    for number, (match, _action, _new_state) in enumerate(rules):
        pattern = getattr(match, "__self__", None)
        if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str):
            return None
        patterns.append(pattern)
        text = _scoped(pattern)
        if text is None:
            close_run()
            segments.append((pattern, number))
        else:
            run.append((number, text, pattern.groups))
    close_run()
    return segments


def _tables_for(cls: type[Lexer], tokendefs: dict[str, list[Rule]]) -> dict[str, list[Segment]]:
    tables = _tables.get(cls)
    if tables is None:
        tables = {}
        for state, rules in tokendefs.items():
            segments = _segments(rules)
            if segments is not None:
                tables[state] = segments
        _tables[cls] = tables
    return tables


def _get_tokens_unprocessed(
    self: RegexLexer, text: str, stack: tuple[str, ...] = ("root",)
) -> Iterator[tuple[int, Any, str]]:
    """Pygments' `RegexLexer.get_tokens_unprocessed`, with one match per token."""
    pos = 0
    tokendefs: dict[str, list[Rule]] = self._tokens
    tables = _tables_for(type(self), tokendefs)
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    table = tables.get(statestack[-1])
    while True:
        m = None
        if table is not None:
            for pattern, where in table:
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
                table = tables.get(statestack[-1])
            continue
        # No rule matched: what Pygments does, a newline resets to root, else an error.
        if pos >= len(text):
            break
        if text[pos] == "\n":
            statestack = ["root"]
            statetokens = tokendefs["root"]
            table = tables.get("root")
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
