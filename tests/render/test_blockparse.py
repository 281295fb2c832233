"""The dispatching block and inline parsers and the faster renderer give exactly
markdown-it's tokens and HTML: a table of every block kind (and the edge cases of
choosing rules by a line's first character), then random documents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block.state_block import StateBlock

from desktop.render.fast.blockparse import DispatchingBlockParser, _State
from desktop.render.markdown import _make_parser
from tests.render.strategies import markdown_text, mixed_text

FAST = _make_parser(accelerated=True)
STOCK = _make_parser(accelerated=False)

CASES = {
    "paragraph": "one line\nand a second\n",
    "indented code": "    code line\n      more\n\n    after blank\n",
    "indented code after paragraph is lazy": "para\n    not code\n",
    "backtick fence": "```python\nx = 1\n```\n",
    "tilde fence": "~~~\nplain\n~~~\n",
    "unclosed fence": "```\nopen to the end\n",
    "fence interrupting a paragraph": "para\n```\ncode\n```\n",
    "blockquote": "> quoted\n> still\n",
    "blockquote with lazy line": "> quoted\nlazy continuation\n",
    "blockquote with list": "> - a\n> - b\n\nafter\n",
    "dash list": "- a\n- b\n",
    "plus list": "+ a\n+ b\n",
    "star list": "* a\n* b\n",
    "ordered dot": "1. one\n2. two\n",
    "ordered paren": "1) one\n2) two\n",
    "ordered not starting at 1 cannot interrupt": "para\n2. two\n",
    "ordered starting at 1 interrupts": "para\n1. one\n",
    "nested list": "- a\n  - b\n    - c\n- d\n",
    "list with lazy line": "- item\nlazy\n",
    "loose list": "- a\n\n- b\n",
    "list item with code": "- a\n\n      code in item\n",
    "atx heading": "# One\n## Two ##\n###### Six\n####### seven\n",
    "heading interrupting a paragraph": "para\n# head\n",
    "setext h1": "Title\n=====\n",
    "setext h2": "Title\n---\n",
    "setext multi-line": "Two\nlines\n===\n",
    "setext underline with spaces": "Title\n---   \n",
    "not an underline": "Title\n--- x\n",
    "setext in list": "- Title\n  ---\n",
    "hr stars": "***\n",
    "hr dashes spaced": "- - -\n",
    "hr underscores": "___\n",
    "hr interrupting a paragraph": "para\n***\n",
    "table": "| a | b |\n|---|:-:|\n| 1 | 2 |\n",
    "table without pipes at the edges": "a | b\n--|--\n1 | 2\n",
    "table interrupting a paragraph": "para\n| a | b |\n|---|---|\n",
    "table-like line that is not one": "a | b\n-- x\n",
    "pipe line after a paragraph": "a\n| not a delimiter row\n",
    "indented delimiter row": "a | b\n   :-|-:\n1 | 2\n",
    "code-indented delimiter row": "a | b\n    |---|---|\n",
    "table in a list": "- | a | b |\n  |---|---|\n  | 1 | 2 |\n",
    "table at the last line": "| a |\n|---|",
    "raw html shown as text": "<div onclick='x'>\n<b>bold</b>\n</div>\n",
    "reference definition": "[ref]: https://e.com 'title'\n\nUse [ref].\n",
    "reference definition after paragraph": "para\n[ref]: https://e.com\n",
    "display math": "$$\nx^2\n$$\n",
    "bracket math": "\\[\na+b\n\\]\n",
    "environment": "\\begin{aligned}\na &= b\n\\end{aligned}\n",
    "math interrupting a paragraph": "para\n$$x$$\n",
    "open math not interrupted": "$$ a\n$$\n",
    "deep indentation": "        deep\n   - three spaces\n",
    "tabs": "\t- tab list\n\tcode?\n",
    "blank lines with spaces": "a\n   \n  \nb\n",
    "paragraph in blockquote in list": "- > q\n  > r\n  lazy\n",
    "hidden paragraph then blockquote": "- a\n  > q\n- b\n",
    "empty items": "-\n- \n1.\n",
    "ordered start attribute": "7. seven\n8. eight\n",
    "empty blockquote": ">\n",
    "everything": "# H\n\ntext\n- a\n> q\n```\nc\n```\n***\n| x |\n|---|\n$$y$$\nend\n===\n",
}

INLINE_CASES = {
    "plain words": "just some words, and a full stop.",
    "plain non-ascii": "naïve café – “quoted” ünïcode",
    "terminator without markup": "a: b - c + d = e # f % g ^ h {i} @j",
    "hard break": "line  \nnext\\\nlast",
    "soft break": "line\nnext",
    "escapes": "\\* not \\_ em \\` tick \\$ dollar",
    "code span": "a `code $x$` b ``two ` ticks``",
    "strikethrough": "~~gone~~ and ~single~",
    "emphasis": "*em* _em_ **strong** __strong__ ***both*** a*b*c snake_case_name",
    "unbalanced emphasis": "**open *and _more",
    "links": "[text](https://e.com 'title') [ref] [ref][] <https://a.b> [a [b] c](d)",
    "images": "![alt *x*](http://x/y.png) !not an image ![",
    "entities": "&amp; &copy; &#35; &#x41; &bogus;",
    "raw html": "<b>bold</b> <!-- c --> <a href='x'>",
    "math": "\\(x\\) $y$ \\[z\\] $$w$$ $5 and $10",
    "bare urls": "see https://e.com/x. and www.e.org",
    "task marks": "[ ] not in a list [x]",
}


def tokens(md: object, text: str) -> list[tuple[object, ...]]:
    """Every token's fields, inline children included (after their parent)."""
    out: list[tuple[object, ...]] = []
    for t in md.parse(text):  # type: ignore[attr-defined]
        for u in [t, *(t.children or ())]:
            out.append((u.type, u.tag, u.map, u.level, u.content, u.markup, u.info, u.hidden))
            out.append((u.attrs, u.meta, u.block, u.nesting))
    return out


def test_the_parser_dispatches() -> None:
    assert isinstance(FAST.block, DispatchingBlockParser)
    assert not isinstance(STOCK.block, DispatchingBlockParser)


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_each_block_kind_matches_markdown_it(text: str) -> None:
    assert tokens(FAST, text) == tokens(STOCK, text)
    assert FAST.render(text) == STOCK.render(text)


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_inside_a_blockquote_and_a_list(text: str) -> None:
    quoted = "".join("> " + line + "\n" for line in text.splitlines())
    listed = "- " + "".join("  " + line + "\n" for line in text.splitlines()).lstrip()
    for wrapped in (quoted, listed):
        assert tokens(FAST, wrapped) == tokens(STOCK, wrapped)


@settings(max_examples=300)
@given(markdown_text)
def test_random_documents_match_markdown_it(text: str) -> None:
    assert tokens(FAST, text) == tokens(STOCK, text)


@settings(max_examples=300)
@given(mixed_text)
def test_random_noise_matches_markdown_it(text: str) -> None:
    assert tokens(FAST, text) == tokens(STOCK, text)


@pytest.mark.parametrize("text", INLINE_CASES.values(), ids=INLINE_CASES.keys())
def test_each_inline_kind_matches_markdown_it(text: str) -> None:
    for block in (text, "# " + text, "- " + text, "| " + text + " |\n|---|\n"):
        assert tokens(FAST, block) == tokens(STOCK, block)
        assert FAST.render(block) == STOCK.render(block)


def test_a_post_processing_plugin_sees_plain_text() -> None:
    md = _make_parser(accelerated=True)

    def shout(state):  # type: ignore[no-untyped-def]
        for token in state.tokens:
            token.content = token.content.upper()

    md.inline.ruler2.push("shout", shout)
    assert md.render("plain words\n") == "<p>PLAIN WORDS</p>\n"


@settings(max_examples=500)
@given(st.text(alphabet=" \t\nax-", max_size=40))
def test_line_table_matches_markdown_it(text: str) -> None:
    ours = _State(text, FAST, {}, [])
    theirs = StateBlock(text, FAST, {}, [])
    for name in ("bMarks", "eMarks", "tShift", "sCount", "bsCount", "lineMax", "line"):
        assert getattr(ours, name) == getattr(theirs, name), name


def test_an_inline_rule_added_later_is_used() -> None:
    md = _make_parser(accelerated=True)
    md.parse("warm: the tables\n")

    def colon(state, silent):  # type: ignore[no-untyped-def]
        if state.src[state.pos] != ":":
            return False
        if not silent:
            state.push("hr", "hr", 0)
        state.pos += 1
        return True

    md.inline.ruler.before("text", "colon", colon)
    assert md.render("a: b\n") == "<p>a<hr /> b</p>\n"


def test_a_rule_added_later_is_used() -> None:
    md = _make_parser(accelerated=True)
    md.parse("# warm the tables\n")

    def shout(state, start, end, silent):  # type: ignore[no-untyped-def]
        pos = state.bMarks[start] + state.tShift[start]
        if state.src[pos] != "!":
            return False
        if not silent:
            state.push("hr", "hr", 0).map = [start, start + 1]
        state.line = start + 1
        return True

    md.block.ruler.before("paragraph", "shout", shout)
    assert md.render("!\n") == "<hr />\n"
