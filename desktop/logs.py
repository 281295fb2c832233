"""Logging to a file in the user's state dir; bugs are kept there with their
traceback while the person sees one plain sentence."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs


def log_path() -> Path:
    return Path(platformdirs.user_log_dir("parley", appauthor=False)) / "parley.log"


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    # httpx logs each request line; keep it out of the log (quiet, and URL-only anyway).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return path
