"""The dispatching block parser gives exactly markdown-it's tokens and HTML: a table of
every block kind (and the edge cases of choosing rules by a line's first character),
then random documents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from desktop.render.blockparse import DispatchingBlockParser
from desktop.render.markdown import _make_parser
from tests.render.strategies import markdown_text, mixed_text

FAST = _make_parser(dispatch=True)
STOCK = _make_parser(dispatch=False)

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
    "everything": "# H\n\ntext\n- a\n> q\n```\nc\n```\n***\n| x |\n|---|\n$$y$$\nend\n===\n",
}


def tokens(md: object, text: str) -> list[tuple[object, ...]]:
    return [
        (t.type, t.tag, t.map, t.level, t.content, t.markup, t.info, t.hidden, t.attrs)
        for t in md.parse(text)  # type: ignore[attr-defined]
    ]


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


def test_a_rule_added_later_is_used() -> None:
    md = _make_parser(dispatch=True)
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
