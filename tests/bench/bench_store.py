"""Store benchmark: 10,000 conversations and 200,000 messages, then the
timings the GUI depends on. Run: .venv/bin/python -m tests.bench.bench_store"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from desktop.store import Store

CONVERSATIONS = 10_000
MESSAGES = 200_000
BIG = 1_000  # messages in the one long conversation
VOCABULARY = (
    "the of and to in is that for it as with was on be by this are or from at python "
    "function error table query model answer question value string list number file "
    "server request response token stream thread window widget render markdown math "
    "équation café naïve résumé Zürich integral matrix vector docker kubernetes rust "
    "memory cache index database sqlite search budget latency performance benchmark"
)
WORDS = VOCABULARY.split()
QUERIES = [
    "python", "error", "the", "databa", "cafe", "zurich matrix", "stream thread",
    "render markdown", "kube", "integral", "résumé", "token", "widget window",
    "latency budget", "perf", "sqlite index", "naive", "vector", "equation", "q",
]  # fmt: skip


def text(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(WORDS) if rng.random() < 0.7 else f"w{rng.randint(0, 50_000)}"
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def pool(rng: random.Random, low: int, high: int, count: int = 3000) -> list[str]:
    """Pre-made texts, so generating takes FTS indexing time, not Python time."""
    return [text(rng, low, high) for _ in range(count)]


def generate(path: Path) -> int:
    """Fill the database; returns the id of the 1,000-message conversation."""
    with Store(path):
        pass  # creates the schema
    rng = random.Random(7)
    now = time.time()
    questions, answers = pool(rng, 20, 300), pool(rng, 200, 2000)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO conversations (id, title, title_is_auto, created, updated)"
            " VALUES (?, ?, 0, ?, ?)",
            (
                (i, f"Conversation {i} {rng.choice(WORDS)}", now - i * 600, now - i * 60)
                for i in range(1, CONVERSATIONS + 1)
            ),
        )
        sizes = [BIG] + [(MESSAGES - BIG) // (CONVERSATIONS - 1)] * (CONVERSATIONS - 1)
        sizes[-1] += MESSAGES - sum(sizes)

        def rows() -> object:
            message_id = 0
            for conv_id, size in enumerate(sizes, start=1):
                parent = None
                for n in range(size):
                    message_id += 1
                    user = n % 2 == 0
                    body = rng.choice(questions) if user else rng.choice(answers)
                    created = now - conv_id * 600 + n
                    yield (
                        message_id, conv_id, parent, "user" if user else "assistant",
                        body, created, created,
                    )  # fmt: skip
                    parent = message_id

        conn.executemany(
            "INSERT INTO messages (id, conversation_id, parent_id, role, text, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows(),  # type: ignore[arg-type]
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return 1


def median_ms(action: Callable[[], object], repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        start = time.perf_counter()
        big = generate(path)
        size = path.stat().st_size / 1e6
        print(f"generate {CONVERSATIONS} conversations, {MESSAGES} messages: "
              f"{time.perf_counter() - start:.1f} s, {size:.0f} MB")  # fmt: skip

        def open_and_list() -> None:
            with Store(path) as store:
                assert len(store.list_conversations(50)) == 50

        print(f"open store + list first 50 conversations: median {median_ms(open_and_list):.2f} ms")
        with Store(path) as store:
            print(f"list 50 conversations (open store): "
                  f"{median_ms(lambda: store.list_conversations(50)):.2f} ms")  # fmt: skip
            print(f"list 50 at offset 9,000: "
                  f"{median_ms(lambda: store.list_conversations(50, 9000)):.2f} ms")  # fmt: skip
            print(f"last 50 of a {BIG}-message conversation: "
                  f"{median_ms(lambda: store.tail(big, 50)):.2f} ms")  # fmt: skip
            print(f"all {BIG} messages of it: "
                  f"{median_ms(lambda: store.messages(big), 5):.2f} ms")  # fmt: skip
            per_query = []
            for query in QUERIES:
                per_query.append(median_ms(lambda q=query: store.search(q), 5))  # type: ignore[misc]
            print(f"search, {len(QUERIES)} queries: median {statistics.median(per_query):.2f} ms,"
                  f" worst {max(per_query):.2f} ms")  # fmt: skip
            print(f"update_streaming of a 5,000-character answer: "
                  f"{streaming_ms(store, big):.2f} ms")  # fmt: skip


def streaming_ms(store: Store, conversation_id: int) -> float:
    question = store.tail(conversation_id, 1)[0]
    answer = store.start_assistant_message(question.id)
    bodies = iter(f"word {i} " * 700 for i in range(100))
    return median_ms(lambda: store.update_streaming(answer.id, next(bodies), ""))


if __name__ == "__main__":
    sys.exit(main())
