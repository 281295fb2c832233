"""Packaged-build benchmark: start-up time of the PyInstaller bundle and the sizes people
download, against the budgets (1.0 s start, 380 MB unpacked, 120 MB archive and .deb).

Start is measured as the issue defines it: from the bundle's process start until its
window shows the loaded conversation page (the app's `PARLEY_REPORT_READY` hook),
median of 5 with a bare environment. `--self-test` (which also renders a sample and
checks the keyring) and the xdotool-seen window mapping are reported beside it.

Build first (packaging/build.sh), then, with a display for the window timing:
  xvfb-run -a .venv/bin/python -m tests.bench.bench_package
PARLEY_DIST=<dir> measures another dist/; PARLEY_BENCH_COLD=1 (root) drops the page cache.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bare_env import bare_env
from tests.bench.app_hooks import reported_times, running

ROOT = Path(__file__).resolve().parents[2]
RUNS = 5
MB = 1_000_000
BUDGET_START_S = 1.0
BUDGETS_MB = {"bundle": 380, "archive": 120, "deb": 120}


def drop_page_cache() -> bool:
    """A real cold start reads the libraries from disk. Dropping the page cache slows every
    other process on the machine, so it needs root and PARLEY_BENCH_COLD=1."""
    if os.environ.get("PARLEY_BENCH_COLD") != "1":
        return False
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def time_self_test(exe: Path, home: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(exe), "--self-test"],
        env=bare_env(home),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"--self-test failed:\n{done.stdout}{done.stderr[-2000:]}")
    return elapsed


def time_page_ready(exe: Path, home: Path) -> float:
    """Process start until the conversation page has loaded in the shown window (the
    app's `parley-ready` report)."""
    return reported_times([str(exe)], bare_env(home), home, "ready")["ready"] / 1000


def time_window_map(exe: Path, home: Path) -> float:
    """Process start to the main window being mapped, polled every 20 ms (`xdotool
    search --sync` polls only every 0.5 s, too coarse for this)."""
    env = bare_env(home)
    started = time.perf_counter()
    with running([str(exe)], env, home, subprocess.DEVNULL) as app:
        while time.perf_counter() - started < 60:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(app.pid), "--name", "^Parley"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if found.stdout.strip():
                return time.perf_counter() - started
            time.sleep(0.02)
        raise SystemExit("the packaged app's window never showed")


def median_of(runs: int, measure: Callable[[], float], cold: bool) -> tuple[float, list[float]]:
    samples = []
    for _ in range(runs):
        if cold:
            drop_page_cache()
        samples.append(measure())
    return statistics.median(samples), samples


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())
    return path.stat().st_size


def main() -> int:
    dist = Path(os.environ.get("PARLEY_DIST", ROOT / "dist")).resolve()
    exe = dist / "parley" / "parley"
    if not exe.exists():
        print(f"no bundle at {exe}: run packaging/build.sh first", file=sys.stderr)
        return 2
    from desktop import __version__

    artefacts = {
        "bundle": dist / "parley",
        "archive": next(iter(dist.glob(f"parley-{__version__}-linux-*.tar.xz")), None),
        "deb": next(iter(dist.glob(f"parley_{__version__}_*.deb")), None),
    }
    over = []
    print(f"Parley {__version__} package benchmark ({dist})")
    for name, path in artefacts.items():
        if path is None:
            print(f"  {name:<26} missing")
            continue
        mb = size_of(path) / MB
        verdict = "ok" if mb <= BUDGETS_MB[name] else "OVER"
        if verdict == "OVER":
            over.append(name)
        print(f"  {name + ' size':<26} {mb:8.1f} MB   budget {BUDGETS_MB[name]} MB  {verdict}")

    cold = drop_page_cache()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        home = Path(tmp)
        time_self_test(exe, home)  # first run creates the data folder
        if os.environ.get("DISPLAY"):
            median, samples = median_of(RUNS, lambda: time_page_ready(exe, home), cold)
            verdict = "ok" if median <= BUDGET_START_S else "OVER"
            if verdict == "OVER":
                over.append("start")
            label = "start to page loaded" + (" (cold)" if cold else "")
            print(
                f"  {label:<26} {median:8.2f} s    budget {BUDGET_START_S} s   {verdict}"
                f"   runs: {', '.join(f'{s:.2f}' for s in samples)}"
            )
        else:
            over.append("start")
            print("  start to page loaded       not measured (needs DISPLAY)")
        median, samples = median_of(RUNS, lambda: time_self_test(exe, home), cold)
        label = "--self-test" + (" (cold)" if cold else "")
        print(
            f"  {label:<26} {median:8.2f} s    (renders a sample, checks keyring and data dir)"
            f"   runs: {', '.join(f'{s:.2f}' for s in samples)}"
        )
        if os.environ.get("DISPLAY") and shutil.which("xdotool"):
            median, samples = median_of(RUNS, lambda: time_window_map(exe, home), cold)
            print(
                f"  {'window mapped':<26} {median:8.2f} s    (process start to visible window)"
                f"   runs: {', '.join(f'{s:.2f}' for s in samples)}"
            )
        else:
            print("  window mapped              skipped (needs DISPLAY and xdotool)")
    if not cold:
        print("  (warm page cache; PARLEY_BENCH_COLD=1 as root drops it before every run)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
