"""How `parley` starts: without an OpenGL driver when it draws in software, and
without Qt warnings in its log.

Loading the GL driver (Mesa with LLVM here) cost ~0.2 s of a 0.85 s cold start and
~38 MB although nothing in the app draws through OpenGL (desktop/gui.py,
`rendering_defaults`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import APP_ID
from desktop.gui import rendering_defaults

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

# Shared objects whose presence in the process means an OpenGL driver was loaded.
GL_DRIVER_MARKERS = ("libGLX_mesa", "_dri.so", "libEGL_mesa", "libLLVM")


def _start(isolated_dirs: dict[str, Path], extra: dict[str, str]) -> subprocess.Popen[str]:
    env = dict(os.environ)
    # This process's own rendering defaults must not decide what `parley` picks.
    for name in ("QT_QUICK_BACKEND", "QT_XCB_GL_INTEGRATION"):
        env.pop(name, None)
    env.update(
        PARLEY_BASE_URL="http://127.0.0.1:9",
        CLOUDFLARE_API_TOKEN="startup-test-token",
        PARLEY_REPORT_READY="1",
        **extra,
    )
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    parley = str(Path(sys.executable).with_name("parley"))
    return subprocess.Popen(
        [parley], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _mapped_when_ready(app: subprocess.Popen[str]) -> str:
    """The process's memory map once its conversation page has loaded."""
    assert app.stderr is not None
    deadline = time.monotonic() + 60
    for line in app.stderr:
        if line.startswith("parley-ready "):
            return Path(f"/proc/{app.pid}/maps").read_text()
        if time.monotonic() > deadline:
            break
    pytest.fail("parley never reported its page loaded")


def _stop(app: subprocess.Popen[str]) -> None:
    app.terminate()
    try:
        app.wait(20)
    except subprocess.TimeoutExpired:
        app.kill()
        app.wait(10)


def test_starts_without_an_opengl_driver_and_logs_no_qt_warning(
    isolated_dirs: dict[str, Path],
) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.fail("needs an X display (run through scripts/test.sh)")
    app = _start(isolated_dirs, {})
    try:
        maps = _mapped_when_ready(app)
    finally:
        _stop(app)
    loaded = sorted({m for m in GL_DRIVER_MARKERS if m in maps})
    assert not loaded, f"an OpenGL driver was loaded: {loaded}"
    assert "libQt6WebEngineCore" in maps  # the map is of the real app, page loaded
    log_file = isolated_dirs["state"] / APP_ID / "log" / "parley.log"
    log = log_file.read_text() if log_file.exists() else ""  # created on its first line
    assert " WARNING qt:" not in log and " ERROR qt:" not in log, log


def test_a_chosen_qt_quick_backend_keeps_opengl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QUICK_BACKEND", "opengl")
    monkeypatch.delenv("QT_XCB_GL_INTEGRATION", raising=False)
    rendering_defaults()
    assert os.environ["QT_QUICK_BACKEND"] == "opengl"
    assert "QT_XCB_GL_INTEGRATION" not in os.environ


def test_software_rendering_turns_opengl_off_unless_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QT_QUICK_BACKEND", raising=False)
    monkeypatch.delenv("QT_XCB_GL_INTEGRATION", raising=False)
    rendering_defaults()
    assert os.environ["QT_QUICK_BACKEND"] == "software"
    assert os.environ["QT_XCB_GL_INTEGRATION"] == "none"
    monkeypatch.setenv("QT_XCB_GL_INTEGRATION", "glx")
    rendering_defaults()
    assert os.environ["QT_XCB_GL_INTEGRATION"] == "glx"
