"""Benchmark: stream 100,000 small output_text.delta events through ResponsesClient.

The fake server runs as a subprocess, so `time.process_time()` here counts only the
client's CPU. Run: `.venv/bin/python -m tests.bench.bench_api [--events N] [--runs R]`.
Budget: at least 50,000 events/s (median of the runs).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.api import ResponseDone, ResponsesClient, TextDelta

BUDGET_EVENTS_PER_S = 50_000


def start_server(answer_file: Path, delta_size: int) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "tests.fakeserver", "--port", "0"]
    cmd += ["--answer-file", str(answer_file), "--delta-size", str(delta_size)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def one_run(client: ResponsesClient, expected: int) -> tuple[float, float]:
    """(events per second, client CPU microseconds per event) for one streamed answer."""
    count = 0
    stream = client.stream({"model": "bench", "input": "go"})
    next(stream)  # ResponseStarted: the server has finished scripting and is writing
    wall, cpu = time.perf_counter(), time.process_time()
    for event in stream:
        if type(event) is TextDelta:
            count += 1
        elif type(event) is ResponseDone:
            break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if count != expected:
        raise SystemExit(f"expected {expected} deltas, got {count}")
    return count / wall, cpu / count * 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delta-size", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        answer = Path(tmp) / "answer.txt"
        answer.write_text("abc " * (args.events * args.delta_size // 4), encoding="utf-8")
        proc, base_url = start_server(answer, args.delta_size)
        try:
            client = ResponsesClient(base_url, None)
            one_run(client, args.events)  # warm-up
            results = [one_run(client, args.events) for _ in range(args.runs)]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    rates = [r for r, _ in results]
    cpus = [c for _, c in results]
    rate, cpu = statistics.median(rates), statistics.median(cpus)
    print(f"events per run: {args.events:,}; runs: {args.runs}")
    print("events/s per run: " + ", ".join(f"{r:,.0f}" for r in rates))
    print(f"median: {rate:,.0f} events/s; client CPU {cpu:.2f} µs/event")
    ok = rate >= BUDGET_EVENTS_PER_S
    print(f"budget: {BUDGET_EVENTS_PER_S:,} events/s -> {'OK' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
