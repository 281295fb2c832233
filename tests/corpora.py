"""The public test corpora in `<repo>/../shared/reference/corpora/` (CommonMark and GFM
examples, XSS payloads), read in place: without them a test skips, except in CI
(CI=true), where their absence is a failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "corpora"


def load_corpus(name: str) -> Any:
    """The parsed corpus file, or None when it is missing (see `require_corpus`)."""
    path = CORPORA / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def require_corpus(name: str) -> None:
    """Skip without the corpus, except in CI, where its absence is a failure."""
    if not (CORPORA / name).is_file():
        message = f"corpus {name} not found in {CORPORA.resolve()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
