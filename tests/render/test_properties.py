"""Property tests: any Markdown-ish text renders without raising, safely, and the
streaming renderer ends with exactly the one-shot HTML whatever the split points."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.render import StreamingRenderer, apply_patch, render_markdown
from tests.render.strategies import fragment_lists, markdown_text, mixed_text

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "br",
    "em", "strong", "s", "code", "pre", "a", "span", "div", "table", "thead", "tbody",
    "tr", "th", "td", "input", "math", "semantics", "annotation", "mrow", "mi", "mn", "mo",
    "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded",
    "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts", "none",
}  # fmt: skip


ALLOWED_ATTRS = {
    "class", "data-lang", "data-latex", "href", "rel", "title", "display", "encoding",
    "type", "disabled", "checked", "style", "mathvariant", "stretchy", "fence", "form",
    "separator", "lspace", "rspace", "columnalign", "columnspacing", "rowspacing",
    "displaystyle", "width", "height", "depth", "linebreak", "notation", "accent",
    "accentunder", "movablelimits", "mathcolor", "mathbackground", "mathsize",
    "scriptlevel", "minsize", "maxsize", "symmetric", "largeop", "columnlines", "rowlines",
    "frame", "framespacing", "rowalign", "voffset", "columnspan", "rowspan", "start",
}  # fmt: skip


class SafetyChecker(HTMLParser):
    """Parses rendered HTML as the browser would and records anything that could run
    script or load a resource."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on") or name not in ALLOWED_ATTRS:
                self.problems.append(f"attribute {name} on {tag}")
            if name == "style" and tag != "td" and tag != "th":
                self.problems.append(f"style on {tag}")
            if name == "href" and not (value or "").startswith(("http://", "https://", "mailto:")):
                self.problems.append(f"href {value}")
            scheme = re.match(r"\s*(javascript|vbscript|data):", value or "", re.I)
            if scheme and name != "data-latex":
                self.problems.append(f"{name}={value}")


def assert_safe(html: str) -> None:
    checker = SafetyChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems


def stream(text: str, cuts: list[int]) -> tuple[str, StreamingRenderer]:
    renderer = StreamingRenderer()
    view: list[str] = []
    last = 0
    for cut in sorted(set(cuts)):
        view = apply_patch(view, renderer.feed(text[last:cut]))
        last = cut
    view = apply_patch(view, renderer.feed(text[last:]))
    view = apply_patch(view, renderer.finish())
    return "".join(view), renderer


@settings(max_examples=400, deadline=None)
@given(mixed_text)
def test_never_raises_and_is_safe(text: str) -> None:
    assert_safe(render_markdown(text))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), markdown_text)
def test_streaming_equals_one_shot(data: st.DataObject, text: str) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    html, _ = stream(text, cuts)
    assert html == render_markdown(text)


@settings(max_examples=600, deadline=None)
@given(fragment_lists)
def test_streaming_fragment_by_fragment_equals_one_shot(fragments: list[str]) -> None:
    """Deltas that end exactly where a fragment ends: the adversarial case where a
    line looks like one block now and turns into another with the next delta."""
    text = "".join(fragments)
    cuts = [sum(len(f) for f in fragments[:i]) for i in range(1, len(fragments))]
    html, _ = stream(text, cuts)
    assert html == render_markdown(text)


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_streaming_char_by_char_equals_one_shot(text: str) -> None:
    html, _ = stream(text, list(range(len(text))))
    assert html == render_markdown(text)


def test_table_delimiter_row_broken_after_sealing_point() -> None:
    """A delimiter row that stops being one must not leave a sealed paragraph behind."""
    text = "x\n| a | b |\n|---|---|x\n\nend\n"
    html, _ = stream(text, [len("x\n| a | b |\n|---|---|")])
    assert html == render_markdown(text)
