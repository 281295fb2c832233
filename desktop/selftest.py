"""`parley --self-test`: proves an installed copy works on this machine (Qt, QtWebEngine,
math and code rendering, keyring, data folder) without a person looking at a window.

Prints a short report and returns 0, or a plain one-line reason and a non-zero status;
a hung QtWebEngine cannot hold it past the hard timeout.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import APP_NAME, __version__

TIMEOUT_S = 30.0
MATH_FONT = "DejaVu Math TeX Gyre"
SAMPLE = (
    "Self-test: Euler's identity $e^{i\\pi} + 1 = 0$ and\n\n"
    "$$\\int_0^1 x^2\\,dx = \\tfrac{1}{3}$$\n\n"
    '```python\nprint("hello from parley")\n```\n'
)
# Counts the rendered elements and tells whether Chromium found the math font: a string
# drawn in that font (falling back to each generic family) only keeps the fallback's
# width when the font is missing.
PROBE = f"""(() => {{
  const ctx = document.createElement("canvas").getContext("2d");
  const width = (font) => {{ ctx.font = font; return ctx.measureText("∫x²dx ∑ mmmWWiil").width; }};
  const fallbacks = ["monospace", "serif", "sans-serif"];
  const mathFont = fallbacks.some(
    (f) => width(`32px "{MATH_FONT}", ${{f}}`) !== width(`32px ${{f}}`));
  return JSON.stringify({{
    math: document.querySelectorAll("math").length,
    code: document.querySelectorAll(".code-block").length,
    mathFont: mathFont,
  }});
}})()"""

OK, WARN, FAIL = "ok", "WARNING", "FAILED"


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, status: str, text: str) -> None:
        self.lines.append((status, text))

    @property
    def failed(self) -> list[str]:
        return [text for status, text in self.lines if status == FAIL]

    def print(self) -> None:
        print(f"{APP_NAME} {__version__} self-test")
        for status, text in self.lines:
            print(f"  {status:<8} {text}")
        if self.failed:
            print(f"Self-test FAILED: {self.failed[0]}")
        else:
            print("Self-test passed.")
        sys.stdout.flush()


def _check_keyring(report: Report) -> None:
    from desktop.config.secrets import default_secret_store

    store = default_secret_store()
    if store.available:
        report.add(OK, f"keyring: {store.backend_name}")
    else:
        why = (store.problem or "not available").rstrip(".")
        report.add(WARN, f"keyring ({store.backend_name}): {why}")


def _check_data_dir(report: Report) -> None:
    from desktop.store import Store
    from desktop.store.errors import StoreError
    from desktop.store.paths import data_dir

    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".self-test-", suffix=".sqlite3", dir=folder)
        os.close(fd)
    except OSError as error:
        report.add(FAIL, f"data folder {folder} is not writable ({error.strerror})")
        return
    path = Path(name)
    try:
        path.unlink()  # the store wants to create its database itself
        store = Store(path)
        store.close()
        report.add(OK, f"data folder writable: {folder}")
    except StoreError as error:
        report.add(FAIL, f"cannot open a history database in {folder}: {error.user_message}")
    except OSError as error:
        report.add(FAIL, f"data folder {folder} is not usable ({error.strerror})")
    finally:
        for leftover in folder.glob(path.name + "*"):
            leftover.unlink(missing_ok=True)


def _headless_if_needed() -> str:
    """Picks the offscreen platform when there is no display to talk to."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "offscreen"
    return ""


def _pass_on_unexpected_qt_messages() -> None:
    """Qt's messages go to stderr as usual, except those this configuration expects
    (the failed OpenGL probes when Parley draws in software), which are not news."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    from desktop.gui import expected_qt_messages

    expected = expected_qt_messages()

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtFatalMsg and message.startswith(expected):
            return
        print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def _check_view(report: Report, timeout_s: float) -> None:
    """Renders SAMPLE through the real ConversationView and inspects the DOM."""
    from desktop.gui import _chromium_flags, rendering_defaults
    from desktop.qtfix import guard_refcount_bugs

    rendering_defaults()
    _chromium_flags()
    guard_refcount_bugs()
    _pass_on_unexpected_qt_messages()
    # QtWebEngineWidgets must be imported before the QApplication exists.
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "parley"])
    assert isinstance(app, QApplication)
    report.add(OK, f"Qt {qVersion()}, platform {QApplication.platformName()}")

    # Same as run_gui: the bundle carries the math font; Chromium sees application fonts.
    from PySide6.QtGui import QFontDatabase

    from desktop.render import render_markdown
    from desktop.resources import resource
    from desktop.ui.widgets.conversation_view import ConversationView

    for font in sorted(resource("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    started = time.monotonic()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: Any) -> None:
        outcome.setdefault(key, value)
        app.quit()

    def on_result(result: Any) -> None:
        try:
            finish("dom", json.loads(result) if isinstance(result, str) else None)
        except ValueError:
            finish("dom", None)

    view = ConversationView()
    view.resize(800, 600)

    def on_ready() -> None:
        view.load_turns(
            [
                {
                    "id": "m1",
                    "role": "assistant",
                    "blocks": [render_markdown(SAMPLE)],
                    "model": "self-test",
                }
            ]
        )
        view.evaluate(PROBE, on_result)

    view.ready.connect(on_ready)
    view.show()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: finish("timeout", True))
    timer.start(int(timeout_s * 1000))
    if not outcome:
        app.exec()
    timer.stop()
    elapsed = time.monotonic() - started
    view.close()
    view.deleteLater()
    # Delete the page now, before the application tears down the profile it uses.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()

    dom = outcome.get("dom")
    if outcome.get("timeout") and dom is None:
        report.add(FAIL, f"the conversation page did not load within {timeout_s:.0f} s")
        return
    if not isinstance(dom, dict):
        report.add(FAIL, "the conversation page did not answer the DOM probe")
        return
    if dom.get("math", 0) < 1:
        report.add(FAIL, "the rendered sample has no <math> element")
    elif dom.get("code", 0) < 1:
        report.add(FAIL, "the rendered sample has no .code-block element")
    else:
        report.add(
            OK,
            f"conversation view rendered {dom['math']} formulas and {dom['code']} code block"
            f" in {elapsed:.2f} s",
        )
    if dom.get("mathFont"):
        report.add(OK, f"math font: {MATH_FONT}")
    else:
        report.add(
            WARN,
            f"math font {MATH_FONT!r} not found; formulas use a fallback"
            " (install fonts-dejavu-extra)",
        )


def _watchdog(timeout_s: float) -> Callable[[], None]:
    """Ends the process if Qt hangs where its own timer cannot fire; returns a canceller."""

    def expire() -> None:
        print(f"Self-test FAILED: no answer within {timeout_s:.0f} s", flush=True)
        os._exit(3)

    timer = threading.Timer(timeout_s, expire)
    timer.daemon = True
    timer.start()
    return timer.cancel


def run_self_test(timeout_s: float = TIMEOUT_S) -> int:
    """Runs every check and prints the report; 0 when nothing failed (warnings allowed)."""
    cancel = _watchdog(timeout_s + 10)
    report = Report()
    platform = _headless_if_needed()
    try:
        _check_data_dir(report)
        _check_keyring(report)
        _check_view(report, timeout_s)
    except Exception as error:  # noqa: BLE001 - a self-test reports, it never shows a traceback
        report.add(FAIL, f"{type(error).__name__}: {error}")
    finally:
        cancel()
    if platform == "offscreen":
        report.add(OK, "no display found: ran with QT_QPA_PLATFORM=offscreen")
    report.print()
    return 1 if report.failed else 0
