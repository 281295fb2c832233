"""GUI test fixtures: the real main window against the fake Responses server.

QtWebEngineWidgets must be imported before pytest-qt creates the QApplication,
and QtWebEngine needs its sandbox off when the tests run as root.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

if hasattr(os, "geteuid") and os.geteuid() == 0:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox --disable-gpu".strip()

# gc() in the page, as `parley` gives it (desktop/gui.py), and exact JS heap figures
# for the tests that look for leaks.
if "--enable-precise-memory-info" not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""):
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
        os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --enable-precise-memory-info"
    ).strip()
from desktop.gui import _chromium_quiet

_chromium_quiet()  # --expose-gc merged into any --js-flags, as `parley` does

from PySide6 import QtWebEngineWidgets  # noqa: E402, F401  (must precede QApplication)
from PySide6.QtCore import QCoreApplication, QEvent, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

TOKEN = "test-token-5f1c9a7e-never-shown"


@pytest.fixture(scope="session", autouse=True)
def _release_web_engine_at_exit() -> Iterator[None]:
    """Pages and the shared web profile go before the QApplication does (else
    QtWebEngine crashes while the interpreter exits)."""
    yield
    from desktop.ui.widgets.web_page import release_web_engine

    release_web_engine()


@pytest.fixture
def app_env(
    isolated_dirs: dict[str, Path], fake_server: Any, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Environment pointing Parley at the fake server with a token."""
    monkeypatch.setenv("PARLEY_BASE_URL", fake_server.base_url)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    return dict(os.environ)


@pytest.fixture
def make_window(
    qtbot: Any, app_env: dict[str, str], isolated_dirs: dict[str, Path]
) -> Iterator[Callable[..., Any]]:
    """Builds the real main window (as `parley` does) and waits for its page."""
    from desktop.config.secrets import SessionSecrets
    from desktop.config.settings import Settings
    from desktop.gui import create_main_window
    from desktop.store import Store
    from desktop.store.paths import default_db_path

    stores: list[Any] = []
    windows: list[Any] = []

    def make(
        environ: dict[str, str] | None = None, settings: Any = None, first_run: bool = False
    ) -> Any:
        store = Store(default_db_path())
        stores.append(store)
        window = create_main_window(
            store,
            settings or Settings(),
            SessionSecrets(),
            app_env if environ is None else environ,
            first_run_dialog=first_run,
        )
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        # Shortcuts only reach an active window (there is no window manager on Xvfb).
        if not first_run:
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        qtbot.waitUntil(lambda: window.view.is_ready, timeout=15000)
        return window

    yield make
    # Windows go first: their timers may still want the store.
    for window in windows:
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for store in stores:
        store.close()


def last_question(body: dict[str, Any]) -> str:
    """The last user message of a request body (`input` is a string or a list of
    items, some of which, replayed reasoning for one, have no role)."""
    items = body["input"]
    if isinstance(items, str):
        return items
    return [item for item in items if item.get("role") == "user"][-1]["content"]


def run_js(qtbot: Any, view: Any, script: str, timeout: int = 5000) -> Any:
    """Evaluates the JavaScript expression `script` in the conversation page and
    returns its value (passed through JSON, so arrays and objects come back whole)."""
    box: dict[str, Any] = {}
    view.evaluate(f"JSON.stringify(({script}))", lambda value: box.setdefault("v", value))
    qtbot.waitUntil(lambda: "v" in box, timeout=timeout)
    raw = box["v"]
    return json.loads(raw) if isinstance(raw, str) and raw else None
