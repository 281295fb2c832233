"""The GFM spec's table and strikethrough examples and markdown-it-py's fixtures for
them: Parley renders each as expected. The corpus has no task-list or extended
autolink examples; `test_commonmark_spec` lists where the autolinks differ from
plain CommonMark."""

from __future__ import annotations

import re
from typing import Any

import pytest

from desktop.render import render_markdown
from tests.corpora import load_corpus, require_corpus
from tests.render.spec_compare import (
    normalise_expected,
    normalise_parley,
)

CORPUS = "gfm-extensions.json"
SETS = ("gfm_spec", "mdit_tables", "mdit_strikethrough")
_corpus: dict[str, Any] = load_corpus(CORPUS) or {}
EXAMPLES = [(name, example) for name in SETS for example in _corpus.get(name, [])]


def _name(case: tuple[str, dict[str, Any]]) -> str:
    name, example = case
    return f"{name}-{example.get('example') or example.get('line')}"


# cmark-gfm writes a column's alignment as `align="…"` and deletion as `<del>`;
# markdown-it, which Parley uses, writes the same as a text-align style and `<s>`.
_ALIGN = re.compile(r' align="(left|center|right)"')


def as_markdown_it(expected: str) -> str:
    expected = _ALIGN.sub(r' style="text-align:\1"', expected)
    return expected.replace("<del>", "<s>").replace("</del>", "</s>")


def test_corpus_is_there() -> None:
    require_corpus(CORPUS)
    assert {name: len(_corpus[name]) for name in SETS} == {
        "gfm_spec": 10,
        "mdit_tables": 42,
        "mdit_strikethrough": 15,
    }


@pytest.mark.parametrize("case", EXAMPLES, ids=[_name(case) for case in EXAMPLES])
def test_example(case: tuple[str, dict[str, Any]]) -> None:
    _, example = case
    expected = normalise_expected(as_markdown_it(example["html"]))
    assert normalise_parley(render_markdown(example["markdown"])) == expected
