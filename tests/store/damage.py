"""Histories with known content, and the damage done to them in the tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from desktop.store import MessageStatus, Store

PAGE = 4096


def fill(path: Path, conversations: int = 20, turns: int = 15) -> int:
    with Store(path) as store:
        for c in range(conversations):
            conv = store.create_conversation(f"conversation {c}")
            for t in range(turns):
                question = store.add_user_message(conv.id, f"question {c}.{t} " * 20)
                answer = store.start_assistant_message(question.id, "m")
                store.finish_message(
                    answer.id, MessageStatus.COMPLETE, text=f"answer {c}.{t} " * 40
                )
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conversations * turns * 2


def damage_table_pages(path: Path, every: int = 7) -> None:
    """Overwrites the cell pointers of some table b-tree leaf pages in the middle."""
    data = bytearray(path.read_bytes())
    hit = 0
    for page in range(len(data) // PAGE // 3, len(data) // PAGE):
        if data[page * PAGE] == 0x0D:
            hit += 1
            if hit % every == 0:
                data[page * PAGE + 8 : page * PAGE + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))


def damage_header(path: Path) -> None:
    """Overwrites the 100-byte header (SQLite then calls it "not a database")."""
    data = bytearray(path.read_bytes())
    data[0:100] = b"\x00garbage" * 12 + b"\x00" * 4
    path.write_bytes(bytes(data))
