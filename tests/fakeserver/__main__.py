"""Run the fake Responses server as a process: ``python -m tests.fakeserver --port 0``.

The first stdout line is the base URL; it then serves until killed. GUI end-to-end
tests and benchmarks use this so the server's CPU is not counted as the app's.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from tests.fakeserver.scenarios import PRESETS, preset
from tests.fakeserver.server import FakeResponsesServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakeserver")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scenario", default="normal", choices=sorted(PRESETS))
    parser.add_argument("--answer-file", type=Path)
    parser.add_argument("--reasoning-file", type=Path)
    parser.add_argument("--delta-rate", type=float, help="deltas per second")
    parser.add_argument("--delta-size", type=int, help="characters per delta")
    parser.add_argument("--first-byte-delay", type=float, help="seconds before answering")
    parser.add_argument("--queue", default="", help="comma-separated scenarios to use first")
    args = parser.parse_args(argv)

    overrides: dict[str, object] = {}
    if args.answer_file:
        overrides["answer"] = args.answer_file.read_text(encoding="utf-8")
    if args.reasoning_file:
        overrides["reasoning"] = args.reasoning_file.read_text(encoding="utf-8")
    if args.delta_rate:
        overrides["delta_rate"] = args.delta_rate
    if args.delta_size:
        overrides["delta_size"] = args.delta_size
    if args.first_byte_delay is not None:
        overrides["first_byte_delay"] = args.first_byte_delay

    server = FakeResponsesServer(default=preset(args.scenario, **overrides))
    queued = [name for name in args.queue.split(",") if name]
    if queued:
        server.enqueue(*queued)
    server.start(args.port)
    print(server.base_url, flush=True)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
