"""Rendering benchmark: a ~200 KB answer with headings, nested lists, tables, 900 code
blocks and 1,800 formulas, rendered one-shot (cold and warm) and streamed in 40-char
deltas, and the cost of `finish()` at the end of a stream.
Run: .venv/bin/python tests/bench/bench_render.py [--stock] [--accelerators]
(`--stock` measures with every accelerator off; `--accelerators` prints what each
accelerator saves on the cold one-shot render, each measured in a fresh process.)

"Cold" means the formula cache and the highlighted-code cache are cleared before each
run; Pygments lexer instances and their joined regex tables (built once per process and
lexer class) stay warm. The first render in a fresh process, imports excluded, is
reported too. Wall time is what counts; CPU time is printed beside it because the
benchmark machine is often shared."""

from __future__ import annotations

import cProfile
import math
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from desktop.render import StreamingRenderer, fast, render_markdown
from desktop.render import code as code_module
from desktop.render.math import clear_cache

ONE_SHOT_BUDGET_MS = 500.0
FEED_BUDGET_MS = 1.0
FINISH_BUDGET_MS = 50.0

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
    """Forget converted formulas and highlighted code (lexers stay warm)."""
    clear_cache()
    code_module._cached_code_block_html.cache_clear()


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `runs` calls."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def fresh_process_ms() -> float:
    """The first render in a new interpreter, imports excluded."""
    code = (
        "import time; from tests.bench.bench_render import answer, render_markdown; "
        "t = answer(); s = time.perf_counter(); render_markdown(t); "
        "print((time.perf_counter() - s) * 1000)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=os.getcwd()
    )
    return float(out.stdout.strip())


def finish_ms(text: str) -> float:
    """How long `finish()` takes after streaming `text` in 40-char deltas."""
    renderer = StreamingRenderer()
    for i in range(0, len(text), 40):
        renderer.feed(text[i : i + 40])
    start = time.perf_counter()
    renderer.finish()
    return (time.perf_counter() - start) * 1000


ACCELERATORS = tuple(fast.TESTED)


def cold_cpu_ms(runs: int = 7) -> float:
    """Least CPU milliseconds of `runs` cold one-shot renders, after a first render that
    takes imports and lexer look-ups out of the way (the least, because on a shared
    machine other work only ever adds time)."""
    text = answer()
    render_markdown(text)
    times: list[float] = []
    for _ in range(runs):
        reset_caches()
        start = time.process_time()
        render_markdown(text)
        times.append((time.process_time() - start) * 1000)
    return min(times)


def without_ms(off: str) -> float:
    """`cold_cpu_ms` in a fresh process with accelerator `off` turned off ("all": the
    stock path; "": none)."""
    code = (
        "import desktop.render.fast as fast\n"
        "on = fast.enabled\n"
        f"fast.enabled = lambda name: {off!r} != 'all' and name != {off!r} and on(name)\n"
        "from tests.bench.bench_render import cold_cpu_ms\n"
        "print(cold_cpu_ms())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=os.getcwd()
    )
    return float(out.stdout.strip())


def accelerator_savings(rounds: int = 6) -> None:
    """What each accelerator saves: the cold one-shot render without it, against the
    render with all of them (CPU time; the variants take turns, `rounds` times, and
    each keeps its least time, so load from elsewhere counts as little as it can)."""
    variants = ("", "all", *ACCELERATORS)
    best = {variant: math.inf for variant in variants}
    for _ in range(rounds):
        for variant in variants:
            best[variant] = min(best[variant], without_ms(variant))
    base = best[""]
    print(f"cold one-shot CPU: all accelerators {base:.0f} ms, stock path {best['all']:.0f} ms")
    for name in ACCELERATORS:
        saved = best[name] - base
        print(f"  {name:<7} saves {saved:5.0f} ms ({saved / base:4.0%} of the one-shot render)")


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
        "math (fast path, latex2mathml)": ("latex_to_mathml",),
    }
    cumulative: dict[str, float] = {}
    for (filename, _, func), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, names in groups.items():
            if func in names and ("markdown_it" in filename or "desktop" in filename):
                cumulative[label] = max(cumulative.get(label, 0.0), row[3])
    parse = cumulative.get("parse (markdown-it)", 0.0)
    highlight = cumulative.get("highlight (pygments)", 0.0)
    math = cumulative.get("math (fast path, latex2mathml)", 0.0)
    # Code and math rendering happen in the render pass, after parsing.
    print("breakdown (cold, under cProfile, so slower than real):")
    print(f"  parse      {parse * 1000:7.1f} ms (includes finding math delimiters)")
    print(f"  highlight  {highlight * 1000:7.1f} ms")
    print(f"  math       {math * 1000:7.1f} ms")
    print(f"  other      {(total - parse - highlight - math) * 1000:7.1f} ms (render, grouping)")


def main(argv: list[str]) -> int:
    if "--stock" in argv and os.environ.get(fast.ENV_SWITCH) != "0":
        # The switch is read when rendering is first imported: measure in a new process.
        env = {**os.environ, fast.ENV_SWITCH: "0"}
        return subprocess.call([sys.executable, "-m", "tests.bench.bench_render", *argv], env=env)
    if "--accelerators" in argv:
        accelerator_savings()
        return 0
    print("accelerators: " + ("on" if fast.ENABLED else "off (stock path)"))
    text = answer()
    print(f"answer: {len(text) / 1024:.0f} KB, {text.count('```') // 2} code blocks")
    formulas = text.count("\\(") + text.count("\\[") + text.count("$$") // 2
    print(f"formulas: about {formulas + text.count('Inline $')}")

    def cold() -> None:
        reset_caches()
        render_markdown(text)

    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    fresh = statistics.median(fresh_process_ms() for _ in range(3))
    print(f"one-shot, first in a fresh process: {fresh:.0f} ms (median of 3)")
    render_markdown(text)  # import-time work and lexer look-ups out of the way
    cold_ms, cold_cpu = timed(cold, 7)
    warm_ms, warm_cpu = timed(lambda: render_markdown(text), 7)
    print(
        f"one-shot cold: {cold_ms:.0f} ms, CPU {cold_cpu:.0f} ms "
        f"(median of 7; budget {ONE_SHOT_BUDGET_MS:.0f})"
    )
    print(f"one-shot warm: {warm_ms:.0f} ms, CPU {warm_cpu:.0f} ms (median of 7)")

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
    plain_finish = statistics.median(finish_ms(text) for _ in range(3))
    with_refs = text.replace("[link]", "[link][d]", 1) + "\n[d]: https://e.com/d\n"
    refs_finish = statistics.median(finish_ms(with_refs) for _ in range(3))
    print(f"finish(): {plain_finish:.1f} ms, with a link definition {refs_finish:.1f} ms")
    breakdown(text)
    ok = (
        cold_ms <= ONE_SHOT_BUDGET_MS
        and median_feed <= FEED_BUDGET_MS
        and last <= 3 * first
        and max(plain_finish, refs_finish) <= FINISH_BUDGET_MS
    )
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
