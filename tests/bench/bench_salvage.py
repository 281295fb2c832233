"""Salvage benchmark: a ~1 GB history (answers with reasoning, cached HTML and
the request sent), damaged in a few middle pages, then the start-up check and
the salvage timed; then the salvaged file's header is damaged and salvaged again.

Run: .venv/bin/python -m tests.bench.bench_salvage [--size-mb 1024] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from desktop.store import Store
from desktop.store.salvage import is_damaged, salvage
from tests.bench.bench_store import pool
from tests.store.damage import damage_header

TURNS = 10  # questions per conversation
PAGE = 4096


def build(path: Path, size_mb: int, seed: int = 11) -> tuple[int, int]:
    """Fills `path` until it is about `size_mb` MB; returns (conversations, messages)."""
    with Store(path):
        pass  # the schema
    rng = random.Random(seed)
    questions, answers = pool(rng, 40, 400, 500), pool(rng, 2000, 10000, 500)
    target = size_mb * 1024 * 1024
    conversations = messages = 0
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = OFF")
        now = time.time()
        while path.stat().st_size < target:
            conn.execute("BEGIN")
            for _ in range(50):
                conversations += 1
                conv = conn.execute(
                    "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                    (f"Conversation {conversations}", now, now),
                ).lastrowid
                parent = None
                for _turn in range(TURNS):
                    question = rng.choice(questions)
                    parent = conn.execute(
                        "INSERT INTO messages (conversation_id, parent_id, role, text, created,"
                        " updated) VALUES (?, ?, 'user', ?, ?, ?)",
                        (conv, parent, question, now, now),
                    ).lastrowid
                    answer = rng.choice(answers)
                    request = json.dumps({"input": [{"role": "user", "content": question}]})
                    parent = conn.execute(
                        "INSERT INTO messages (conversation_id, parent_id, role, text, reasoning,"
                        " rendered_html, renderer_version, request_json, response_json, model,"
                        " created, updated) VALUES (?, ?, 'assistant', ?, ?, ?, '1', ?, ?,"
                        " 'openai/gpt-5.4-pro', ?, ?)",
                        (
                            conv,
                            parent,
                            answer,
                            answer[:800],
                            f"<p>{answer}</p>" * 2,
                            request,
                            '{"status": "complete"}',
                            now,
                            now,
                        ),
                    ).lastrowid
                    messages += 2
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conversations, messages


def damage(path: Path, pages: int = 5) -> None:
    """Overwrites the cell pointers of `pages` table b-tree pages spread over the
    file's middle third (damage in overflow pages only changes text, which no
    check can see)."""
    size = path.stat().st_size
    with open(path, "r+b") as file:
        for n in range(pages):
            page = (size // 3 + n * size // (3 * pages)) // PAGE
            while True:
                file.seek(page * PAGE)
                if file.read(1) in (b"\x0d", b"\x05"):
                    break
                page += 1
            file.seek(page * PAGE + 8)
            file.write(b"\xff" * 200)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "history.sqlite3"
        started = time.perf_counter()
        conversations, messages = build(path, args.size_mb)
        built = time.perf_counter() - started
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"built {size_mb:.0f} MB: {conversations} conversations, {messages} messages")
        print(f"  ({built:.1f} s)")
        started = time.perf_counter()
        whole = is_damaged(path)
        print(f"quick check, whole file: {time.perf_counter() - started:.2f} s (damaged={whole})")
        damage(path)
        started = time.perf_counter()
        found = is_damaged(path)
        print(f"quick check, damaged file: {time.perf_counter() - started:.2f} s (damaged={found})")
        started = time.perf_counter()
        result = salvage(path)
        took = time.perf_counter() - started
        print(
            f"salvage, damaged pages: {took:.1f} s; recovered {result.conversations}/"
            f"{conversations} conversations, {result.messages}/{messages} messages"
        )
        damage_header(path)
        started = time.perf_counter()
        result = salvage(path)
        took = time.perf_counter() - started
        print(
            f"salvage, damaged header: {took:.1f} s; recovered {result.conversations}"
            f" conversations, {result.messages} messages"
        )


if __name__ == "__main__":
    main()
