"""A faster inline tokenizer for markdown-it: at every character that may start markup
(`*`, `` ` ``, `[`, `\\`, `$`, …) markdown-it tries each inline rule in turn; here only
the rules whose marker that character is are tried, in markdown-it's order, so the same
rule matches and the tokens are identical (tests compare the two parsers).

Most inline text (headings, list items, table cells) has no such character at all (or
only ones no rule acts on, like `:` or `-`); it becomes one text token, which is what
markdown-it's whole inline pass (a state object, the rule loop, four post-processing
passes) would produce for it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.parser_inline import ParserInline, RuleFuncInlineType
from markdown_it.ruler import Ruler
from markdown_it.rules_inline import (
    StateInline,
    emphasis,
    fragments_join,
    link_pairs,
    strikethrough,
)
from markdown_it.rules_inline import text as text_rule
from markdown_it.token import Token
from markdown_it.utils import EnvType

from desktop.render.fast.ruledispatch import Dispatch, named_rules

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# markdown-it's own post-processing passes, which leave a lone text token as it is.
_PAIR_PASSES = (link_pairs, strikethrough.postProcess, emphasis.postProcess, fragments_join)

# The characters each inline rule can match at (rules not named match anywhere).
FIRST_CHARACTERS: dict[str, str] = {
    "newline": "\n",
    "math_inline": "\\$",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}


class DispatchingInlineParser(ParserInline):
    """markdown-it's inline parser, trying at each position only the rules that can
    match there."""

    def __init__(self, inline: ParserInline) -> None:
        # Shares the configured parser's rulers and text terminators.
        self.ruler: Ruler[RuleFuncInlineType] = inline.ruler
        self.ruler2 = inline.ruler2
        self._extra_terminator_chars = inline._extra_terminator_chars
        self.terminator_re = inline.terminator_re
        self._built_from: tuple[object, object] = (None, None)
        self._dispatch: Dispatch[RuleFuncInlineType] = Dispatch([], FIRST_CHARACTERS)
        # Text without these characters is one text token (None: never assume so).
        self._active: re.Pattern[str] | None = None

    def _refresh(self) -> Dispatch[RuleFuncInlineType]:
        rules = self.ruler.getRules("")
        passes = self.ruler2.getRules("")
        if rules is not self._built_from[0] or passes is not self._built_from[1]:
            named = named_rules(self.ruler)
            markers = "".join(FIRST_CHARACTERS.values())
            # markdown-it's text rule stops at every terminator character.
            stops = "".join(c for c in markers if self.terminator_re.match(c))
            never_at = {name: stops for name, fn in named if fn is text_rule}
            self._dispatch = Dispatch(named, FIRST_CHARACTERS, never_at)
            # Where only the text rule applies, it takes the text up to a terminator
            # and the loop adds that character as text: the whole is one text token,
            # unless a plugin post-processes tokens.
            self._active = None
            if self._dispatch.generic == [text_rule] and tuple(passes) == _PAIR_PASSES:
                active = "".join(c for c, found in self._dispatch.by_char.items() if found)
                self._active = re.compile(f"[{re.escape(active)}]")
            self._built_from = (rules, passes)
        return self._dispatch

    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        """Inline tokens of `src` appended to `tokens`; plain text the short way."""
        self._refresh()
        if self._active is not None and self._active.search(src) is None:
            if src:
                token = Token("text", "", 0)
                token.content = src
                tokens.append(token)
            return tokens
        return super().parse(src, md, env, tokens)

    def skipToken(self, state: StateInline) -> None:
        """markdown-it's `ParserInline.skipToken`, trying fewer rules."""
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return
        dispatch = self._refresh()
        ok = False
        if state.level < state.md.options["maxNesting"]:
            for rule in dispatch.rules_for(state.src[pos]):
                # Counted as nesting, as markdown-it does, to bound the recursion.
                state.level += 1
                ok = rule(state, True)
                state.level -= 1
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        else:
            # Too deep: skip to the end of the paragraph, as markdown-it does.
            state.pos = state.posMax
        if not ok:
            state.pos += 1
        cache[pos] = state.pos

    def tokenize(self, state: StateInline) -> None:
        """markdown-it's `ParserInline.tokenize`, trying fewer rules."""
        dispatch = self._refresh()
        src = state.src
        end = state.posMax
        maxNesting = state.md.options["maxNesting"]
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < maxNesting:
                for rule in dispatch.rules_for(src[pos]):
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[pos])
            state.pos += 1
        if state.pending:
            state.pushPending()
