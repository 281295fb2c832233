"""Benchmark: a background answer cut at random points and resumed is byte for byte the
uninterrupted one.

Each run cuts the first stream of a background answer after a random number of events
(and, in a third of the runs, the resumed stream once more), lets the client resume by
sequence number, and compares the text it showed and the final reply with an
uninterrupted answer. The answer mixes multi-byte characters, code and math, in small
deltas. Run: `.venv/bin/python -m tests.bench.bench_resume [--cuts 100] [--seed 1]`.
Budget: every resumed answer equal to the uninterrupted one; no second POST.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from desktop.api import ResponseDone, ResponsesClient, TextDelta
from desktop.api.events import Reconnecting
from tests.fakeserver import FakeResponsesServer
from tests.fakeserver.background import Break

ANSWER = (
    "## Résumé ✓\n\nEntropy $S = k_B \\ln \\Omega$ never falls — 数学 🙂.\n\n"
    "```python\nprint('ünïcödé')\n```\n\n" + "Zürich → 東京, naïve café. " * 60
)
BODY = {"model": "bench", "input": "go"}


def answer_of(client: ResponsesClient) -> tuple[str, str, int]:
    """(text shown from deltas, final reply text, reconnects) of one background answer."""
    shown: list[str] = []
    final = ""
    reconnects = 0
    for event in client.stream_background(BODY):
        if isinstance(event, TextDelta):
            shown.append(event.text)
        elif isinstance(event, Reconnecting):
            reconnects += 1
        elif isinstance(event, ResponseDone):
            final = event.reply.text
    return "".join(shown), final, reconnects


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cuts", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with FakeResponsesServer() as server:
        server.set_default("normal", answer=ANSWER, delta_size=5, delta_rate=4000)
        with ResponsesClient(server.base_url, None, max_retries=0) as client:
            expected, expected_final, _ = answer_of(client)
            events = len(server.background.job("resp_bg0001").events)
            failures: list[str] = []
            seconds: list[float] = []
            for n in range(args.cuts):
                cut = rng.randrange(1, events)
                breaks = [cut]
                if n % 3 == 0:
                    breaks.append(rng.randrange(1, max(2, events - cut)))
                server.background.break_streams(*(Break(b) for b in breaks))
                before = len(server.requests)
                start = time.perf_counter()
                shown, final, reconnects = answer_of(client)
                seconds.append(time.perf_counter() - start)
                new = server.requests[before:]
                posts = sum(r.method == "POST" for r in new)
                if shown != expected or final != expected_final:
                    failures.append(f"cuts {breaks}: text differs")
                if posts != 1 or reconnects != len(breaks):
                    failures.append(f"cuts {breaks}: {posts} POSTs, {reconnects} reconnects")
    print(f"answer: {len(expected.encode()):,} bytes in {events} events")
    print(f"resumed answers: {args.cuts} (seed {args.seed}); cut points chosen at random")
    print(f"time per answer: median {statistics.median(seconds) * 1000:.0f} ms")
    print(f"equal byte for byte: {args.cuts - len(failures)} of {args.cuts}")
    for failure in failures[:10]:
        print("  " + failure)
    ok = not failures
    print("budget: every resumed answer equal, one POST each -> " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
