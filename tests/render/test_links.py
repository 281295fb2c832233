"""Plain link targets skip markdown-it's URL normalisation only where it would return
them unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink

from desktop.render.links import PLAIN_URL
from desktop.render.markdown import _make_parser

TYPICAL = [
    "https://e.com",
    "https://docs.python.org/3/library/re.html#re.Pattern.fullmatch",
    "http://localhost:8080/api/v1/items?id=3&sort=desc",
    "https://en.wikipedia.org/wiki/Euler's_formula_(complex)",
    "https://a-b.example.org/path/with-dash_and~tilde/?q=a+b,c;d:e@f!g$h*i",
]

NOT_PLAIN = [
    "HTTPS://E.COM",
    "https://É.com",
    "https://e.com/a b",
    "https://e.com/%7e",
    "https://e.com/ü",
    "javascript:alert(1)",
    "//e.com",
    "https://e.com/<x>",
]


@pytest.mark.parametrize("url", TYPICAL)
def test_typical_links_are_plain_and_unchanged(url: str) -> None:
    assert PLAIN_URL.fullmatch(url)
    assert normalizeLink(url) == url


@pytest.mark.parametrize("url", NOT_PLAIN)
def test_others_go_through_markdown_it(url: str) -> None:
    assert not PLAIN_URL.fullmatch(url)
    md = _make_parser()
    assert md.normalizeLink(url) == normalizeLink(url)


@settings(max_examples=500)
@given(st.from_regex(PLAIN_URL, fullmatch=True))
def test_every_plain_url_is_left_unchanged_by_markdown_it(url: str) -> None:
    assert normalizeLink(url) == url
