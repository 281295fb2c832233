"""An answer is deleted only after its request and render threads have exited
(`AnswerStream.release`): 500 answers against the fake server, each released the
moment it is done, as the window does, must end with no crash and every answer
deleted. Runs in its own interpreter, so that an abort fails this test instead of
taking the test run down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = 500
AT_ONCE = 10  # answers in flight together, as when several conversations stream


def release_loop(answers: int, at_once: int) -> None:
    """Streams `answers` short answers, `at_once` at a time, releasing each when done;
    prints how many were deleted."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from desktop.qtfix import guard_refcount_bugs
    from desktop.ui.flows.answer import AnswerStream
    from tests.fakeserver.server import FakeResponsesServer

    guard_refcount_bugs()
    app = QCoreApplication([sys.argv[0]])
    server = FakeResponsesServer("normal").start()
    body = {"model": "m", "input": [{"role": "user", "content": "Hi"}], "stream": True}
    counts = {"started": 0, "done": 0, "deleted": 0}
    loop = QEventLoop()

    def launch() -> None:
        if counts["started"] >= answers:
            return
        counts["started"] += 1
        stream = AnswerStream(1, f"m{counts['started']}", 1, "m", server.base_url, "t", body, app)
        stream.done.connect(lambda _outcome, s=stream: finished(s))
        stream.destroyed.connect(deleted)
        stream.start()

    def finished(stream: AnswerStream) -> None:
        counts["done"] += 1
        stream.release()
        launch()

    def deleted() -> None:
        counts["deleted"] += 1
        if counts["deleted"] == answers:
            loop.quit()

    for _ in range(at_once):
        launch()
    QTimer.singleShot(240_000, loop.quit)  # a hang fails the test; it never takes this long
    loop.exec()
    server.stop()
    print(f"done {counts['done']} deleted {counts['deleted']}", flush=True)


def test_five_hundred_answers_released_without_a_crash() -> None:
    code = (
        f"from tests.ui.test_answer_release import release_loop; release_loop({ANSWERS}, {AT_ONCE})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-3000:]}"
    assert f"done {ANSWERS} deleted {ANSWERS}" in result.stdout, result.stderr[-3000:]
