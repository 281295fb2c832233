"""An unclosed `\\[` or `\\(` is what CommonMark says, an escaped bracket in text, once
the answer is finished; only the open end of a streaming answer shows a display
formula still being written, and the blocks it may have cut short stay open."""

from __future__ import annotations

import pytest

from desktop.render import StreamingRenderer, apply_patch, render_markdown
from desktop.render.markdown import render_blocks


def stream_by_char(text: str) -> tuple[list[str], list[list[str]]]:
    """The view after `finish()`, and the sealed blocks after every one-character feed."""
    renderer = StreamingRenderer()
    view: list[str] = []
    sealed: list[list[str]] = []
    for char in text:
        view = apply_patch(view, renderer.feed(char))
        sealed.append(view[: renderer.sealed_count])
    return apply_patch(view, renderer.finish()), sealed


def test_unclosed_bracket_at_a_line_start_is_text() -> None:
    text = '\\[foo] and *em*\n\n[foo]: https://e.com "t"\n\nLater **text**.\n'
    assert render_markdown(text) == (
        "<p>[foo] and <em>em</em></p>\n<p>Later <strong>text</strong>.</p>\n"
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("[link \\[bar](https://e.com)", '<a href="https://e.com" rel="noopener noreferrer">'),
        ("!\\[foo]", "<p>![foo]</p>"),
        ("open \\(x and \\[y", "<p>open (x and [y</p>"),
    ],
)
def test_unclosed_inline_openers_are_escaped_brackets(text: str, html: str) -> None:
    assert html in render_markdown(text)
    assert "\\" not in render_markdown(text)


def test_unclosed_dollars_and_environments_at_a_line_start_are_text() -> None:
    assert render_markdown("$$\nx\n\nmore") == "<p>$$\nx</p>\n<p>more</p>\n"
    assert render_markdown("\\begin{aligned}\nx") == "<p>\\begin{aligned}\nx</p>\n"


def test_only_the_open_tail_of_a_stream_shows_a_formula_being_written() -> None:
    text = "Then\n\\[\n\\frac{a}{"
    streaming = "".join(block.html for block in render_blocks(text, open_tail=True))
    assert streaming == '<p>Then</p>\n<p class="math-pending">\\[\n\\frac{a}{</p>\n'
    assert render_markdown(text) == "<p>Then\n[\n\\frac{a}{</p>\n"
    # A formula that stops at the end of its container is over, streaming or not.
    quoted = "> \\[ x\n\nafter"
    assert "math-pending" not in "".join(b.html for b in render_blocks(quoted, open_tail=True))


@pytest.mark.parametrize(
    "text",
    [
        "\\[foo]\n\n[foo]: https://e.com\n\nOne.\n\nTwo.\n\nThree.\n",
        "Then\n\\[ x\n\nOne.\n\nTwo.\n\nThree.\n",
        "> q\n> \\[ z\n\n=\n\n=\n\n=\n",
        "- a\n\\[ b\n\nOne.\n\nTwo.\n",
        # A closer that the rest of its line turns into an inline one.
        "> q\n| a | b |\n\\[\npara \\[ a\n- a\nb \\] c\npara\n\nOne.\n\nTwo.\n\n\\[ x\n",
        "text\nb \\] c\n\\[\n===\n| a | b |\n[d]\n\\[\nb \\] c\n\nOne.\n\n\\[ x\n",
        # A closer after the quote ends closes nothing inside it.
        "para \\[ a\n> q\n\\[ x\n[d]: /u\n\n$$\n```\n\\]\n[d]: /u\n```\nx $$ y\n\n\\[ x\n",
        "> q\n> \\[ z\n>\nfoo \\]\n\n\\[ x\n",
    ],
)
def test_a_stream_through_an_unclosed_formula_ends_as_commonmark(text: str) -> None:
    final, sealed_after_each_feed = stream_by_char(text)
    one_shot = render_markdown(text)
    assert "".join(final) == one_shot
    assert "math-pending" not in one_shot
    # What was sealed while the formula could still close was never wrong.
    blocks = [block.html for block in render_blocks(text)]
    for sealed in sealed_after_each_feed:
        assert sealed == blocks[: len(sealed)]


@pytest.mark.parametrize("opening", ["> q\n> \\[ z\n\n", "- a\n  \\[ z\n\n"])
def test_an_unclosed_formula_in_a_container_leaves_the_rest_to_be_sealed(opening: str) -> None:
    text = opening + "Para.\n\n" * 50
    renderer = StreamingRenderer()
    for start in range(0, len(text), 7):
        renderer.feed(text[start : start + 7])
    # Feeds stay cheap: only the last paragraph is still open.
    assert renderer.sealed_count == 50
