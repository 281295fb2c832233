"""Packages whose public names load on first use (PEP 562 module `__getattr__`).

`desktop.api` and `desktop.render` re-export names from modules that are costly to
import (httpx, markdown-it, Pygments); the window needs few of them to start, and
start-up is a budget.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `homes[name]` when `name`
    is first used and keeps the value in the package's `namespace`."""

    def getattr_(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return getattr_
