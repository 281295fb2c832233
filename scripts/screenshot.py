"""Makes the README's screenshots from the real app: docs/screenshot.png (light) and
docs/screenshot-dark.png.

Run after the set-up command, under a virtual display (24-bit, at least 1200x800, which
is xvfb-run's default)::

    xvfb-run -a .venv/bin/python scripts/screenshot.py [--out DIR]

It starts the test suite's fake Responses server on 127.0.0.1 with a scripted answer
(Markdown, a code block, math), points Parley at it in a throw-away home (XDG folders
and token in the environment, so neither your history nor your keyring is touched),
starts the app through its own entry point, types a question into the message box,
waits until the answer is saved and saves the window. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1200, 800)
TIMEOUT_MS = 60_000
# Time for the page to lay out and draw after a scroll or a change of theme.
SETTLE_MS = 1500

# Also the conversation's title.
QUESTION = "Sample variance, with Python code"

ANSWER = r"""The **sample variance** of $n$ values $x_1, \dots, x_n$ with mean $\bar{x}$ is

$$
s^2 = \frac{1}{n-1} \sum_{i=1}^{n} \left(x_i - \bar{x}\right)^2
$$

Dividing by $n-1$ instead of $n$ (*Bessel's correction*) makes $s^2$ an unbiased
estimate of the population variance $\sigma^2$.

```python
from statistics import mean

def sample_variance(xs: list[float]) -> float:
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

print(sample_variance([2.0, 4.0, 4.0, 5.0]))  # 1.5833…
```

| Divide by | You get | Use it when |
|---|---|---|
| $n$ | population variance | you have every value |
| $n-1$ | sample variance | the values are a sample |
"""

REASONING = (
    "**Defining the estimator**\n\nThe user wants the formula and working code; "
    "I will give the unbiased estimator, a short function and when to use which."
)

# Earlier conversations, so that the side bar looks like one in use.
HISTORY = (
    ("Plan a three-day trip to Lisbon", "Day one: Alfama and the castle…"),
    ("Regex for ISO 8601 dates", "`^\\d{4}-\\d{2}-\\d{2}$` matches the date part…"),
    ("Explain Fourier series simply", "Any periodic signal is a sum of sines…"),
    ("Rust borrow checker error E0502", "You hold an immutable borrow while…"),
    ("Summarise this meeting transcript", "Three decisions were made…"),
)


def _isolated_env(home: Path, base_url: str) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        path = home / name.lower()
        path.mkdir()
        os.environ[name] = str(path)
    os.environ["PARLEY_BASE_URL"] = base_url
    os.environ["CLOUDFLARE_API_TOKEN"] = "screenshot-token-not-secret"
    os.environ.pop("CLOUDFLARE_ACCOUNT_ID", None)
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")


def _seed_history() -> None:
    from desktop.store import Store
    from desktop.store.models import MessageStatus
    from desktop.store.paths import default_db_path

    with Store(default_db_path()) as store:
        for title, answer in HISTORY:
            conversation = store.create_conversation(title)
            question = store.add_user_message(conversation.id, title)
            reply = store.start_assistant_message(question.id)
            store.finish_message(reply.id, MessageStatus.COMPLETE, text=answer)


def _start_server(folder: Path) -> tuple[subprocess.Popen[str], str]:
    answer, reasoning = folder / "answer.md", folder / "reasoning.md"
    answer.write_text(ANSWER, encoding="utf-8")
    reasoning.write_text(REASONING, encoding="utf-8")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakeserver",
            "--port",
            "0",
            "--answer-file",
            str(answer),
            "--reasoning-file",
            str(reasoning),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def _drive(window: Any, out: Path, failures: list[str]) -> None:
    """Once the first conversation is painted: a new conversation, the question typed
    and sent, then the window saved once the answer is done, in both themes."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtTest import QTest

    def action(name: str) -> QAction:
        found: QAction | None = window.findChild(QAction, f"action_{name}")
        assert found is not None, name
        return found

    def wait(condition: Any, then: Any) -> None:
        def poll() -> None:
            if condition():
                then()
            else:
                QTimer.singleShot(50, poll)

        poll()

    def save(name: str) -> None:
        path = out / name
        if not window.grab().save(str(path)):
            failures.append(f"could not write {path}")
        print(path)

    def light_shot() -> None:
        save("screenshot.png")
        action("theme_dark").trigger()
        QTimer.singleShot(SETTLE_MS, dark_shot)

    def dark_shot() -> None:
        save("screenshot-dark.png")
        window.close()

    def answered() -> None:
        # The whole exchange from the question down, once the page has settled.
        action("scroll_top").trigger()
        QTimer.singleShot(SETTLE_MS, light_shot)

    def ask() -> None:
        action("new").trigger()
        editor = window.composer.editor
        editor.setFocus()
        QTest.keyClicks(editor, QUESTION)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        wait(lambda: window.composer.busy, started)

    def started() -> None:
        wait(lambda: not window.composer.busy, answered)

    action("theme_light").trigger()
    window.resize(*SIZE)
    ask()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    out = parser.parse_args(argv).out
    sys.path.insert(0, str(ROOT))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parley-screenshot-") as tmp:
        home = Path(tmp)
        server, base_url = _start_server(home)
        try:
            _isolated_env(home, base_url)
            _seed_history()
            from PySide6.QtCore import Qt, QTimer

            import desktop.gui as gui

            failures: list[str] = []
            build = gui.create_main_window

            def wrapped(*args: Any, **kwargs: Any) -> Any:
                window = build(*args, **kwargs)
                window.first_painted.connect(
                    lambda: _drive(window, out, failures), Qt.ConnectionType.SingleShotConnection
                )

                def give_up() -> None:
                    # A step that never came (or raised: the app logs it and runs on).
                    failures.append(f"not done after {TIMEOUT_MS // 1000} s")
                    window.close()

                QTimer.singleShot(TIMEOUT_MS, window, give_up)
                return window

            gui.create_main_window = wrapped
            status = gui.run_gui([])
        finally:
            server.terminate()
            server.wait(10)
    for failure in failures:
        print(f"screenshot: {failure}", file=sys.stderr)
    return 1 if failures else status


if __name__ == "__main__":
    sys.exit(main())
