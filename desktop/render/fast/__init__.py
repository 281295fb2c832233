"""Accelerators: fast paths around private internals of the rendering libraries, each
checked by tests to give exactly what the stock path gives. They sit behind one switch:
`PARLEY_RENDER_FAST=0` in the environment (or `ENABLED = False` before the first render)
forces the stock path everywhere. Each also stays off, on its own, when a library it
reaches into is installed at a version outside the range it was tested with, so an
upgrade that changes those internals falls back to the stock path instead of breaking.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from functools import cache

log = logging.getLogger(__name__)

ENV_SWITCH = "PARLEY_RENDER_FAST"
ENABLED = os.environ.get(ENV_SWITCH, "1").strip() != "0"

# The versions each accelerator was tested with: module -> [lowest, first untested).
# pyproject.toml pins the same ranges; "python" is the interpreter (`re` internals).
Range = tuple[tuple[int, int], tuple[int, int]]
TESTED: dict[str, dict[str, Range]] = {
    "lexer": {"pygments": ((2, 21), (2, 22)), "python": ((3, 11), (3, 14))},
    "mathml": {"latex2mathml": ((3, 81), (3, 82))},
}


def installed_version(module: str) -> str:
    """The installed version of a library (its `__version__`, which is cheap to read:
    importlib.metadata would add tens of milliseconds to the first render)."""
    if module == "python":
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    return str(importlib.import_module(module).__version__)


def _major_minor(version: str) -> tuple[int, int] | None:
    parts = version.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        # A version string we cannot read is as untested as an unknown release.
        return None


@cache
def enabled(accelerator: str) -> bool:
    """Whether `accelerator` may run: the switch is on and every library it reaches
    into is at a tested version (decided once per process)."""
    if not ENABLED:
        return False
    for module, (low, high) in TESTED[accelerator].items():
        version = installed_version(module)
        found = _major_minor(version)
        if found is None or not low <= found < high:
            log.info(
                "%s %s is untested: rendering without the %s fast path",
                module,
                version,
                accelerator,
            )
            return False
    return True
