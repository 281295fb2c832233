"""How `parley` starts: without an OpenGL driver when it draws in software, and
without Qt warnings in its log.

Loading the GL driver (Mesa with LLVM here) cost ~0.2 s of a 0.85 s cold start and
~38 MB although nothing in the app draws through OpenGL (desktop/gui.py,
`rendering_defaults`).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop import APP_ID

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

# Shared objects whose presence in the process means an OpenGL driver was loaded.
GL_DRIVER_MARKERS = (
    "libGLX_mesa",
    "libEGL_mesa",
    "_dri.so",
    "libLLVM",
    "libGLX_nvidia",
    "libnvidia-glcore",
)


def _start(isolated_dirs: dict[str, Path]) -> subprocess.Popen[str]:
    """`parley` as a person starts it: none of this process's rendering choices."""
    env = dict(os.environ)
    for name in ("QT_QUICK_BACKEND", "QT_XCB_GL_INTEGRATION", "QTWEBENGINE_CHROMIUM_FLAGS"):
        env.pop(name, None)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"  # what parley adds itself
    env.update(
        PARLEY_BASE_URL="http://127.0.0.1:9",
        CLOUDFLARE_API_TOKEN="startup-test-token",
        PARLEY_REPORT_READY="1",
    )
    parley = str(Path(sys.executable).with_name("parley"))
    return subprocess.Popen(
        [parley], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _mapped_when_painted(app: subprocess.Popen[str], timeout: float = 60) -> str:
    """The process's memory map once it has painted its first conversation."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert app.stderr is not None
        for line in app.stderr:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line.startswith("parley-painted "):
            return Path(f"/proc/{app.pid}/maps").read_text()
    pytest.fail(f"parley did not paint its first conversation within {timeout:.0f} s")


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
    app = _start(isolated_dirs)
    try:
        maps = _mapped_when_painted(app)
    finally:
        _stop(app)
    loaded = sorted({m for m in GL_DRIVER_MARKERS if m in maps})
    assert not loaded, f"an OpenGL driver was loaded: {loaded}"
    assert "libQt6WebEngineCore" in maps  # the map is of the real app, page painted
    log_file = isolated_dirs["state"] / APP_ID / "log" / "parley.log"
    log = log_file.read_text() if log_file.exists() else ""  # created on its first line
    assert " WARNING qt:" not in log and " ERROR qt:" not in log, log


def test_without_a_display_it_says_so_in_one_sentence(isolated_dirs: dict[str, Path]) -> None:
    """Started where there is no graphical session (SSH, a service), `parley` ends
    with a sentence saying what to use instead, not Qt's abort (exit 134)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    parley = str(Path(sys.executable).with_name("parley"))
    result = subprocess.run([parley], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "graphical desktop" in result.stderr
    assert "parley ask" in result.stderr and "Traceback" not in result.stderr
