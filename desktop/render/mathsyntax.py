"""markdown-it rules that find math delimiters, so formulas are cut out before emphasis,
escapes or links can mangle them, while code spans and fences keep them literal."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from desktop.render.math import math_html

MATH_ENVIRONMENTS = (
    "equation|equation\\*|align|align\\*|aligned|alignat|alignat\\*|alignedat|gather|gather\\*|"
    "gathered|multline|multline\\*|split|cases|dcases|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|"
    "Vmatrix|smallmatrix|array|eqnarray|eqnarray\\*|subarray"
)
_BEGIN = re.compile(r"\\begin\{(" + MATH_ENVIRONMENTS + r")\}")


def _find_unescaped(src: str, needle: str, start: int, end: int) -> int:
    """Index of `needle` in src[start:end] not preceded by a backslash, or -1."""
    while True:
        i = src.find(needle, start, end)
        if i <= 0 or src[i - 1] != "\\":
            return i
        start = i + 1


def _has_open_display(text: str) -> bool:
    """Whether `text` (a paragraph so far) leaves a `$$`, `\\[` or `\\begin` open, in
    which case a line starting with a delimiter closes it rather than opening a block."""
    if "$$" not in text and "\\" not in text:
        return False
    dollars = len(re.findall(r"(?<!\\)\$\$", text))
    if dollars % 2:
        return True
    if text.count("\\[") > text.count("\\]"):
        return True
    return text.count("\\begin{") > text.count("\\end{")


# `env` key set while rendering the open tail of a streaming answer: the text may go on.
OPEN_TAIL = "parley_open_tail"
# `env` key for the first line of a formula at the end of that tail which the next delta
# may still change.
UNSETTLED_FROM = "parley_unsettled_from"
# `env` key for `_closer_follows`'s memo.
_NO_CLOSER = "parley_no_closer_from"


def _closer_follows(state: StateBlock, closer: str, start: int) -> bool:
    """Whether `closer` occurs anywhere in the text from `start` on. One search per
    parse and closer, so that many unclosed openers do not each search to the end."""
    memo = state.env.get(_NO_CLOSER)
    if memo is None or memo[0] is not state.src:
        memo = state.env[_NO_CLOSER] = (state.src, {})
    # The position from which no closer follows, where known.
    none_from: dict[str, int] = memo[1]
    if start >= none_from.get(closer, len(state.src) + 1):
        return False
    hit = _find_unescaped(state.src, closer, start, len(state.src))
    if hit < 0:
        none_from[closer] = start
    return hit >= 0


def _quoted(state: StateBlock, line: int) -> bool:
    """Whether `line` is read inside a block quote (its start moved past a `>`)."""
    raw_start = state.eMarks[line - 1] + 1 if line else 0
    return ">" in state.src[raw_start : state.bMarks[line]]


def _closing_line(
    state: StateBlock, start_line: int, end_line: int, closer: str, search_from: int
) -> tuple[int, bool] | None:
    """Where a display formula opened on `start_line` ends: the line after its closer
    (and True), or, unclosed, where its container ends (and False). None when the
    closer has text after it: then it is an inline formula inside a paragraph."""
    src = state.src
    closable = _closer_follows(state, closer, search_from)
    if not closable and not state.env.get(OPEN_TAIL):
        # Text: where its container ends does not matter.
        return start_line + 1, False
    quoted = _quoted(state, start_line)
    line = start_line
    while line < end_line:
        if line > start_line:
            if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
                break
            # Asked whether it may cut a paragraph short, a formula in a quote is told
            # the end of the whole text, not of the quote: the quote's lines are those
            # with their `>` stripped (and lazy ones, marked by a negative indent).
            if quoted and state.sCount[line] >= 0 and not _quoted(state, line):
                break
            search_from = state.bMarks[line] + state.tShift[line]
        hit = _find_unescaped(src, closer, search_from, state.eMarks[line]) if closable else -1
        if hit >= 0:
            if src[hit + len(closer) : state.eMarks[line]].strip():
                return None
            return line + 1, True
        line += 1
    return line, False


def math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Display math whose opener starts a line: `$$`, `\\[` or `\\begin{env}`. Like a
    fence it runs to its closer, blank lines included. An unclosed opener is text, as
    CommonMark reads it, except at the open end of a streaming answer, where the
    formula is still being written: there it runs to the end, shown as plain text
    until the closer arrives."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    line_end = state.eMarks[start_line]
    if src.startswith("$$", pos, line_end):
        opener, closer, search_from = "$$", "$$", pos + 2
    elif src.startswith("\\[", pos, line_end):
        opener, closer, search_from = "\\[", "\\]", pos + 2
    elif src.startswith("\\begin{", pos, line_end) and (m := _BEGIN.match(src, pos, line_end)):
        # The environment itself is the formula, so it stays in the content.
        opener, closer, search_from = "", "\\end{" + m.group(1) + "}", m.end()
    else:
        return False
    found = _closing_line(state, start_line, end_line, closer, search_from)
    if found is None:
        return False
    line, closed = found
    # `bMarks` has one entry past the last line: a formula that runs to the end of the
    # open tail of a stream may yet be closed, or its closer followed by text (then
    # it is an inline one), by the next delta.
    unsettled = bool(state.env.get(OPEN_TAIL)) and line >= len(state.bMarks) - 1
    if unsettled and closed and src.endswith("\n"):
        unsettled = False
    if not (closed or unsettled):
        return False
    if silent and _has_open_display(src[state.bMarks[state.line] : state.bMarks[start_line]]):
        # Not interrupting a paragraph that has an opener this line would close.
        return False
    if unsettled:
        # Read as a formula, it may have cut short the block before it, which runs on
        # if the formula turns out to be text: the streaming renderer must not seal the
        # blocks from that one on yet.
        state.env[UNSETTLED_FROM] = min(start_line, state.env.get(UNSETTLED_FROM, start_line))
    if silent:
        return True

    source = state.getLines(start_line, line, state.sCount[start_line], False).strip()
    token = state.push("math_block", "math", 0)
    token.block = True
    token.map = [start_line, line]
    token.markup = opener
    token.info = source
    if closed and opener:
        token.content = source[len(opener) : -len(closer)]
    else:
        token.content = source
    token.meta = {"closed": closed}
    state.line = line
    return True


_INLINE_CLOSERS = {"(": ("\\)", False), "[": ("\\]", True)}


def math_inline(state: StateInline, silent: bool) -> bool:
    """Inline `\\( \\)`, `$ $` and display `\\[ \\]`, `$$ $$` inside a paragraph. `$` follows
    pandoc: no space after the opener or before the closer, and no digit right after
    the closer, so `$5 and $10` stays currency."""
    src = state.src
    pos = state.pos
    ch = src[pos]
    if ch == "\\":
        pair = _INLINE_CLOSERS.get(src[pos + 1 : pos + 2])
        if pair is None:
            return False
        closer, display = pair
        start = pos + 2
        end = src.find(closer, start, state.posMax)
        if end < 0:
            # Unclosed: an escaped bracket or parenthesis, as CommonMark reads it.
            return False
    elif ch == "$":
        if src.startswith("$$", pos):
            closer, display, start = "$$", True, pos + 2
            end = _find_unescaped(src, "$$", start, state.posMax)
            if end < 0 or end == start:
                if not silent:
                    state.pending += "$$"
                state.pos = start
                return True
        else:
            closer, display, start = "$", False, pos + 1
            end = _dollar_closer(src, start, state.posMax)
            if end < 0:
                return False
    else:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[start:end]
        token.markup = closer
        token.info = src[pos : end + len(closer)]
        token.meta = {"display": display}
    state.pos = end + len(closer)
    return True


def _dollar_closer(src: str, start: int, maximum: int) -> int:
    """Index of the `$` closing a `$…$` formula opened just before `start`, or -1."""
    if start >= maximum or src[start].isspace() or src[start] == "$":
        return -1
    i = start
    while True:
        i = src.find("$", i + 1, maximum)
        if i < 0:
            return -1
        if "`" in src[start:i]:
            # A code span overlaps: `$` inside backticks is never a closer.
            return -1
        after = src[i + 1 : i + 2]
        if not src[i - 1].isspace() and src[i - 1] != "\\" and not after.isdigit():
            return i


def _render_inline(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return math_html(token.content, bool(token.meta["display"]), token.info, inline_context=True)


def _render_block(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if not token.meta["closed"]:
        text = token.info.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<p class="math-pending">{text}</p>\n'
    return math_html(token.content, True, token.info, inline_context=False)


def math_plugin(md: MarkdownIt) -> None:
    """Add the math rules and renderers to `md`."""
    md.block.ruler.before(
        "code", "math_block", math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_block", _render_block)
