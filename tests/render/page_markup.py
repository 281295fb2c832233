"""What the conversation page lets rendered answers contain: the elements and
attributes Parley's renderer writes, the classes it uses, and the classes the page's
own CSS and scripts react to (read from resources/page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from pygments.token import STANDARD_TYPES

from desktop.render import render_markdown
from desktop.render.math import _ALLOWED_ATTRS as MATHML_ATTRS
from desktop.render.math import _ALLOWED_TAGS as MATHML_TAGS

PAGE = Path(__file__).resolve().parents[2] / "resources" / "page"
GOLDEN = Path(__file__).resolve().parent / "golden"

HTML_TAGS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del"}
    | {"code", "pre", "blockquote", "ul", "ol", "li", "a", "div", "span", "input"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
# Attributes by element ("*": any element); MathML elements take MATHML_ATTRS.
HTML_ATTRS = {
    "*": {"class"},
    "a": {"href", "rel", "title"},
    "div": {"data-latex", "data-lang"},
    "span": {"data-latex"},
    "code": {"data-latex"},
    "pre": {"data-latex"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "input": {"type", "checked", "disabled"},
}
# markdown-it's column alignment is the only inline style the renderer writes.
TABLE_STYLES = frozenset({"text-align:left", "text-align:center", "text-align:right"})
# The scheme decides (an http URL may well contain "javascript:" in its path).
# The scheme decides (an http URL may well contain "javascript:" in its path).
SAFE_HREF = re.compile(r"(https?://|mailto:)", re.IGNORECASE)

# Every feature of the renderer that writes a class.
FEATURES = """\
# Title

- [ ] task
- [x] done

```python
def f(x: int) -> str:  # comment
    return f"{x!r}" + 'a' * 2 if x else None
```

```
plain
```

    indented code

| a | b |
|:-|-:|
| 1 | 2 |

Inline $x^2$, display $$\\frac{a}{b}$$, broken $\\frac{$, [bad](javascript:x),
![alt](https://e.com/i.png), ![alt](file:///etc/passwd), <https://e.com>.

$$
\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}
$$

$$
\\left( x
$$
"""


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.attrs = attrs

    @property
    def classes(self) -> list[str]:
        return [c for name, value in self.attrs if name == "class" for c in (value or "").split()]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))


def elements(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def class_count(html: str, name: str) -> int:
    return sum(name in element.classes for element in elements(html))


@cache
def renderer_classes() -> frozenset[str]:
    """Every class Parley's renderer writes: those in the rendering of every feature
    and of the reviewed answers, and Pygments' short token classes."""
    sources = [FEATURES] + [path.read_text() for path in sorted(GOLDEN.glob("*.md"))]
    found = {c for text in sources for e in elements(render_markdown(text)) for c in e.classes}
    return frozenset(found | {str(c) for c in STANDARD_TYPES.values() if c})


def _css_classes(css: str) -> Iterator[str]:
    # Selectors only: declarations hold numbers such as `0.5em`.
    for selector in re.sub(r"\{[^{}]*\}", " ", re.sub(r"/\*.*?\*/", "", css, flags=re.S)).split():
        yield from re.findall(r"\.([A-Za-z_][\w-]*)", selector)


def _js_classes(js: str) -> Iterator[str]:
    for literal in re.findall(r'"((?:[^"\\\n]|\\.)*)"', js):
        yield from re.findall(r"\.([A-Za-z_][\w-]*)", literal)
    for names in re.findall(r'el\("\w+", "([^"]+)"', js):
        yield from names.split()
    for names in re.findall(r'classList\.\w+\("([^"]+)"', js):
        yield from names.split()
    yield from re.findall(r'className = "([^"]+)"', js)


@cache
def page_classes() -> frozenset[str]:
    """The classes the page's stylesheets and scripts select, style or set."""
    found: set[str] = set()
    for path in PAGE.glob("*.css"):
        found.update(_css_classes(path.read_text()))
    for path in PAGE.glob("*.js"):
        found.update(_js_classes(path.read_text()))
    return frozenset(found)


def problems(html: str) -> list[str]:
    """Everything in rendered `html` outside what the renderer may write."""
    found: list[str] = []
    allowed_classes = renderer_classes()
    for element in elements(html):
        tag = element.tag
        mathml = tag in MATHML_TAGS
        if not mathml and tag not in HTML_TAGS:
            found.append(f"element <{tag}>")
        for name, value in element.attrs:
            value = value or ""
            if name.startswith("on"):
                found.append(f"handler {name} on <{tag}>")
            elif mathml:
                if name not in MATHML_ATTRS and (name, tag) not in {
                    ("display", "math"),
                    ("encoding", "annotation"),
                }:
                    found.append(f"attribute {name} on <{tag}>")
            elif name not in HTML_ATTRS["*"] | HTML_ATTRS.get(tag, set()):
                found.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not SAFE_HREF.match(value):
                found.append(f"href {value!r}")
            elif name == "style" and value not in TABLE_STYLES:
                found.append(f"style {value!r} on <{tag}>")
        for name in element.classes:
            if name not in allowed_classes:
                found.append(f"class {name!r} on <{tag}>")
    return found
