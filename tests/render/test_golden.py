"""The five answers from the model's reference page render exactly as reviewed.
Regenerate the expected HTML with PARLEY_REGEN_GOLDEN=1 (then review the diff)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.render import StreamingRenderer, apply_patch, render_markdown

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.md"))


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    text = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    expected_path = GOLDEN / f"{name}.html"
    html = render_markdown(text)
    if os.environ.get("PARLEY_REGEN_GOLDEN") == "1":
        expected_path.write_text(html, encoding="utf-8")
    assert html == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_golden_streamed_in_small_deltas(name: str) -> None:
    text = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    renderer = StreamingRenderer()
    view: list[str] = []
    for i in range(0, len(text), 3):
        view = apply_patch(view, renderer.feed(text[i : i + 3]))
    view = apply_patch(view, renderer.finish())
    assert "".join(view) == (GOLDEN / f"{name}.html").read_text(encoding="utf-8")


def test_all_five_answers_present() -> None:
    assert len(CASES) == 5
