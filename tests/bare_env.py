"""The environment a desktop session gives a program started from its menu: nothing
from this venv or shell (used to run the packaged app in tests and benchmarks)."""

from __future__ import annotations

import os
from pathlib import Path


def bare_env(home: Path) -> dict[str, str]:
    """PATH, HOME and LANG, plus the session's display and bus when there are some
    (offscreen Qt without a display)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    for name in ("DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if "DISPLAY" not in env:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env
