"""A faster block tokenizer for markdown-it: block parsing was ~60 % of a one-shot
render, mostly spent calling rules that cannot match. markdown-it tries every block rule
on every line, in order, until one matches; most rules give up at once unless the line
starts with their marker (`#`, `>`, a fence, a list bullet). Here the rules worth trying
are chosen by the line's first non-space character, keeping markdown-it's order, so the
same rule matches as before and the tokens are identical (tests compare the two parsers).

A paragraph is where lines cost most: markdown-it first tries a setext heading, which
scans the paragraph's lines asking every "can this interrupt a paragraph" rule, fails
when no underline comes, and then the paragraph rule scans the same lines again. Here
one scan does both, asking only the interrupting rules that fit each line's first
character."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from markdown_it.common.utils import mdTrim
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.ruler import Ruler
from markdown_it.rules_block import code, lheading, paragraph, table
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType

from desktop.render.fast.ruledispatch import Dispatch, named_rules

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# The characters a line can start with (after its indentation) for each rule that
# checks its marker before anything else; a rule not named here is tried on any line.
# Lines indented as code get every rule (they are rare, and indentation changes which
# rules look at what).
FIRST_CHARACTERS: dict[str, str] = {
    "math_block": "$\\",
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}

RuleList = Sequence[RuleFuncBlockType]


_new = object.__new__


_INDENT = re.compile(r"[ \t]*")


class _State(StateBlock):
    """markdown-it's block state, made and grown more cheaply: its line table is built
    with a regex per line instead of a Python step per leading space, and `push` skips
    the dataclass constructor (defaults, then `__post_init__`), which was a tenth of
    block parsing for the ~22,000 block tokens of a 200 KB answer. Every token field is
    set, to the dataclass's own defaults."""

    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        # Everything but the line table, as markdown-it sets it up.
        super().__init__("", md, env, tokens)
        self.src = src
        bMarks: list[int] = []
        eMarks: list[int] = []
        tShift: list[int] = []
        sCount: list[int] = []
        start = 0
        length = len(src)
        find = src.find
        indent_end = _INDENT.match
        while start < length:
            end = find("\n", start)
            if end < 0:
                end = length
            pos = indent_end(src, start, end).end()  # type: ignore[union-attr]
            if pos == end == length:
                # A last line of only spaces and tabs gets no entry, as in markdown-it.
                break
            offset = pos - start
            if "\t" in src[start:pos]:
                offset = 0
                for char in src[start:pos]:
                    offset += 4 - offset % 4 if char == "\t" else 1
            bMarks.append(start)
            eMarks.append(end)
            tShift.append(pos - start)
            sCount.append(offset)
            start = end + 1 if end < length else length
        # markdown-it's sentinel entry past the last line.
        bMarks.append(length)
        eMarks.append(length)
        tShift.append(0)
        sCount.append(0)
        self.bMarks, self.eMarks, self.tShift, self.sCount = bMarks, eMarks, tShift, sCount
        self.bsCount = [0] * len(bMarks)
        self.lineMax = len(bMarks) - 1

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token: Token = _new(Token)
        token.type = ttype
        token.tag = tag
        token.nesting = nesting
        token.attrs = {}
        token.map = None
        if nesting < 0:
            self.level -= 1
        token.level = self.level
        if nesting > 0:
            self.level += 1
        token.children = None
        token.content = ""
        token.markup = ""
        token.info = ""
        token.meta = {}
        token.block = True
        token.hidden = False
        self.tokens.append(token)
        return token


class DispatchingBlockParser(ParserBlock):
    """markdown-it's block parser, trying per line only the rules that can match."""

    def __init__(self, ruler: Ruler[RuleFuncBlockType]) -> None:
        # The parser's ruler is shared, not rebuilt: plugins added their rules to it.
        self.ruler = ruler
        self._built_from: object = None
        empty: Dispatch[RuleFuncBlockType] = Dispatch([], FIRST_CHARACTERS)
        # Each with and without the table rule, which needs a delimiter row next.
        self._rules = self._rules_no_table = empty
        self._terminators = self._terminators_no_table = empty

    def _refresh(self) -> list[RuleFuncBlockType]:
        """The enabled rules, rebuilding the dispatch tables if the ruler changed (it
        hands out a new list then)."""
        rules = self.ruler.getRules("")
        if rules is not self._built_from:
            named = named_rules(self.ruler)
            names = [name for name, _ in named]
            fns = dict(named)
            if (
                "lheading" in names
                and names.index("paragraph") == names.index("lheading") + 1
                and fns["lheading"] is lheading
                and fns["paragraph"] is paragraph
            ):
                # markdown-it's own pair, back to back: one scan does both.
                named = [
                    (name, self._paragraph if name == "lheading" else fn)
                    for name, fn in named
                    if name != "paragraph"
                ]
            if fns.get("code") is code:
                # Lines indented as code get every rule; on others this one never matches.
                named = [(name, fn) for name, fn in named if name != "code"]
            enders = named_rules(self.ruler, "paragraph")
            self._rules = self._rules_no_table = Dispatch(named, FIRST_CHARACTERS)
            self._terminators = self._terminators_no_table = Dispatch(enders, FIRST_CHARACTERS)
            if fns.get("table") is table:
                self._rules_no_table = Dispatch(_without(named, "table"), FIRST_CHARACTERS)
                no_table = _without(enders, "table")
                self._terminators_no_table = Dispatch(no_table, FIRST_CHARACTERS)
            self._built_from = rules
        return rules

    def parse(
        self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]
    ) -> list[Token] | None:
        """markdown-it's `ParserBlock.parse`, with the cheaper state."""
        if not src:
            return None
        state = _State(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        """markdown-it's `ParserBlock.tokenize`, trying fewer rules per line."""
        every_rule = self._refresh()
        src = state.src
        line = startLine
        maxNesting = state.md.options.maxNesting
        hasEmptyLines = False

        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if state.sCount[line] < state.blkIndent:
                # The end of a nested block (list item, blockquote).
                break
            if state.level >= maxNesting:
                state.line = endLine
                break

            if state.sCount[line] - state.blkIndent >= 4:
                rules: RuleList = every_rule
            else:
                dispatch = (
                    self._rules
                    if _delimiter_row_next(state, line, endLine)
                    else self._rules_no_table
                )
                rules = dispatch.rules_for(src[state.bMarks[line] + state.tShift[line]])
            for rule in rules:
                if rule(state, line, endLine, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")

            # A blank line before the next block makes the enclosing list loose.
            state.tight = not hasEmptyLines
            line = state.line
            if (line - 1) < endLine and state.isEmpty(line - 1):
                hasEmptyLines = True
            if line < endLine and state.isEmpty(line):
                hasEmptyLines = True
                line += 1
                state.line = line

    def _paragraph(self, state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        """markdown-it's `lheading` and then `paragraph` rules, in one scan."""
        if endLine != state.lineMax or state.is_code_block(startLine):
            # The two rules scan to different ends here (or lheading bows out): run
            # them as markdown-it does.
            return lheading(state, startLine, endLine, silent) or paragraph(
                state, startLine, endLine, silent
            )
        src = state.src
        bMarks, eMarks, tShift, sCount = state.bMarks, state.eMarks, state.tShift, state.sCount
        blkIndent = state.blkIndent
        oldParentType = state.parentType
        # What the interrupting rules (a list, above all) see as the block being ended.
        state.parentType = "paragraph"
        marker = ""
        nextLine = startLine + 1
        while nextLine < endLine:
            first = bMarks[nextLine] + tShift[nextLine]
            end = eMarks[nextLine]
            if first >= end:
                break  # a blank line ends the paragraph
            indent = sCount[nextLine]
            if indent - blkIndent > 3:
                # Indented as code, but a paragraph's lazy continuation here.
                nextLine += 1
                continue
            char = src[first]
            if indent >= blkIndent and char in "-=" and _is_underline(src, first, end, char):
                marker = char
                break
            if indent < 0:
                # A blockquote's line its own rule has already checked.
                nextLine += 1
                continue
            interrupted = False
            terminators = (
                self._terminators
                if _delimiter_row_next(state, nextLine, endLine)
                else self._terminators_no_table
            )
            for rule in terminators.rules_for(char):
                if rule(state, nextLine, endLine, True):
                    interrupted = True
                    break
            if interrupted:
                break
            nextLine += 1

        content = mdTrim(state.getLines(startLine, nextLine, state.blkIndent, False))
        if marker:
            tag = "h1" if marker == "=" else "h2"
            state.line = nextLine + 1
            token = state.push("heading_open", tag, 1)
            token.markup = marker
            token.map = [startLine, state.line]
            token = state.push("inline", "", 0)
            token.content = content
            token.map = [startLine, state.line - 1]
            token.children = []
            token = state.push("heading_close", tag, -1)
            token.markup = marker
            state.parentType = oldParentType
            return True

        state.line = nextLine
        token = state.push("paragraph_open", "p", 1)
        token.map = [startLine, nextLine]
        token = state.push("inline", "", 0)
        token.content = content
        token.map = [startLine, nextLine]
        token.children = []
        state.push("paragraph_close", "p", -1)
        # A failed lheading leaves parentType at "paragraph" and paragraph restores
        # that: keep the same state for whatever reads it next.
        state.parentType = "paragraph"
        return True


def _without(
    named: list[tuple[str, RuleFuncBlockType]], name: str
) -> list[tuple[str, RuleFuncBlockType]]:
    return [(other, fn) for other, fn in named if other != name]


def _delimiter_row_next(state: StateBlock, line: int, endLine: int) -> bool:
    """Whether the line after `line` could be a table's delimiter row: markdown-it's
    table rule gives up at once unless it starts with `|`, `-` or `:`."""
    following = line + 1
    if following >= endLine:
        return False
    pos = state.bMarks[following] + state.tShift[following]
    return pos < state.eMarks[following] and state.src[pos] in "|-:"


def _is_underline(src: str, pos: int, end: int, marker: str) -> bool:
    """Whether src[pos:end] is a setext underline: `marker`s then only spaces/tabs."""
    while pos < end and src[pos] == marker:
        pos += 1
    while pos < end and src[pos] in " \t":
        pos += 1
    return pos >= end
