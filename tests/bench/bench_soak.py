"""Soak benchmark (issue #18 item 7): a long day of use in one run of the real app.

Run under a display::

    xvfb-run -a .venv/bin/python tests/bench/bench_soak.py [--answers 200]

The orchestrating process never loads Qt. It starts the fake Responses server as a
subprocess (its default answer is 200 KB of Markdown, streamed at 200 deltas/s of
250 characters; a question starting with ``[[scenario:normal]]`` gets a short
answer at full speed), then runs the app in a child process (this script with
``--child``) exactly as ``parley`` does (``run_gui``: its log, its Qt message
routing, its exception hook), isolated XDG dirs, real keyring-free token from the
environment. The child drives the window through its keyboard and public actions,
in cycles of ten answers:

  new conversation; three short answers typed and sent with Enter; Regenerate;
  Edit (the last question, sent again as a new version); a 200 KB answer (every
  other cycle stopped after 1 s with Stop instead); a 200 KB answer during which
  the window switches to another conversation and back; Search (typed into the
  search dialog, closed with Esc); Delete then Undo; three more short answers.

What is reported:
  crashes       the child did not exit 0 after Quit, or reported nothing;
  qt_warnings   lines of the app's own log from Qt at WARNING or above;
  log_errors    ERROR/CRITICAL lines and tracebacks in the log;
  pss_growth    PSS of the app and its QtWebEngine processes (``smaps_rollup``),
                each cycle's end, on an empty new conversation after 1 s: the
                change from answer 20 to the last, in %;
  lateness      a 2 ms timer re-armed on the GUI thread all through the answers
                (paused while the benchmark itself reads memory): p99 overall and
                the worst cycle's p99;
  lost          answers the store does not hold as complete or stopped.
Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository's tests package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.app_hooks import soak_hooks
from tests.bench.bench_ui import (
    RESULT_PREFIX,
    ROOT,
    SENTINEL,
    Probe,
    fake_server,
    isolated_env,
    make_answer,
    pct,
    pss_tree_kb,
)

SHORT = "[[scenario:normal]] "
CYCLE = 10  # answers per cycle
BUDGETS = {"crashes": 0, "qt_warnings": 0, "log_errors": 0, "lost": 0}
PSS_GROWTH_PCT = 10.0
LATENESS_P99_MS = 16.0
STALL_S = 0.1  # an event-loop hold-up worth attributing to a step
BASELINE_ANSWER = 20  # PSS growth is measured from here (start-up caches are warm)


# --------------------------------------------------------------------------- child
@dataclass(frozen=True)
class Wait:
    """What a step of the driver waits for. `what` None: a pause (the time running
    out is the point); else the time running out is a failure described by `what`."""

    ready: Callable[[], bool]
    seconds: float
    what: str | None = None


def pause(seconds: float) -> Wait:
    return Wait(lambda: False, seconds)


Steps = Generator[Wait, None, None]


class Runner:
    """Runs a generator of Waits from the application's own event loop (a 10 ms
    timer resumes it): no nested event loops, which would hold back every
    `deleteLater` the app makes and so change what is measured."""

    def __init__(
        self,
        steps: Steps,
        finished: Callable[[str | None], None],
        stalled: Callable[[float], None],
    ) -> None:
        from PySide6.QtCore import QTimer

        self._steps = steps
        self._finished = finished
        self._stalled = stalled
        self._last_poll = time.perf_counter()
        self._wait = pause(0)
        self._deadline = 0.0
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._timer.start()

    def _poll(self) -> None:
        now = time.perf_counter()
        if now - self._last_poll > STALL_S:
            self._stalled(now - self._last_poll)
        self._last_poll = now
        late = now >= self._deadline
        if not (self._wait.ready() or late):
            return
        if late and self._wait.what is not None:
            return self._end(f"{self._wait.what} (after {self._wait.seconds:.0f} s)")
        try:
            self._wait = next(self._steps)
        except StopIteration:
            return self._end(None)
        except RuntimeError as error:  # what the person would have seen go wrong
            return self._end(str(error))
        self._deadline = time.perf_counter() + self._wait.seconds

    def _end(self, failure: str | None) -> None:
        self._timer.stop()
        self._finished(failure)


class Driver:
    """Drives the window as a person would; records what the report needs."""

    def __init__(self, window: Any, answers: int) -> None:
        self.window = window
        self.hooks = soak_hooks(window)
        self.answers_wanted = answers
        self.answered = 0
        self.long_sent = 0
        self.stopped = 0
        self.cycles: list[dict[str, Any]] = []
        self.probe = Probe(window)
        self.step = "start"
        self.stalls: dict[str, list[float]] = {}  # step: [count, worst ms]

    # The person's actions -----------------------------------------------------
    def act(self, name: str) -> None:
        self.step = name
        self.window.actions_by_id[name].trigger()

    def stalled(self, seconds: float) -> None:
        """The event loop was held up: kept by the last step taken (what the page or
        the window was doing for it), for finding where the worst stalls come from."""
        worst = self.stalls.setdefault(self.step, [0, 0.0])
        worst[0] += 1
        worst[1] = round(max(worst[1], seconds * 1000), 1)

    def type_and_send(self, text: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self.step = "send " + ("short" if text.startswith(SHORT) else "long")
        editor = self.window.composer.editor
        editor.setFocus()
        QTest.keyClicks(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)

    def answer(self, stop_after_s: float | None = None) -> Steps:
        """Waits for the answer just asked for (stopping it after a while)."""
        yield Wait(lambda: self.window.composer.busy, 10, "no answer started")
        if stop_after_s is not None:
            yield pause(stop_after_s)
            self.act("stop")
            self.stopped += 1
        yield Wait(lambda: not self.window.composer.busy, 120, "an answer never finished")
        self.answered += 1

    def short(self, text: str) -> Steps:
        self.type_and_send(SHORT + text)
        yield from self.answer()

    def long(self, stop_after_s: float | None = None, switch: bool = False) -> Steps:
        self.type_and_send(f"Write the long report number {self.long_sent}.")
        self.long_sent += 1
        if switch:
            here = self.window.current.id
            yield pause(0.5)
            self.act("next_conversation")
            yield pause(0.7)
            self.window.open_conversation(here)
        yield from self.answer(stop_after_s)

    def regenerate(self) -> Steps:
        self.act("regenerate")
        yield from self.answer()

    def edit(self) -> Steps:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self.act("edit_last")
        editor = self.window.composer.editor
        QTest.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(editor, " (edited)")
        QTest.keyClick(editor, Qt.Key.Key_Return)
        yield from self.answer()

    def search(self, query: str) -> Steps:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from desktop.ui.widgets.search_dialog import SearchDialog

        def dialogs() -> list[Any]:
            return [d for d in self.window.findChildren(SearchDialog) if d.isVisible()]

        self.act("search")
        yield Wait(lambda: bool(dialogs()), 5, "the search dialog did not open")
        edit = dialogs()[-1].edit
        QTest.keyClicks(edit, query)
        yield pause(0.4)
        QTest.keyClick(edit, Qt.Key.Key_Escape)
        yield Wait(lambda: not dialogs(), 5, "Esc did not close the search dialog")

    def delete_and_undo(self) -> Steps:
        here = self.window.current.id
        self.act("delete_conversation")
        yield pause(0.2)
        self.window.sidebar.undo_button.click()
        yield Wait(lambda: self.window.current.id == here, 5, "Undo did not bring it back")

    # The day ---------------------------------------------------------------------
    def cycle(self, index: int) -> Steps:
        self.act("new")
        for n in range(3):
            yield from self.short(f"Question {index}.{n}: the laws of thermodynamics?")
        yield from self.regenerate()
        yield from self.edit()
        yield from self.long(stop_after_s=1.0 if index % 2 else None)
        # A conversation to switch to exists from the second cycle on.
        yield from self.long(switch=index > 0)
        yield from self.search(f"Question {index}")
        yield from self.delete_and_undo()
        for n in range(3, 6):
            yield from self.short(f"Question {index}.{n}: and entropy?")

    def measure(self) -> Steps:
        from desktop.ui.flows.answer import AnswerStream

        self.act("new")
        yield pause(1.0)
        pss, parts = pss_tree_kb(os.getpid())
        self.cycles[-1].update(
            answers=self.answered,
            pss_mb=round(pss / 1024, 1),
            renderer_mb=round(sum(v for k, v in parts.items() if k != "python") / 1024, 1),
            answers_alive=len(self.window.findChildren(AnswerStream)),
            # Python's own share: a leak of Python objects shows here first.
            py_blocks=sys.getallocatedblocks(),
            py_objects=len(gc.get_objects()),
        )
        print(f"soak cycle {len(self.cycles) - 1}: {json.dumps(self.cycles[-1])}", file=sys.stderr)

    def run(self) -> Steps:
        index = 0
        while self.answered < self.answers_wanted:
            start = len(self.probe.lateness)
            self.probe.start(keys=False)
            t0 = time.perf_counter()
            yield from self.cycle(index)
            seconds = time.perf_counter() - t0
            self.probe.stop()
            ticks = self.probe.lateness[start:]
            self.cycles.append(
                {
                    "seconds": round(seconds, 1),
                    "lat_p99_ms": round(pct(ticks, 99), 1),
                    "lat_max_ms": round(max(ticks), 1) if ticks else None,
                }
            )
            yield from self.measure()
            index += 1

    def report(self) -> dict[str, Any]:
        return {
            "answers": self.answered,
            "long_answers": self.long_sent,
            "stopped": self.stopped,
            "lat_p99_ms": pct(self.probe.lateness, 99),
            "lat_ticks": len(self.probe.lateness),
            "cycles": self.cycles,
            "statuses": self.hooks.answer_statuses(),
            "long_complete_with_end": self.hooks.answers_containing(SENTINEL),
            "stalls": self.stalls,
        }


def child(answers: int) -> int:
    import desktop.gui as gui
    from desktop.logs import log_path

    original = gui.create_main_window
    outcome: dict[str, Any] = {"log": str(log_path())}
    running: list[Runner] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        window = original(*args, **kwargs)
        driver = Driver(window, answers)

        def finished(failure: str | None) -> None:
            outcome.update(driver.report(), failure=failure)
            print(RESULT_PREFIX + json.dumps(outcome), flush=True)
            window.actions_by_id["quit"].trigger()

        def ready() -> None:
            if not running:  # the page loads again after a renderer restart
                running.append(Runner(driver.run(), finished, driver.stalled))
                running[0].start()

        window.view.ready.connect(ready)
        return window

    gui.create_main_window = wrapped
    return gui.run_gui([])


# --------------------------------------------------------------------------- report
def read_log(path: Path) -> dict[str, Any]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return {"qt_warnings": [], "log_errors": []}  # nothing was worth logging
    qt = [
        line
        for line in lines
        if any(f" {level} qt: " in line for level in ("WARNING", "ERROR", "CRITICAL"))
    ]
    errors = [
        line
        for line in lines
        if line not in qt and (" ERROR " in line or " CRITICAL " in line or "Traceback" in line)
    ]
    return {"qt_warnings": qt, "log_errors": errors}


def soak(answers: int, work: Path, timeout_s: float) -> dict[str, Any]:
    """Runs the soak; returns the report (see the module docstring)."""
    big = work / "answer200k.md"
    big.write_text(make_answer(200_000), encoding="utf-8")
    env = isolated_env(work / "app", "")
    env["XDG_STATE_HOME"] = str(work / "app" / "state")
    with fake_server(big, 200, size=250) as url:
        env["PARLEY_BASE_URL"] = url
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--answers", str(answers)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    result: dict[str, Any] = {}
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
    crashed = proc.returncode != 0 or not result
    log = read_log(Path(result["log"])) if result.get("log") else read_log(Path("/nonexistent"))
    cycles = result.get("cycles", [])
    base = next((c for c in cycles if c["answers"] >= BASELINE_ANSWER), None)
    growth = (
        (cycles[-1]["pss_mb"] - base["pss_mb"]) / base["pss_mb"] * 100
        if base is not None and cycles[-1] is not base
        else float("nan")
    )
    statuses = result.get("statuses", {})
    kept = statuses.get("complete", 0) + statuses.get("stopped", 0)
    # Every 200 KB answer that was not stopped is stored to its last line.
    long_cut = (result.get("long_answers", 0) - result.get("stopped", 0)) - result.get(
        "long_complete_with_end", 0
    )
    return {
        "answers": result.get("answers", 0),
        "failure": result.get("failure"),
        "crashes": int(crashed),
        "exit_status": proc.returncode,
        "stderr_tail": proc.stderr[-3000:] if crashed else "",
        "qt_warnings": len(log["qt_warnings"]),
        "log_errors": len(log["log_errors"]),
        "log_samples": (log["qt_warnings"] + log["log_errors"])[:10],
        "lost": max(0, result.get("answers", 0) - kept) + max(0, long_cut),
        "statuses": statuses,
        "pss_baseline_answer": base["answers"] if base else None,
        "pss_baseline_mb": base["pss_mb"] if base else None,
        "pss_last_mb": cycles[-1]["pss_mb"] if cycles else None,
        "pss_growth_pct": growth,
        "lat_p99_ms": result.get("lat_p99_ms", float("nan")),
        "lat_worst_cycle_p99_ms": max((c["lat_p99_ms"] for c in cycles), default=float("nan")),
        "answers_alive_at_end": cycles[-1]["answers_alive"] if cycles else None,
        "long_answers": result.get("long_answers"),
        "long_complete_with_end": result.get("long_complete_with_end"),
        "stalls_over_100ms": result.get("stalls"),
        "stopped": result.get("stopped"),
        "cycles": cycles,
    }


def missed(report: dict[str, Any]) -> list[str]:
    """The budgets the report misses, one line each."""
    found = [
        f"{name}: {report[name]} (budget {budget})"
        for name, budget in BUDGETS.items()
        if report[name] != budget
    ]
    if report["failure"]:
        found.append(f"the run stopped: {report['failure']}")
    growth = report["pss_growth_pct"]
    if growth != growth or growth > PSS_GROWTH_PCT:
        found.append(f"PSS growth {growth:.1f} % (budget {PSS_GROWTH_PCT} %)")
    if not report["lat_worst_cycle_p99_ms"] <= LATENESS_P99_MS:
        found.append(
            f"event-loop p99 {report['lat_worst_cycle_p99_ms']} ms in the worst cycle "
            f"(budget {LATENESS_P99_MS} ms)"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.answers)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("needs a display: xvfb-run -a .venv/bin/python tests/bench/bench_soak.py")
        return 2
    work = Path(tempfile.mkdtemp(prefix="parley-soak-"))
    try:
        report = soak(args.answers, work, timeout_s=60 + 6 * args.answers)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    for row in report["cycles"]:
        print(json.dumps(row))
    shown = {k: v for k, v in report.items() if k != "cycles"}
    print(json.dumps(shown, indent=2))
    problems = missed(report)
    for line in problems:
        print("MISSED", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
