"""Logging to a file in the user's state dir; bugs are kept there with their
traceback while the person sees one plain sentence.

The file is rotated when the app starts (`parley.log` -> `.1` -> `.2`) once it is
past `MAX_BYTES`, rather than with `logging.handlers.RotatingFileHandler`: Parley
logs little, and that module (sockets, pickling, queues) costs ~16 ms of start-up.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from desktop.dirs import user_dir
from desktop.private import private_dir, private_file, tighten_tree

MAX_BYTES = 2_000_000
KEEP = 2  # rotated files kept beside the current one


def log_path() -> Path:
    return user_dir("state") / "log" / "parley.log"


def rotate(path: Path, max_bytes: int = MAX_BYTES, keep: int = KEEP) -> bool:
    """Moves a log past `max_bytes` aside (the oldest copy is dropped).
    Returns whether it rotated. A failure leaves the files as they were."""
    try:
        if path.stat().st_size <= max_bytes:
            return False
        for n in range(keep, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            newer = path.with_name(f"{path.name}.{n - 1}") if n > 1 else path
            if newer.exists():
                os.replace(newer, older)
    except OSError:
        return False
    return True


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_path()
    tighten_tree(path.parent.parent)
    private_dir(path.parent.parent)
    private_dir(path.parent)
    rotate(path)
    private_file(path)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    # httpx logs each request line; keep it out of the log (quiet, and URL-only anyway).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return path
