"""GUI benchmark (issue #4 item 9): cold start, streaming smoothness, final paint,
memory and memory creep, typing latency — against budgets.

Run under a display::

    xvfb-run -a .venv/bin/python tests/bench/bench_ui.py [--quick] [--profile]

The orchestrating process never loads Qt. It starts the fake Responses server as
subprocesses (so the server's CPU is not the app's), then runs each measurement in
a fresh child process (this script with ``--child MODE``) that prints one
``BENCH-RESULT {json}`` line. Exit status 1 if any budget is missed.

What is measured, precisely:

(a) cold start, twice: ``parley`` (the console script) until its main window is
    mapped and viewable (``xdotool search --onlyvisible --pid``, polled every 10 ms);
    and ``run_gui`` in a child whose ``create_main_window`` is wrapped, from process
    spawn (CLOCK_MONOTONIC, shared by all processes) until the conversation page has
    called ``bridge.pageReady()`` (``ConversationView.ready``); and ``parley`` again,
    without the polling, until it prints ``parley-ready <ms since its process
    started>`` on stderr (``PARLEY_REPORT_READY=1``) once the page has loaded.
    The budget applies to the two ``parley`` figures; the ``run_gui`` child (which
    also imports this script and polls every 1 ms) is there for its breakdown.
    Plus ``-X importtime`` of the start-up imports. Run after the set-up command,
    which byte-compiles the app (as Python does by itself on a first start).
(b) a 200 KB Markdown answer streamed at 400 deltas/s x 40 chars while a single-shot
    ``Qt.PreciseTimer`` re-armed every 2 ms records how late each tick fires.
(c) from the worker thread emitting ``finished`` (the last event) to the page
    running a ``requestAnimationFrame`` -> ``setTimeout(0)`` callback (i.e. after the
    frame containing the final DOM was produced) that checks the final block is in
    the DOM and reports through ``document.title`` (``QWebEngineView.titleChanged``),
    with how far the view's bottom then is from the page's end: the view must have
    followed the answer (a view left behind draws much cheaper frames than a person
    watching the answer sees). The median over the first answer and two more, each
    in a new conversation (so the page again holds one 200 KB answer), with the
    probes of (b) and (f) running as in the first.
(d) PSS (``/proc/PID/smaps_rollup``) of the app process and all its descendants
    (the QtWebEngineProcess zygote/renderer/gpu/utility processes) 1 s after (b).
(e) 20 answers of 50 KB, each in a new conversation (so the page's DOM stays one
    answer big and any growth is retained garbage), total PSS after the 20th vs. the
    5th; once as the app ships (it calls the page's ``gc()`` after each answer) and
    once with the benchmark also calling ``gc()`` itself.
(f) during (b), a key press/release is posted to the composer every 50 ms; latency
    from posting to the editor's ``textChanged`` and to its viewport's next paint.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PARLEY = VENV_BIN / "parley"
BASE_FLAGS = "--no-sandbox --disable-gpu"
TOKEN = "bench-token-not-secret"
SENTINEL = "End of answer ZQXJ."
RESULT_PREFIX = "BENCH-RESULT "

# Answers (each of 200 KB, in a new conversation) whose final frame (c) is timed.
FINAL_PAINT_ANSWERS = 3

BUDGETS = {
    "start_shown_ms": 800.0,
    "start_ready_ms": 800.0,
    "latency_p99_ms": 16.0,
    "latency_max_ms": 50.0,
    "final_paint_ms": 50.0,
    "pss_mb": 480.0,
    "creep_pct": 10.0,
    "key_p99_ms": 16.0,
}
# Modules on the start-up path of run_gui (in the order it imports them).
STARTUP_IMPORTS = (
    "desktop.gui",
    "desktop.logs",
    "desktop.qtfix",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWidgets",
    "desktop.qtfeature",
    "desktop.resources",
    "desktop.config.lazy_secrets",
    "desktop.config.settings",
    "desktop.store",
    "desktop.store.paths",
    "desktop.config.connection",
    "desktop.ui.main_window",
)


# --------------------------------------------------------------------------- answers
def make_answer(size: int, seed: int = 0) -> str:
    """Realistic Markdown of about `size` characters: headings, paragraphs with
    inline code, links and math, nested lists, tables, code fences, display math."""
    langs = ("python", "javascript", "rust", "bash", "json")
    code = {
        "python": "def area(r: float) -> float:\n    return 3.14159 * r ** 2  # {n}\n",
        "javascript": "const f{n} = (x) => {{\n  return x * {n};\n}};\n",
        "rust": "fn main() {{\n    let v{n}: Vec<i32> = vec![1, 2, {n}];\n}}\n",
        "bash": 'for f in *.txt; do\n  echo "$f {n}"\ndone\n',
        "json": '{{"id": {n}, "tags": ["a", "b"]}}\n',
    }
    parts: list[str] = []
    total = 0
    n = seed
    while total < size - 200:
        lang = langs[n % len(langs)]
        section = [
            f"## Section {n}: results and discussion\n\n",
            f"The **estimate** for case {n} uses `solve({n})` and the relation "
            f"$E_{{{n}}} = m c^2 + \\frac{{{n}}}{{2}}$, see [the notes](https://e.com/{n}). "
            "It converges quickly, *usually* within a handful of iterations.\n\n",
            "- first point with `inline code`\n  - nested detail\n    - deeper still\n"
            f"- second point, value {n}\n1. ordered one\n2. ordered two\n\n",
        ]
        if n % 3 == 0:
            section.append(
                "| input | output | time |\n|---|---:|---|\n"
                f"| {n} | {n * n} | {n % 7} ms |\n| {n + 1} | {(n + 1) ** 2} | 3 ms |\n\n"
            )
        section.append(f"```{lang}\n{code[lang].format(n=n)}```\n\n")
        if n % 2 == 0:
            section.append(f"$$\\sum_{{k=1}}^{{{n}}} k = \\frac{{{n}({n}+1)}}{{2}}$$\n\n")
        else:
            section.append(f"\\[ \\int_0^{{{n}}} e^{{-x}} \\, dx \\]\n\n")
        text = "".join(section)
        parts.append(text)
        total += len(text)
        n += 1
    parts.append(f"{SENTINEL}\n")
    return "".join(parts)


# --------------------------------------------------------------------------- helpers
def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; nan if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def process_tree(root: int) -> list[int]:
    """root and all its descendants, from /proc/*/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children[ppid].append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def process_kind(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    for arg in args:
        if arg.startswith(b"--type="):
            return arg[7:].decode()
    return Path(args[0].decode()).name if args and args[0] else "?"


def pss_tree_kb(root: int) -> tuple[int, dict[str, int]]:
    """Total PSS in kB of root and its descendants, and a breakdown by process kind."""
    total = 0
    parts: dict[str, int] = defaultdict(int)
    for pid in process_tree(root):
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                kb = int(line.split()[1])
                total += kb
                parts[process_kind(pid)] += kb
                break
    return total, dict(parts)


def cpu_tree_s(root: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by root and its descendants, by kind."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = defaultdict(float)
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[process_kind(pid)] += (int(fields[11]) + int(fields[12])) / ticks
    return dict(used)


def isolated_env(base: Path, base_url: str, flags: str = BASE_FLAGS) -> dict[str, str]:
    """The environment of an app process: fresh XDG dirs, fake server, token."""
    env = dict(os.environ)
    for name in ("config", "data", "cache"):
        (base / name).mkdir(parents=True, exist_ok=True)
    env.update(
        XDG_CONFIG_HOME=str(base / "config"),
        XDG_DATA_HOME=str(base / "data"),
        XDG_CACHE_HOME=str(base / "cache"),
        PARLEY_BASE_URL=base_url,
        CLOUDFLARE_API_TOKEN=TOKEN,
        QTWEBENGINE_CHROMIUM_FLAGS=flags,
        PYTHONPATH=str(ROOT),
    )
    env.pop("CLOUDFLARE_ACCOUNT_ID", None)
    return env


@contextmanager
def fake_server(answer_file: Path, rate: float, size: int = 40) -> Iterator[str]:
    """A fake Responses server subprocess; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakeserver", "--port", "0", "--scenario", "normal"]
        + ["--answer-file", str(answer_file), "--delta-rate", str(rate)]
        + ["--delta-size", str(size)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(5)


def run_child(mode: str, env: dict[str, str], extra: list[str], timeout: float) -> dict[str, Any]:
    """Runs this script with --child MODE and returns its BENCH-RESULT."""
    env = {**env, "BENCH_T0_NS": str(time.monotonic_ns())}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            if proc.stderr.strip() and "--profile" in extra:
                print(proc.stderr, file=sys.stderr)
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(f"child {mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


# --------------------------------------------------------------------------- (a) start
def start_external(base_url: str, tmp: Path, poll: bool) -> dict[str, float | None]:
    """`parley` from spawn: with `poll`, until its window is mapped (xdotool, whose
    process every 10 ms takes CPU from the app on 2 cores); without, until the app
    prints its ready hook (so that figure is not slowed by the polling)."""
    env = isolated_env(tmp, base_url)
    env["PARLEY_REPORT_READY"] = "1"
    err_path = tmp / "stderr.txt"
    with err_path.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(PARLEY)], env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        shown = None
        try:
            while poll and time.perf_counter() - t0 < 20:
                found = subprocess.run(
                    ["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid)]
                    + ["--name", "Parley"],
                    capture_output=True,
                    text=True,
                )
                if found.stdout.strip():
                    shown = (time.perf_counter() - t0) * 1000
                    break
                time.sleep(0.01)
            ready = None
            deadline = time.perf_counter() + (0.0 if poll else 20.0)
            while True:
                for line in err_path.read_text(errors="replace").splitlines():
                    if line.startswith("parley-ready "):
                        ready = float(line.split()[1])
                if ready is not None or time.perf_counter() > deadline:
                    break
                time.sleep(0.02)
        finally:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(5)
    return {"shown_ms": shown, "hook_ready_ms": ready}


def import_times(runs: int) -> list[tuple[str, float, float]]:
    """(module, self ms, cumulative ms) medians over runs, slowest cumulative first."""
    code = "import " + ", ".join(STARTUP_IMPORTS)
    samples: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = (p.strip() for p in line[len("import time:") :].split("|"))
            samples[name.strip()].append((int(self_us), int(cum_us)))
    rows = [
        (
            name,
            statistics.median(s for s, _ in vals) / 1000,
            statistics.median(c for _, c in vals) / 1000,
        )
        for name, vals in samples.items()
    ]
    return sorted(rows, key=lambda r: -r[2])


# --------------------------------------------------------------------------- children
from desktop.qtfix import guard_refcount_bugs  # noqa: E402


def child_app(flags: str) -> Any:
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
    from desktop.gui import _chromium_quiet, rendering_defaults

    rendering_defaults()  # the renderer choice `parley` makes
    _chromium_quiet()  # and its Chromium flags (quiet logs, gc() for its page)
    guard_refcount_bugs()
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (must precede QApplication)
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return QApplication([sys.argv[0]])


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_ms: int = 5) -> bool:
    """Runs the Qt event loop until predicate() (checked every step_ms) or timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    timer = QTimer()
    timer.setInterval(step_ms)

    def check() -> None:  # a slot must return None (PySide 6.12 mis-refcounts bools)
        if predicate() or time.perf_counter() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return predicate()


def child_start() -> dict[str, Any]:
    """run_gui as `parley` runs it, timing spawn -> window exposed -> page ready."""
    t0 = int(os.environ["BENCH_T0_NS"])

    def ms() -> float:
        return (time.monotonic_ns() - t0) / 1e6

    marks: dict[str, float] = {"interpreter_ms": ms()}
    import desktop.gui as gui

    guard_refcount_bugs()  # as run_gui does; see desktop/qtfix.py
    marks["import_gui_ms"] = ms()
    original = gui.create_main_window

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        marks["window_build_begin_ms"] = ms()
        window = original(*args, **kwargs)
        marks["window_built_ms"] = ms()
        poll = QTimer(window)

        def check() -> None:
            handle = window.windowHandle()
            if "exposed_ms" not in marks and handle is not None and handle.isExposed():
                marks["exposed_ms"] = ms()
            if "exposed_ms" in marks and "ready_ms" in marks:
                poll.stop()
                print(RESULT_PREFIX + json.dumps(marks), flush=True)
                QApplication.instance().quit()

        def ready() -> None:
            marks["ready_ms"] = ms()
            check()

        window.view.ready.connect(ready)
        poll.timeout.connect(check)
        poll.start(1)
        return window

    gui.create_main_window = wrapped
    gui.run_gui([])
    return {}


class Probe:
    """Event-loop lateness (b), key latency (f) and the final-paint probe (c)."""

    def __init__(self, window: Any, tick_ms: int = 2, key_every_ms: int = 50) -> None:
        from PySide6.QtCore import QEvent, QObject, Qt, QTimer

        self.window = window
        self.lateness: list[float] = []
        self.key_text: list[float] = []
        self.key_paint: list[float] = []
        self._tick_ms = tick_ms
        self._expected = 0.0
        self._tick = QTimer()
        self._tick.setSingleShot(True)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self._on_tick)
        self._keys = QTimer()
        self._keys.setInterval(key_every_ms)
        self._keys.timeout.connect(self._post_key)
        self._posted: float | None = None
        self._await_paint: float | None = None
        editor = window.composer.editor
        editor.textChanged.connect(self._on_text)
        probe = self

        class PaintFilter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and probe._await_paint is not None:
                    probe.key_paint.append((time.perf_counter() - probe._await_paint) * 1000)
                    probe._await_paint = None
                return False

        self._filter = PaintFilter()
        editor.viewport().installEventFilter(self._filter)

    def start(self, keys: bool) -> None:
        self._arm()
        if keys:
            self._keys.start()

    def stop(self) -> None:
        self._tick.stop()
        self._keys.stop()

    def _arm(self) -> None:
        self._expected = time.perf_counter() + self._tick_ms / 1000
        self._tick.start(self._tick_ms)

    def _on_tick(self) -> None:
        self.lateness.append(max(0.0, (time.perf_counter() - self._expected) * 1000))
        self._arm()

    def _post_key(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        if self._posted is not None:  # previous key not handled yet: count it when it is
            return
        editor = self.window.composer.editor
        none = Qt.KeyboardModifier.NoModifier
        self._posted = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.postEvent(editor, QKeyEvent(kind, Qt.Key.Key_X, none, "x"))

    def _on_text(self) -> None:
        if self._posted is not None:
            now = time.perf_counter()
            self.key_text.append((now - self._posted) * 1000)
            self._await_paint = self._posted
            self._posted = None


def build_window(app: Any) -> Any:
    from desktop import process
    from desktop.config.secrets import SessionSecrets
    from desktop.config.settings import Settings
    from desktop.gui import create_main_window
    from desktop.store import Store
    from desktop.store.paths import default_db_path

    process.configure()  # as run_gui does
    store = Store(default_db_path())
    window = create_main_window(store, Settings(), SessionSecrets(), dict(os.environ))
    window.show()
    handle = window.windowHandle
    if not wait_until(lambda: window.view.is_ready and handle().isExposed(), 30):
        raise RuntimeError("the conversation page did not load")
    window.composer.editor.setFocus()
    wait_until(lambda: False, 0.5)  # let start-up work settle
    return window


def instrument_finish(marks: dict[str, float]) -> None:
    """Timestamps the worker's `finished` (on its thread) and AnswerStream's handling."""
    from desktop.ui.flows.answer import AnswerStream

    original = AnswerStream._on_finished
    original_init = AnswerStream.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        from PySide6.QtCore import Qt

        original_init(self, *args, **kwargs)

        def finished(_reply: Any) -> None:
            marks["worker_finished"] = time.perf_counter()

        self._handle.worker.finished.connect(finished, Qt.ConnectionType.DirectConnection)

    def on_finished(self: Any, reply: Any) -> None:
        marks["gui_finished_enter"] = time.perf_counter()
        original(self, reply)
        marks["gui_finished_exit"] = time.perf_counter()

    AnswerStream.__init__ = init  # type: ignore[method-assign]
    AnswerStream._on_finished = on_finished  # type: ignore[method-assign]


def answer_once(window: Any, marks: dict[str, float], probe: Probe | None, keys: bool) -> dict:
    """Sends one question, waits for the final paint; returns timings."""
    view = window.view
    marks.clear()
    painted: dict[str, Any] = {}
    counter = answer_once.__dict__.setdefault("n", [0])
    counter[0] += 1
    tag = f"bench-{counter[0]}"

    def on_title(title: str) -> None:
        if title.startswith(tag + ":"):
            painted["t"] = time.perf_counter()
            painted["info"] = title

    view.titleChanged.connect(on_title)
    window.composer.clear()
    t_send = time.perf_counter()
    window.chat.send(f"Benchmark question {counter[0]}")
    # The answer of the conversation shown: the previous answer's stream may still be
    # in `_streams`, waiting for its final save (desktop.ui.flows.chat.FINAL_SAVE_DELAY_MS).
    stream = window.chat.in_flight(window.current.id)
    if stream is None:
        raise RuntimeError("no answer started (banner: connection problem?)")
    turn = stream.turn_id

    def on_done(_outcome: Any) -> None:
        script = (
            "(function(){var a=document.querySelector('#t-TURN .answer'),"
            "d=document.scrollingElement;"
            "requestAnimationFrame(function(){setTimeout(function(){"
            "var last=a&&a.lastElementChild;"
            "if(last&&last.classList.contains('chunk'))last=last.lastElementChild;"
            "document.title='TAG:'+(a?a.getElementsByClassName('b').length:-1)+':'"
            "+(last&&last.textContent.indexOf(WORD)>=0)+':'+a.classList.contains('streaming')"
            "+':'+(d.scrollHeight-d.scrollTop-d.clientHeight);"
            "},0);});})()"
        )
        script = script.replace("TURN", turn).replace("TAG", tag)
        script = script.replace("WORD", json.dumps(SENTINEL.split()[-1]))
        view.page().runJavaScript(script)

    stream.done.connect(on_done)
    if probe is not None:
        probe.start(keys)
    ok = wait_until(lambda: "t" in painted, 120)
    if probe is not None:
        probe.stop()
    view.titleChanged.disconnect(on_title)
    if not ok:
        raise RuntimeError("the final paint was never reported")
    _tag, blocks, sentinel, streaming, below = painted["info"].split(":")
    if sentinel != "true" or streaming != "false":
        # What Python had, to tell a lost patch from a late report.
        last_python = stream.blocks[-1] if stream.blocks else ""
        raise RuntimeError(
            f"final DOM wrong: {painted['info']} (tag:blocks:words:streaming:px); Python "
            f"had {len(stream.blocks)} blocks, the last with the final words: "
            f"{SENTINEL.split()[-1] in last_python}"
        )
    # The worker's stamp waits for the GIL, so it can land after the GUI saw the event.
    wf = min(marks["worker_finished"], marks["gui_finished_enter"])
    return {
        "stream_s": wf - t_send,
        "blocks": len(stream.blocks),
        "dom_blocks": int(blocks),
        # How far the view's bottom is above the answer's end in that frame: a view
        # that stopped following the answer draws much cheaper frames.
        "below_px": float(below),
        "chars": len(stream.text),
        "final_paint_ms": (painted["t"] - wf) * 1000,
        "queue_ms": (marks["gui_finished_enter"] - wf) * 1000,
        "handler_ms": (marks["gui_finished_exit"] - marks["gui_finished_enter"]) * 1000,
        "page_ms": (painted["t"] - marks["gui_finished_exit"]) * 1000,
    }


def js_value(view: Any, script: str) -> Any:
    box: dict[str, Any] = {}
    view.evaluate(f"JSON.stringify(({script}))", lambda v: box.setdefault("v", v))
    wait_until(lambda: "v" in box, 10)
    raw = box.get("v")
    return json.loads(raw) if isinstance(raw, str) and raw else None


def child_stream(profile: bool) -> dict[str, Any]:
    """(b), (c), (d), (f): one 200 KB answer."""
    app = child_app(os.environ["QTWEBENGINE_CHROMIUM_FLAGS"])
    marks: dict[str, float] = {}
    instrument_finish(marks)
    window = build_window(app)
    pss_idle, _ = pss_tree_kb(os.getpid())
    probe = Probe(window)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu_before = cpu_tree_s(os.getpid())
    timing = answer_once(window, marks, probe, keys=True)
    cpu_after = cpu_tree_s(os.getpid())
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    wait_until(lambda: False, 1.0)
    pss, parts = pss_tree_kb(os.getpid())
    heap = js_value(window.view, "performance.memory.usedJSHeapSize")
    lat = probe.lateness
    result = {
        **timing,
        "ticks": len(lat),
        "lat_p50": pct(lat, 50),
        "lat_p99": pct(lat, 99),
        "lat_max": max(lat) if lat else float("nan"),
        "lat_over_16": sum(1 for v in lat if v > 16),
        "keys": len(probe.key_text),
        "key_p50": pct(probe.key_text, 50),
        "key_p99": pct(probe.key_text, 99),
        "key_max": max(probe.key_text) if probe.key_text else float("nan"),
        "key_paint_p99": pct(probe.key_paint, 99),
        "pss_idle_mb": pss_idle / 1024,
        "pss_mb": pss / 1024,
        "pss_parts_mb": {k: round(v / 1024, 1) for k, v in parts.items()},
        "js_heap_mb": (heap or 0) / 2**20,
        "cpu_s": {k: round(v - cpu_before.get(k, 0.0), 1) for k, v in cpu_after.items()},
    }
    # (c) again on further answers, each in a new conversation (the page then holds
    # one 200 KB answer, as in the first): one answer is one sample of a figure that
    # depends on where the last patch lands in the page's frame cycle.
    paints = [timing["final_paint_ms"]]
    follows = [timing["below_px"]]
    for _ in range(FINAL_PAINT_ANSWERS - 1):
        window.new_conversation()
        wait_until(lambda: False, 0.5)
        try:
            more = answer_once(window, marks, probe, keys=True)
        except RuntimeError as error:  # keep the first answer's figures
            print(f"a further answer for (c) failed: {error}", file=sys.stderr)
            paints.append(float("nan"))
            continue
        paints.append(more["final_paint_ms"])
        follows.append(more["below_px"])
    result["final_paint_runs_ms"] = paints
    # A failed answer counts as over budget.
    result["final_paint_ms"] = statistics.median(p if p == p else float("inf") for p in paints)
    result["below_px"] = max(follows)
    window.close()
    return result


def child_creep(answers: int, force_gc: bool) -> dict[str, Any]:
    """(e): `answers` answers, each in a new conversation; PSS and JS heap after each."""
    app = child_app(os.environ["QTWEBENGINE_CHROMIUM_FLAGS"])
    marks: dict[str, float] = {}
    instrument_finish(marks)
    window = build_window(app)
    rows = []
    for _ in range(answers):
        window.new_conversation()
        timing = answer_once(window, marks, None, keys=False)
        if force_gc:
            js_value(window.view, "(gc(), 0)")
        wait_until(lambda: False, 0.3)
        pss, parts = pss_tree_kb(os.getpid())
        heap = js_value(window.view, "performance.memory.usedJSHeapSize")
        nodes = js_value(window.view, "document.getElementsByTagName('*').length")
        rows.append(
            {
                "pss_mb": pss / 1024,
                "renderer_mb": sum(v for k, v in parts.items() if k != "python") / 1024,
                "app_mb": parts.get("python", 0) / 1024,
                "js_heap_mb": (heap or 0) / 2**20,
                "dom_nodes": nodes,
                "final_paint_ms": timing["final_paint_ms"],
            }
        )
    window.close()
    return {"rows": rows}


# --------------------------------------------------------------------------- report
def fmt(value: float | None, unit: str = "") -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:.1f}{unit}" if abs(value) < 100 else f"{value:.0f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and answers")
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread in (b)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--answers", type=int, default=20, help="answers in the creep test")
    parser.add_argument("--skip", default="", help="comma list of: start,stream,creep")
    args = parser.parse_args(argv)

    if args.child:
        if args.child == "start":
            child_start()
            return 0
        if args.child == "stream":
            result = child_stream("--profile" in sys.argv)
        else:
            result = child_creep(args.answers, force_gc=args.child == "creep-gc")
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        os._exit(0)  # QtWebEngine teardown is slow and not what we measure

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("needs a display: xvfb-run -a .venv/bin/python tests/bench/bench_ui.py")
        return 2
    skip = set(args.skip.split(","))
    runs = 3 if args.quick else 5
    rows: list[tuple[str, str, str, bool | None]] = []

    def row(name: str, value: float | None, budget: float | None, unit: str) -> None:
        ok = None if budget is None or value is None else value <= budget
        if budget is not None and value is None:
            ok = False  # a measurement that could not be taken is a failure
        shown = fmt(budget, unit) if budget is not None else ""
        rows.append((name, fmt(value, unit), shown and f"≤ {shown}", ok))

    tmp = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    try:
        big, small = tmp / "answer200k.md", tmp / "answer50k.md"
        big.write_text(make_answer(200_000), encoding="utf-8")
        small.write_text(make_answer(50_000, seed=1000), encoding="utf-8")
        with fake_server(big, 400) as url_big, fake_server(small, 400) as url_small:
            if "start" not in skip:
                shown, hook, ready, exposed, parts = [], [], [], [], []
                for i in range(runs):
                    shown.append(start_external(url_big, tmp / f"ext{i}", True)["shown_ms"])
                    hook.append(start_external(url_big, tmp / f"hook{i}", False)["hook_ready_ms"])
                    try:
                        res = run_child("start", isolated_env(tmp / f"in{i}", url_big), [], 60)
                    except (RuntimeError, subprocess.TimeoutExpired) as error:
                        print(f"in-process start run {i} failed: {error}", file=sys.stderr)
                        continue
                    ready.append(res["ready_ms"])
                    exposed.append(res["exposed_ms"])
                    parts.append(res)
                med = statistics.median
                row(
                    f"(a) start: parley -> window mapped (xdotool, med {runs})",
                    med([s for s in shown if s is not None] or [float("nan")]),
                    BUDGETS["start_shown_ms"],
                    " ms",
                )
                hooked = [h for h in hook if h is not None]
                if hooked:
                    row(
                        "(a) start: parley-ready hook",
                        med(hooked),
                        BUDGETS["start_ready_ms"],
                        " ms",
                    )
                # For the breakdown only: this child imports the benchmark and polls
                # every 1 ms, which slows the start it measures; the budget is the
                # app's own report above (and the window mapping).
                row(
                    f"(a) start: run_gui -> page ready (breakdown child, med {runs})",
                    med(ready) if ready else None,
                    None,
                    " ms",
                )
                for key in (
                    "interpreter_ms",
                    "import_gui_ms",
                    "window_build_begin_ms",
                    "window_built_ms",
                    "exposed_ms",
                ):
                    row(
                        f"      breakdown: {key[:-3]} at",
                        med(p[key] for p in parts) if parts else None,
                        None,
                        " ms",
                    )
                print(
                    "cold start runs: shown",
                    [fmt(s) for s in shown],
                    "ready",
                    [fmt(r) for r in ready],
                    file=sys.stderr,
                )
                imports = import_times(1 if args.quick else 3)
            else:
                imports = []
            if "stream" not in skip:
                extra = ["--profile"] if args.profile else []
                env = isolated_env(tmp / "stream", url_big)
                res = run_child("stream", env, extra, 600)
                row(
                    "(b) event-loop lateness p99 (2 ms timer)",
                    res["lat_p99"],
                    BUDGETS["latency_p99_ms"],
                    " ms",
                )
                row("(b) event-loop lateness max", res["lat_max"], BUDGETS["latency_max_ms"], " ms")
                row("      ticks / ticks > 16 ms", res["ticks"], None, "")
                rows[-1] = (rows[-1][0], f"{res['ticks']} / {res['lat_over_16']}", "", None)
                row("      lateness p50", res["lat_p50"], None, " ms")
                row("      stream duration", res["stream_s"], None, " s")
                rows.append(
                    (
                        "      blocks: AnswerStream / DOM",
                        f"{res['blocks']} / {res['dom_blocks']}",
                        "",
                        None,
                    )
                )
                row(
                    "      view follows the answer: px below the view at the end (max)",
                    res["below_px"],
                    None,
                    " px",
                )
                rows[-1] = (*rows[-1][:3], res["below_px"] < 48)
                row(
                    f"(c) worker finished -> final frame (med {len(res['final_paint_runs_ms'])})",
                    res["final_paint_ms"],
                    BUDGETS["final_paint_ms"],
                    " ms",
                )
                rows.append(
                    (
                        "      each answer",
                        " / ".join(fmt(v) for v in res["final_paint_runs_ms"]) + " ms",
                        "",
                        None,
                    )
                )
                row("      first answer: queued to GUI thread", res["queue_ms"], None, " ms")
                row(
                    "      first answer: GUI handler (final render, save)",
                    res["handler_ms"],
                    None,
                    " ms",
                )
                row("      first answer: page (patches, rAF, report)", res["page_ms"], None, " ms")
                row(
                    "(d) PSS app + QtWebEngine after 200 KB",
                    res["pss_mb"],
                    BUDGETS["pss_mb"],
                    " MB",
                )
                row("      PSS idle before the answer", res["pss_idle_mb"], None, " MB")
                row("      JS heap used after the answer", res["js_heap_mb"], None, " MB")
                row("(f) key -> textChanged p99", res["key_p99"], BUDGETS["key_p99_ms"], " ms")
                row("      key -> textChanged p50 / max", res["key_p50"], None, " ms")
                rows[-1] = (
                    rows[-1][0],
                    f"{fmt(res['key_p50'])} / {fmt(res['key_max'])} ms",
                    "",
                    None,
                )
                row("      key -> editor paint p99", res["key_paint_p99"], None, " ms")
                row("      keys measured", res["keys"], None, "")
                print("PSS by process kind (MB):", res["pss_parts_mb"], file=sys.stderr)
                print("CPU s during the answer by kind:", res["cpu_s"], file=sys.stderr)
            if "creep" not in skip:
                creep_flags = BASE_FLAGS + " --enable-precise-memory-info"
                for mode, flags in (
                    ("creep", creep_flags),
                    ("creep-gc", creep_flags + " --js-flags=--expose-gc"),
                ):
                    env = isolated_env(tmp / mode, url_small, flags)
                    res = run_child(mode, env, ["--answers", str(args.answers)], 1200)
                    series = res["rows"]
                    fifth, last = series[min(4, len(series) - 1)], series[-1]
                    growth = (last["pss_mb"] / fifth["pss_mb"] - 1) * 100
                    label = "as shipped" if mode == "creep" else "gc() after each answer"
                    budget = BUDGETS["creep_pct"] if mode == "creep" else None
                    row(f"(e) PSS creep 5th->{len(series)}th ({label})", growth, budget, " %")
                    rows.append(
                        (
                            "      PSS / JS heap 5th -> last",
                            f"{fifth['pss_mb']:.0f} -> {last['pss_mb']:.0f} MB / "
                            f"{fifth['js_heap_mb']:.1f} -> {last['js_heap_mb']:.1f} MB",
                            "",
                            None,
                        )
                    )
                    print(
                        f"{mode}: pss",
                        [round(r["pss_mb"]) for r in series],
                        "renderer",
                        [round(r["renderer_mb"]) for r in series],
                        "heap",
                        [round(r["js_heap_mb"], 1) for r in series],
                        "nodes",
                        [r["dom_nodes"] for r in series],
                        file=sys.stderr,
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"\nParley GUI benchmark {time.strftime('%Y-%m-%d')}  ({os.cpu_count()} cores)\n")
    print(f"{'measure':<{width}}  {'value':>24}  {'budget':>10}  ok")
    for name, value, budget, ok in rows:
        mark = "" if ok is None else ("yes" if ok else "MISS")
        print(f"{name:<{width}}  {value:>24}  {budget:>10}  {mark}")
    if imports:
        print("\nslowest start-up imports (-X importtime, median ms; cumulative / self):")
        for name, self_ms, cum_ms in imports[:15]:
            print(f"  {cum_ms:8.1f} {self_ms:8.1f}  {name}")
        top_self = sorted(imports, key=lambda r: -r[1])[:8]
        print("  by self time: " + ", ".join(f"{n} {s:.0f}" for n, s, _ in top_self))
    missed = [r[0].strip() for r in rows if r[3] is False]
    if missed:
        print("\nbudget missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
