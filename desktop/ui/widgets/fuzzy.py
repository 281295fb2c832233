"""Fuzzy matching for the command palette and the shortcut sheet: a query
matches a text when its letters appear in order; the score favours matches at
word starts and in unbroken runs, so "nc" finds "New Conversation" first."""

from __future__ import annotations

MATCH = 1.0
WORD_START = 8.0  # the letter begins a word ("c" in "New Conversation")
FIRST_LETTER = 4.0  # ... and that word is the first one
RUN = 5.0  # the letter follows the previous match directly
GAP_OPEN = 3.0  # skipping letters between two matches
GAP_EXTEND = 0.3  # ... per letter skipped
LEAD = 0.05  # per letter before the first match
LENGTH = 0.01  # per letter of the text, so shorter texts win ties

_NEG = float("-inf")


def _word_starts(text: str) -> list[bool]:
    starts = []
    for i, char in enumerate(text):
        if i == 0:
            starts.append(char.isalnum())
            continue
        before = text[i - 1]
        camel = before.islower() and char.isupper()
        starts.append(char.isalnum() and (not before.isalnum() or camel))
    return starts


def fuzzy_score(query: str, text: str) -> float | None:
    """How well `query` matches `text` (higher is better), or None if it does
    not. Case is ignored and so are spaces in the query; an empty query
    matches everything with 0.0."""
    needle = "".join(query.split()).casefold()
    if not needle:
        return 0.0
    hay = text.casefold()
    if len(hay) != len(text):
        # casefold() changed the length ("ß" -> "ss"); lower() keeps positions.
        hay = text.lower()
    n = len(hay)
    if len(needle) > n:
        return None
    starts = _word_starts(text)
    bonus = [
        MATCH + (WORD_START if starts[j] else 0.0) + (FIRST_LETTER if starts[j] and j == 0 else 0.0)
        for j in range(n)
    ]
    # row[j]: best score with the current query letter matched at text[j];
    # carry[j]: the bonus each further letter of that run earns — a run that
    # began at a word start keeps earning WORD_START ("Set" in "Settings").
    row = [bonus[j] - LEAD * j if hay[j] == needle[0] else _NEG for j in range(n)]
    run_start = [max(RUN, WORD_START if starts[j] else 0.0) for j in range(n)]
    carry = run_start
    for letter in needle[1:]:
        new = [_NEG] * n
        new_carry = [RUN] * n
        # best over k <= j-2 of row[k] + GAP_EXTEND*k, for a gap ending before j.
        best_gap = _NEG
        for j in range(1, n):
            if j >= 2 and row[j - 2] > _NEG:
                best_gap = max(best_gap, row[j - 2] + GAP_EXTEND * (j - 2))
            if hay[j] != letter:
                continue
            run = row[j - 1] + carry[j - 1] if row[j - 1] > _NEG else _NEG
            gap = best_gap - GAP_OPEN - GAP_EXTEND * (j - 1) if best_gap > _NEG else _NEG
            if run == gap == _NEG:
                continue
            if run >= gap:
                new[j] = run + MATCH
                new_carry[j] = carry[j - 1]
            else:
                new[j] = gap + bonus[j]
                new_carry[j] = run_start[j]
        row, carry = new, new_carry
    score = max(row)
    if score == _NEG:
        return None
    return score - LENGTH * n


def fuzzy_sorted(query: str, texts: list[str]) -> list[int]:
    """Indices of the texts that match, best first; ties keep their order."""
    scored = [
        (score, i) for i, t in enumerate(texts) if (score := fuzzy_score(query, t)) is not None
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [i for _score, i in scored]
