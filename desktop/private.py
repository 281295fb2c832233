"""Files and folders Parley keeps for itself are readable by their owner only,
whatever the umask: history, attachments, the log, backups, window state.

Files a person exports are not made here: they follow the umask like any document.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Creates `path` (and missing parents, which keep the umask's mode: they are
    shared folders such as ~/.local/share) and makes `path` owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    tighten(path)
    return path


def private_file(path: Path) -> Path:
    """Creates `path` empty when missing; owner-only either way. Creating it first
    is what makes SQLite's files private: its -wal and -shm take the main file's mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    os.close(fd)
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """Owner-only mode for an existing file or folder (nothing when it is gone)."""
    if os.name != "posix":
        return  # other systems keep a user's files private through their own ACLs
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if path.is_symlink():
        return  # the link's target is not ours to change
    wanted = DIR_MODE if path.is_dir() else FILE_MODE
    if mode & 0o777 != wanted:
        path.chmod(wanted)


def tighten_tree(root: Path) -> None:
    """`root` and everything under it owner-only: what older versions of Parley
    left readable by everyone. A private `root` means this was done already (all
    that Parley creates inside is private), so the walk is skipped."""
    try:
        if root.stat().st_mode & 0o777 == DIR_MODE:
            return
    except FileNotFoundError:
        return
    tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            tighten(Path(folder, name))
