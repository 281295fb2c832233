"""The 652 examples of the CommonMark 0.31.2 spec: Parley renders each as markdown-it
does in CommonMark mode (raw HTML as text, as Parley has it), apart from the safe
links, images and code blocks it renders on purpose (see `spec_compare`) and the few
examples listed here, where it reads math or a bare URL on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.render import render_markdown
from tests import corpora
from tests.corpora import load_corpus, require_corpus
from tests.render.spec_compare import (
    commonmark_reference,
    normalise_expected,
    normalise_parley,
)

CORPUS = "commonmark-0.31.2.json"
EXAMPLES: list[dict[str, Any]] = load_corpus(CORPUS) or []

# Examples Parley renders differently on purpose, and why. Any other difference fails,
# and so does an example listed here that no longer differs.
DELIBERATE = {
    12: "`\\(\\)` and `\\[\\\\\\]` among the escaped punctuation are read as LaTeX",
    602: "GFM extended autolink: the URL inside `<https://foo.bar/baz bim>` is linked",
    608: "GFM extended autolink: the URL inside `< https://foo.bar >` is linked",
    611: "GFM extended autolink: a bare `https://example.com` is linked",
}


def is_math(example: dict[str, Any]) -> bool:
    """Whether the example has text Parley may read as math delimiters."""
    markdown = example["markdown"]
    return "\\(" in markdown or "\\[" in markdown or "$" in markdown


def test_corpus_is_there() -> None:
    require_corpus(CORPUS)
    assert len(EXAMPLES) == 652


def test_every_deliberate_math_difference_is_in_a_math_example() -> None:
    require_corpus(CORPUS)
    by_number = {example["example"]: example for example in EXAMPLES}
    math = {number for number, reason in DELIBERATE.items() if "LaTeX" in reason}
    assert all(is_math(by_number[number]) for number in math)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e['example']}-{e['section']}")
def test_example(example: dict[str, Any]) -> None:
    expected = normalise_expected(commonmark_reference().render(example["markdown"]))
    rendered = normalise_parley(render_markdown(example["markdown"]))
    if example["example"] in DELIBERATE:
        assert rendered != expected, "no longer differs: take it off DELIBERATE"
    else:
        assert rendered == expected


def test_a_missing_corpus_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpora, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception):
        require_corpus("no-such-corpus.json")
