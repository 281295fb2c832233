"""`parley ask --background` and `parley resume` end to end: the real executable against
the fake server's background answers, cut connections and refusing servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakeserver import FakeResponsesServer, preset
from tests.fakeserver.background import Break

pytestmark = pytest.mark.e2e

PARLEY = Path(sys.executable).with_name("parley")
TOKEN = "cf-test-token-DO-NOT-PRINT-43"
ANSWER = preset("normal").answer
USAGE = "usage: input 15 (cached 4) · output 342 (reasoning 67) · total 357 tokens"


def parley(server: FakeResponsesServer, *args: str) -> subprocess.CompletedProcess[str]:
    environment = dict(
        os.environ,
        PYTHONIOENCODING="utf-8",
        PARLEY_BASE_URL=server.base_url,
        CLOUDFLARE_API_TOKEN=TOKEN,
    )
    result = subprocess.run(
        [str(PARLEY), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
    )
    assert TOKEN not in result.stdout and TOKEN not in result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_background_prints_the_id_first_and_the_answer_once(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.background.break_streams(Break(20))
    result = parley(fake_server, "ask", "--background", "hi")
    assert result.returncode == 0
    assert result.stdout == ANSWER + "\n"  # the cut cost nothing and doubled nothing
    lines = result.stderr.splitlines()
    assert lines[0] == "response id: resp_bg0001"
    assert lines[1].startswith("The connection was lost; reconnecting")
    assert lines[-1] == USAGE
    body = fake_server.requests[0].json
    assert (body["background"], body["store"], body["stream"]) == (True, True, True)
    assert [r.method for r in fake_server.requests] == ["POST", "GET"]


def test_a_server_without_background_answers_the_ordinary_way(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.background.set_mode("refuse_400")
    result = parley(fake_server, "ask", "--background", "hi")
    assert (result.returncode, result.stdout) == (0, ANSWER + "\n")
    assert result.stderr.splitlines()[0].startswith(
        "This server does not keep answers running (the server refused it (400"
    )
    assert "response id" not in result.stderr


def test_resume_prints_the_whole_answer_or_what_came_after_a_number(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    assert parley(fake_server, "ask", "--background", "hi").returncode == 0
    whole = parley(fake_server, "resume", "resp_bg0001")
    assert (whole.returncode, whole.stdout) == (0, ANSWER + "\n")
    assert whole.stderr.splitlines()[-1] == USAGE
    job = fake_server.background.job("resp_bg0001")
    # The events up to the tenth answer delta: what a script printed before it died.
    text_events = [i for i, e in enumerate(job.events) if b"output_text.delta" in e]
    cut = text_events[9]
    rest = parley(fake_server, "resume", "resp_bg0001", "--after", str(cut))
    assert rest.returncode == 0
    shown = ANSWER[: 10 * preset("normal").delta_size]
    assert shown + rest.stdout == ANSWER + "\n"
    assert all(r.method == "GET" for r in fake_server.requests[1:])


def test_resume_of_an_unknown_answer_says_so_plainly(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = parley(fake_server, "resume", "resp_nothing")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "The server has no answer resp_nothing (404): it may have expired, "
        "or it was never kept there.\n"
    )


def test_background_needs_streaming(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = parley(fake_server, "ask", "--background", "--no-stream", "hi")
    assert result.returncode == 2
    assert result.stderr == (
        "parley ask: --background streams its answer; leave out --no-stream.\n"
    )
    assert fake_server.requests == []
