"""Parley's per-user folders: config, data (history) and state (the log).

On Linux and the BSDs these are the XDG base directories, read here directly;
`platformdirs` (which answers the same, ~15 ms to import) is loaded only for
macOS and Windows, where its knowledge of the platform conventions is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop import APP_ID

# kind -> (XDG variable, default under the home folder, platformdirs function)
_KINDS = {
    "config": ("XDG_CONFIG_HOME", ".config", "user_config_dir"),
    "data": ("XDG_DATA_HOME", ".local/share", "user_data_dir"),
    "state": ("XDG_STATE_HOME", ".local/state", "user_state_dir"),
}


def _uses_xdg() -> bool:
    return sys.platform != "darwin" and not sys.platform.startswith(("win", "cygwin"))


def user_dir(kind: str) -> Path:
    """`kind` is "config", "data" or "state". An empty XDG variable counts as
    unset, as the XDG specification says."""
    variable, default, function = _KINDS[kind]
    if _uses_xdg():
        base = os.environ.get(variable, "").strip()
        return (Path(base) if base else Path.home() / default) / APP_ID
    import platformdirs

    return Path(getattr(platformdirs, function)(APP_ID, appauthor=False, roaming=False))
