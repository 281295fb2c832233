"""The streaming renderer: sealed blocks are never re-rendered, patches only move
forward, and unfinished fences and math look sensible while the answer streams."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.render import Patch, StreamingRenderer, apply_patch, render_markdown
from tests.render.strategies import FRAGMENTS


def feed_all(renderer: StreamingRenderer, text: str, size: int) -> list[Patch]:
    return [renderer.feed(text[i : i + size]) for i in range(0, len(text), size)]


def test_feed_never_rerenders_sealed_blocks() -> None:
    paragraphs = "".join(f"Paragraph {n} with $x_{n}$ and **bold**.\n\n" for n in range(200))
    renderer = StreamingRenderer()
    view: list[str] = []
    sealed_before = 0
    max_renders_per_feed = 0
    for i in range(0, len(paragraphs), 7):
        renders_before = renderer.renders
        patch = renderer.feed(paragraphs[i : i + 7])
        max_renders_per_feed = max(max_renders_per_feed, renderer.renders - renders_before)
        assert patch.start >= sealed_before
        sealed_before = renderer.sealed_count
        view = apply_patch(view, patch)
    view = apply_patch(view, renderer.finish())
    assert renderer.sealed_count >= 190
    # Each feed renders only the open tail (at most the last couple of blocks).
    assert max_renders_per_feed <= 3
    assert "".join(view) == render_markdown(paragraphs)


def test_patch_fields() -> None:
    patch = StreamingRenderer().feed("# Title\n")
    assert patch.start == 0
    assert patch.blocks == ["<h1>Title</h1>\n"]


def test_unterminated_fence_renders_as_code_while_streaming() -> None:
    renderer = StreamingRenderer()
    view = apply_patch([], renderer.feed("```python\nx = 1 < 2\n"))
    assert '<div class="code-block" data-lang="python">' in "".join(view)
    assert "&lt;" in "".join(view)


def test_unterminated_display_math_is_text_until_closed() -> None:
    renderer = StreamingRenderer()
    view = apply_patch([], renderer.feed("Then\n\\[\n\\frac{a}{"))
    html = "".join(view)
    assert "math-error" not in html and "<math" not in html
    assert '<p class="math-pending">\\[\n\\frac{a}{</p>' in html
    view = apply_patch(view, renderer.feed("b}\n\\]\n"))
    assert '<div class="math-display"' in "".join(view)


def test_unterminated_inline_math_is_text_until_closed() -> None:
    renderer = StreamingRenderer()
    view = apply_patch([], renderer.feed("so \\(\\frac{a}{b}"))
    # Unclosed, `\(` is an escaped parenthesis, as CommonMark reads it.
    assert "so (\\frac{a}{b}" in "".join(view)
    assert "math-error" not in "".join(view)
    view = apply_patch(view, renderer.feed("\\) ok"))
    assert "<mfrac>" in "".join(view)


def test_a_later_definition_fixes_the_link_on_finish() -> None:
    text = "See [the docs][d].\n\nMore text.\n\nAnd more.\n\n[d]: https://example.com\n"
    renderer = StreamingRenderer()
    view: list[str] = []
    for patch in feed_all(renderer, text, 5):
        view = apply_patch(view, patch)
    final = renderer.finish()
    assert final.start == 0
    view = apply_patch(view, final)
    assert "".join(view) == render_markdown(text)
    assert 'href="https://example.com"' in "".join(view)


def test_crlf_split_across_deltas() -> None:
    renderer = StreamingRenderer()
    view: list[str] = []
    for delta in ["# A\r", "\nb\r", "\n\r\n- c\r\n"]:
        view = apply_patch(view, renderer.feed(delta))
    view = apply_patch(view, renderer.finish())
    assert "".join(view) == render_markdown("# A\r\nb\r\n\r\n- c\r\n")


def test_finish_with_references_rerenders_only_stretches_that_looked_the_label_up() -> None:
    body = "".join(f"Paragraph {n} with [a link](https://e.com/{n}).\n\n" for n in range(300))
    text = (
        "Early use of [ref] and [Other][REF].\n\n" + body + "[ref]: https://example.com/long/path\n"
    )
    renderer = StreamingRenderer()
    view: list[str] = []
    for patch in feed_all(renderer, text, 5):
        view = apply_patch(view, patch)
    renders_before = renderer.renders
    patch = renderer.finish()
    view = apply_patch(view, patch)
    assert "".join(view) == render_markdown(text)
    assert 'href="https://example.com/long/path"' in "".join(view)
    # The stretch with the first paragraph and the open tail, not the 300 in between.
    assert renderer.renders - renders_before <= 4
    assert patch.start == 0 and len(patch.blocks) == len(view)


def test_finish_with_references_after_open_display_math() -> None:
    # Found by hypothesis: a block sealed while `$$` was still open read differently
    # once the whole text was known.
    fragments = ["$$\n", "\n", "[ref]: https://example.com\n", "# Heading\n", "$$", "# Heading\n"]
    renderer = StreamingRenderer()
    view: list[str] = []
    for fragment in fragments:
        view = apply_patch(view, renderer.feed(fragment))
    view = apply_patch(view, renderer.finish())
    assert "".join(view) == render_markdown("".join(fragments))


def test_finish_corrects_links_read_from_half_written_definitions() -> None:
    text = "[ref]: https://example.com/full\n\nUse [ref] here.\n\n" + "Filler.\n\n" * 20
    renderer = StreamingRenderer()
    view: list[str] = []
    for patch in feed_all(renderer, text, 1):
        view = apply_patch(view, patch)
    view = apply_patch(view, renderer.finish())
    assert "".join(view) == render_markdown(text)
    assert 'href="https://example.com/full"' in "".join(view)


def test_finish_without_references_renders_only_the_tail() -> None:
    text = "".join(f"Paragraph {n}.\n\n" for n in range(300))
    renderer = StreamingRenderer()
    feed_all(renderer, text, 40)
    renders_before = renderer.renders
    renderer.finish()
    assert renderer.renders - renders_before <= 2


def stream_fragments(fragments: list[str]) -> tuple[str, StreamingRenderer]:
    renderer = StreamingRenderer()
    view: list[str] = []
    for fragment in fragments:
        view = apply_patch(view, renderer.feed(fragment))
    view = apply_patch(view, renderer.finish())
    return "".join(view), renderer


def test_definitions_that_change_nothing_rerender_nothing() -> None:
    head = "[d]: https://example.com/d\n\nUse [d] and [x][d].\n\n"
    fragments = [head] + [f"Paragraph {n}.\n\n" for n in range(50)]
    renderer = StreamingRenderer()
    view: list[str] = []
    for fragment in fragments:
        view = apply_patch(view, renderer.feed(fragment))
    before = renderer.renders
    view = apply_patch(view, renderer.finish())
    assert "".join(view) == render_markdown("".join(fragments))
    # Only the open tail: the early stretch found its definition while streaming.
    assert renderer.renders - before <= 2


def test_forward_references_in_containers_and_images() -> None:
    fragments = [
        "> quoted [foo\n",
        "> bar] and ![pic][Foo Bar]\n\n",
        "- item [lazy]\n",
        "continued [Lazy][]\n\n",
        "1. one\n   > [deep]\n\n",
        "Filler.\n\n" * 3,
        "[foo bar]: https://example.com/fb 'Title'\n",
        "> [lazy]: <https://example.com/lazy>\n\n",
        "- [deep]: https://example.com/deep\n",
    ]
    html, _ = stream_fragments(fragments)
    assert html == render_markdown("".join(fragments))
    for href in ("fb", "lazy", "deep"):
        assert f'href="https://example.com/{href}"' in html


def test_a_definition_undone_by_later_text() -> None:
    # While streaming, `[d]: …` is a definition; the next line turns it into a table's
    # header, so the link must end up unresolved.
    fragments = ["Use [d].\n\n", "Filler.\n\n" * 3, "[d]: /x|y\n", "|---|---|\n"]
    html, _ = stream_fragments(fragments)
    assert html == render_markdown("".join(fragments))


def test_a_title_that_runs_on_absorbs_lines_read_as_a_paragraph() -> None:
    # `'ti` and `more` read as a paragraph until `tle'` closes the definition's title.
    fragments = ["Use [d].\n\n[d]: /x\n'ti\nmore\n", "tle'\n", "\nlater\n"]
    html, _ = stream_fragments(fragments)
    assert html == render_markdown("".join(fragments))


def test_a_half_written_definition_after_a_stretch_is_not_reused() -> None:
    # Found by fuzzing: `[b]:` + `a ` defined b while a stretch using [b] was sealed;
    # the rest of the line undid it, and rendering that stretch again in its old
    # context must not pick the half-written definition up again.
    fragments = ["[b] here\n\n# H\n[b]:\na ", "&= b\n", "\nend\n"]
    html, _ = stream_fragments(fragments)
    assert html == render_markdown("".join(fragments))


def test_first_definition_wins_across_stretches() -> None:
    fragments = ["[a]\n\n", "[a]: https://e.com/1\n\n", "Filler.\n\n" * 4, "[a]: https://e.com/2\n"]
    html, _ = stream_fragments(fragments)
    assert html == render_markdown("".join(fragments))
    assert "https://e.com/1" in html and "https://e.com/2" not in html


# Labels, definitions (some half-written, some in containers, some that later text
# undoes) and the block openers that read far ahead.
REFERENCE_FRAGMENTS = [
    *FRAGMENTS,
    "[a]",
    "[A][]",
    "[x][a] ",
    "![i][b]",
    "[b]: https://e.com/b\n",
    "[a]: https://e.com/a 'T'\n",
    "[a]: https://e.com/",
    "> [b]: /q\n",
    "- [a]: /l\n",
    "   [c\n",
    "d]: /cd\n",
    "[c d]",
    "[b]:\n",
    "'title'\n",
    "'open\n",
    "close'\n",
    '"two\nlines"\n',
    "[b]:\n",
    "/dest ",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REFERENCE_FRAGMENTS), max_size=30), st.data())
def test_streaming_with_definitions_equals_one_shot(
    fragments: list[str], data: st.DataObject
) -> None:
    text = "".join(fragments)
    assert stream_fragments(fragments)[0] == render_markdown(text)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=10)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert stream_fragments(pieces)[0] == render_markdown(text)
