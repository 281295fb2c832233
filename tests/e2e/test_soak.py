"""A long day of use, shortened: 30 answers of the soak benchmark
(tests/bench/bench_soak.py) in the real app — short and 200 KB answers, Stop,
switching conversations while one streams, Regenerate, Edit, Delete + Undo,
Search — with no crash, no Qt warning in the log, nothing lost, PSS steady from
answer 20 on and the event loop on time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.bench_soak import missed, soak

pytestmark = [pytest.mark.gui, pytest.mark.e2e, pytest.mark.timeout(300)]


def test_thirty_answers_of_a_long_day(tmp_path: Path) -> None:
    report = soak(30, tmp_path, timeout_s=240)
    assert report["answers"] >= 30, report
    assert missed(report) == [], {k: v for k, v in report.items() if k != "cycles"}
