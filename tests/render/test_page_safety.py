"""Rendered answers are inert on the page: over the public XSS corpus in every
wrapping, only the elements and attributes the renderer writes, safe link targets,
and no class, id or style that model text chose; `mailto:` keeps only its subject
and body."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop.render import render_markdown
from desktop.render.links import link_target
from tests.render.page_markup import class_count, elements, page_classes, problems
from tests.render.xss_corpus import WRAPPINGS, xss_payloads


@pytest.mark.parametrize("wrapping", list(WRAPPINGS), ids=list(WRAPPINGS))
def test_every_corpus_payload_renders_inert(wrapping: str) -> None:
    wrap = WRAPPINGS[wrapping]
    failures = {}
    for n, payload in enumerate(xss_payloads()):
        found = problems(render_markdown(wrap(payload)))
        if found:
            failures[n] = found
    assert failures == {}


# Ways model text could try to put one of the page's classes (or ids) on an element.
INJECTIONS: dict[str, Callable[[str], str]] = {
    "math class": lambda c: f"$\\class{{{c}}}{{\\text{{Your token was revoked}}}}$",
    "display math class": lambda c: f"$$\\class{{notice {c}}}{{x}}$$",
    "math htmlClass": lambda c: f"$\\htmlClass{{{c}}}{{x}}$",
    "math style": lambda c: f"$\\style{{{c}}}{{x}}$",
    "math htmlStyle": lambda c: f"$\\htmlStyle{{{c}}}{{x}}$",
    "math cssId": lambda c: f"$\\cssId{{{c}}}{{x}}$",
    "math htmlId": lambda c: f"$$\\htmlId{{{c}}}{{x}}$$",
    "raw html": lambda c: f'<div class="{c}">x</div> <span class={c}>y</span>',
    "attribute syntax": lambda c: f"Text {{.{c}}}\n\n[x](https://e.com){{.{c}}}",
    "link title": lambda c: f'[x](https://e.com "{c}")',
    "fence info": lambda c: f"```{c}\ncode\n```",
    "table cell": lambda c: f"| {c} |\n|---|\n| `{c}` |",
}
NEUTRAL = "parleyneutral"


@pytest.mark.parametrize("injection", list(INJECTIONS), ids=list(INJECTIONS))
def test_model_text_cannot_put_a_page_class_on_an_element(injection: str) -> None:
    make = INJECTIONS[injection]
    neutral = render_markdown(make(NEUTRAL))
    assert class_count(neutral, NEUTRAL) == 0
    added = {}
    for name in sorted(page_classes()):
        html = render_markdown(make(name))
        chosen = [
            f"{n}={v!r}"
            for e in elements(html)
            for n, v in e.attrs
            if n == "id" or n == "style" and e.tag not in ("th", "td")
        ]
        if class_count(html, name) != class_count(neutral, name) or chosen:
            added[name] = html
    assert added == {}


def test_latex_class_does_not_become_a_parley_notice() -> None:
    html = render_markdown("$\\class{notice error}{\\text{Your token was revoked}}$")
    assert class_count(html, "notice") == 0
    assert class_count(html, "error") == 0
    assert "Your token was revoked" in html  # the text stays, as math text


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[x](mailto:x@y?attach=/home/user/.ssh/id_rsa)", "mailto:x@y"),
        ("<mailto:a@b?Subject=Hi&cc=c@d&body=B&attach=x>", "mailto:a@b?Subject=Hi&body=B"),
        ("[m](mailto:a@b?subject=S#frag)", "mailto:a@b?subject=S"),
        ("[m](MAILTO:a%3Fattach=/etc/passwd@b)", "MAILTO:a"),
        ("![img](mailto:a@b?attach=x)", "mailto:a@b"),
        ("<a@b.example>", "mailto:a@b.example"),
    ],
)
def test_mailto_links_keep_only_subject_and_body(markdown: str, href: str) -> None:
    links = [e for e in elements(render_markdown(markdown)) if e.tag == "a"]
    assert [dict(e.attrs).get("href") for e in links] == [href]


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://e.com/a?b=c", "https://e.com/a?b=c"),
        ("mailto:x@y?attach=/home/user/.ssh/id_rsa&body=hi", "mailto:x@y?body=hi"),
        ("mailto:x@y?to=z@w&bcc=q@r", "mailto:x@y"),
        (" javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,<script>", None),
    ],
)
def test_link_target(url: str, target: str | None) -> None:
    assert link_target(url) == target
