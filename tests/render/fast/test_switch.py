"""The accelerators' switch: PARLEY_RENDER_FAST=0 gives the stock path, an installed
library outside the tested range turns its accelerator off on its own, and either way
the HTML is the same as with every accelerator on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pygments.lexer import RegexLexer

from desktop.render import code, fast, math, render_markdown
from tests.bench.bench_render import answer

ROOT = Path(__file__).resolve().parents[3]


def _forget() -> None:
    fast.enabled.cache_clear()
    code._lexer.cache_clear()
    code._cached_code_block_html.cache_clear()
    math.clear_cache()


@pytest.fixture
def fresh_decisions() -> Iterator[None]:
    _forget()
    yield
    _forget()


def test_all_accelerators_run_at_the_tested_versions(fresh_decisions: None) -> None:
    assert fast.ENABLED
    assert all(fast.enabled(name) for name in fast.TESTED)


@pytest.mark.parametrize("version", ["2.22.0", "2.20.1", "3.0", "unknown"])
def test_an_untested_library_version_falls_back_to_the_stock_path(
    version: str, fresh_decisions: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = "```python\ndef f(x):\n    return x ** 2  # square\n```\n\nand $x^2$\n"
    accelerated = render_markdown(sample)
    assert code._lexer("python").get_tokens_unprocessed.__func__ is not (  # type: ignore[union-attr]
        RegexLexer.get_tokens_unprocessed
    )
    real = fast.installed_version
    monkeypatch.setattr(
        fast, "installed_version", lambda module: version if module == "pygments" else real(module)
    )
    _forget()
    assert not fast.enabled("lexer")
    assert fast.enabled("mathml"), "only the accelerator that reaches into Pygments stops"
    lexer = code._lexer("python")
    assert type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
    assert "get_tokens_unprocessed" not in vars(lexer)
    assert render_markdown(sample) == accelerated


def test_switch_off_renders_the_same_html_on_the_stock_path() -> None:
    """A whole benchmark answer (every block kind, 900 code blocks, 1,800 formulas)
    rendered by a process with PARLEY_RENDER_FAST=0 equals the accelerated render."""
    script = (
        "import sys\n"
        "from desktop.render import fast, render_markdown\n"
        "from tests.bench.bench_render import answer\n"
        "assert not fast.ENABLED and not any(fast.enabled(n) for n in fast.TESTED)\n"
        "sys.stdout.write(render_markdown(answer()))\n"
    )
    env = {**os.environ, fast.ENV_SWITCH: "0"}
    command = [sys.executable, "-c", script]
    stock = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    assert stock.stdout == render_markdown(answer())
