"""Rendering benchmark: a ~200 KB answer with headings, nested lists, tables, 900 code
blocks and 1,800 formulas, rendered one-shot (cold and warm) and streamed in 40-char
deltas. Run: .venv/bin/python tests/bench/bench_render.py"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import time
from functools import lru_cache

from desktop.render import StreamingRenderer, render_markdown
from desktop.render import code as code_module
from desktop.render.math import clear_cache

ONE_SHOT_BUDGET_MS = 500.0
FEED_BUDGET_MS = 1.0

SNIPPETS = {
    "python": "def area(r: float) -> float:\n    return 3.14159 * r ** 2  # {n}\n",
    "javascript": "const f{n} = (x) => {{\n  return x * {n};\n}};\n",
    "rust": "fn main() {{\n    let v{n}: Vec<i32> = vec![1, 2, {n}];\n}}\n",
    "bash": 'for f in *.txt; do\n  echo "$f {n}"\ndone\n',
    "json": '{{"id": {n}, "tags": ["a", "b"]}}\n',
}
FORMULAS = [
    "\\({a}^2 + b_{{{n}}} = c\\)",
    "${x}_{n} + \\frac{{1}}{{{n}}}$",
    "\\[\\sum_{{k=1}}^{{{n}}} k = \\frac{{{n}({n}+1)}}{{2}}\\]",
    "$$\\int_0^{{{n}}} e^{{-x}} \\, dx$$",
]


def answer() -> str:
    """The benchmark answer; sections repeat with varying numbers so half the
    formulas are distinct."""
    parts: list[str] = []
    languages = list(SNIPPETS)
    for n in range(450):
        parts.append(
            f"## Section {n}\n\nSome **text** with `code` and a [link](https://e.com/{n}).\n"
        )
        parts.append("- item one\n  - nested two\n    - nested three\n- item four\n")
        if n % 5 == 0:
            parts.append("\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n")
        for k in range(2):
            lang = languages[(n * 2 + k) % len(languages)]
            parts.append(f"\n```{lang}\n{SNIPPETS[lang].format(n=n)}```\n")
        distinct = n % 2 == 0
        for k, template in enumerate(FORMULAS):
            value = n if distinct else 1001
            formula = template.format(a="ab"[k % 2], x="xy"[k % 2], n=value)
            if template.startswith(("\\[", "$$")):
                parts.append(f"\n{formula}\n\n")
            else:
                parts.append(f"Inline {formula} in a sentence.\n\n")
    return "".join(parts)


def reset_caches() -> None:
    clear_cache()
    for name in dir(code_module):
        obj = getattr(code_module, name)
        if hasattr(obj, "cache_clear") and isinstance(obj, type(lru_cache()(len))):
            obj.cache_clear()


def timed(fn: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def breakdown(text: str) -> None:
    reset_caches()
    profile = cProfile.Profile()
    profile.enable()
    render_markdown(text)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    groups = {
        "parse (markdown-it)": ("parse",),
        "highlight (pygments)": ("code_block_html",),
        "math (latex2mathml)": ("latex_to_mathml",),
    }
    cumulative: dict[str, float] = {}
    for (filename, _, func), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, names in groups.items():
            if func in names and ("markdown_it" in filename or "desktop" in filename):
                cumulative[label] = max(cumulative.get(label, 0.0), row[3])
    parse = cumulative.get("parse (markdown-it)", 0.0)
    highlight = cumulative.get("highlight (pygments)", 0.0)
    math = cumulative.get("math (latex2mathml)", 0.0)
    # Code and math rendering happen in the render pass, after parsing.
    print("breakdown (cold, under cProfile, so slower than real):")
    print(f"  parse      {parse * 1000:7.1f} ms (includes finding math delimiters)")
    print(f"  highlight  {highlight * 1000:7.1f} ms")
    print(f"  math       {math * 1000:7.1f} ms")
    print(f"  other      {(total - parse - highlight - math) * 1000:7.1f} ms (render, grouping)")


def main() -> int:
    text = answer()
    print(f"answer: {len(text) / 1024:.0f} KB, {text.count('```') // 2} code blocks")
    formulas = text.count("\\(") + text.count("\\[") + text.count("$$") // 2
    print(f"formulas: about {formulas + text.count('Inline $')}")

    def cold() -> None:
        reset_caches()
        render_markdown(text)

    render_markdown(text)  # import-time work and lexer look-ups out of the way
    cold_ms = statistics.median(timed(cold, 7))
    warm_ms = statistics.median(timed(lambda: render_markdown(text), 7))
    print(f"one-shot cold: {cold_ms:.0f} ms (median of 7; budget {ONE_SHOT_BUDGET_MS:.0f})")
    print(f"one-shot warm: {warm_ms:.0f} ms (median of 7)")

    reset_caches()
    renderer = StreamingRenderer()
    feeds: list[float] = []
    for i in range(0, len(text), 40):
        start = time.perf_counter()
        renderer.feed(text[i : i + 40])
        feeds.append((time.perf_counter() - start) * 1000)
    renderer.finish()
    median_feed = statistics.median(feeds)
    first, last = statistics.mean(feeds[:500]), statistics.mean(feeds[-500:])
    print(f"streaming: {len(feeds)} feeds, median {median_feed:.3f} ms, max {max(feeds):.1f} ms")
    print(f"  mean of first 500 {first:.3f} ms, last 500 {last:.3f} ms (ratio {last / first:.2f})")
    breakdown(text)
    ok = cold_ms <= ONE_SHOT_BUDGET_MS and median_feed <= FEED_BUDGET_MS and last <= 3 * first
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
