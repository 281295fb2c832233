"""`parley ask` end to end: the real executable as a subprocess against the fake server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from desktop import cli
from tests.fakeserver import FakeResponsesServer, preset

pytestmark = pytest.mark.e2e

PARLEY = Path(sys.executable).with_name("parley")
TOKEN = "cf-test-token-DO-NOT-PRINT-42"
ACCOUNT = "0123456789abcdef"
QUESTION = "What are the three laws of thermodynamics?"
ANSWER = preset("normal").answer
USAGE = "usage: input 15 (cached 4) · output 342 (reasoning 67) · total 357 tokens"


def run_parley(
    server: FakeResponsesServer,
    *args: str,
    base_url: str | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONIOENCODING="utf-8")
    environment.update(
        env
        if env is not None
        else {"PARLEY_BASE_URL": base_url or server.base_url, "CLOUDFLARE_API_TOKEN": TOKEN}
    )
    result = subprocess.run(
        [str(PARLEY), "ask", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=30,
    )
    assert TOKEN not in result.stdout and TOKEN not in result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_request_matches_cloudflare_curl(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    base = f"{fake_server.origin}/client/v4/accounts/{ACCOUNT}/ai/v1"
    result = run_parley(fake_server, QUESTION, base_url=base)
    assert result.returncode == 0
    assert result.stdout == ANSWER + "\n"
    assert result.stderr == USAGE + "\n"
    (request,) = fake_server.requests
    assert request.method == "POST"
    assert request.path == f"/client/v4/accounts/{ACCOUNT}/ai/v1/responses"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    # The documented curl body, plus the one thing streaming adds.
    assert request.json == {"model": "openai/gpt-5.4-pro", "input": QUESTION, "stream": True}


def test_no_stream_body_is_exactly_the_documented_one(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = run_parley(fake_server, "--no-stream", QUESTION)
    assert (result.returncode, result.stdout, result.stderr) == (0, ANSWER + "\n", USAGE + "\n")
    assert fake_server.requests[0].json == {"model": "openai/gpt-5.4-pro", "input": QUESTION}


def test_options_reach_the_body(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    args = [
        *("--model", "openai/gpt-5.4", "--instructions", "Be brief."),
        *("--temperature", "0.5", "--top-p", "0.9", "--max-output-tokens", "100"),
        *("--reasoning-effort", "high", "--reasoning-summary", "auto", "--verbosity", "low"),
    ]
    assert run_parley(fake_server, *args, "hi").returncode == 0
    assert fake_server.requests[0].json == {
        "model": "openai/gpt-5.4",
        "input": "hi",
        "instructions": "Be brief.",
        "max_output_tokens": 100,
        "temperature": 0.5,
        "top_p": 0.9,
        "reasoning": {"effort": "high", "summary": "auto"},
        "text": {"verbosity": "low"},
        "stream": True,
    }


def test_prompt_from_stdin(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = run_parley(fake_server, "-", stdin="Question from a pipe\n")
    assert result.returncode == 0
    assert fake_server.requests[0].json["input"] == "Question from a pipe\n"


@pytest.mark.parametrize("name", ["normal", "split_utf8", "crlf", "noisy", "skip_deltas"])
def test_answers_stream_to_stdout(
    name: str, fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue(name)
    result = run_parley(fake_server, QUESTION)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        preset(name).answer + "\n",
        USAGE + "\n",
    )


def test_reasoning_is_shown_only_when_asked(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue("reasoning_text")
    result = run_parley(fake_server, "--show-reasoning", QUESTION)
    assert result.returncode == 0 and result.stdout == ANSWER + "\n"
    assert result.stderr == preset("reasoning_text").reasoning + "\n" + USAGE + "\n"


def test_incomplete_answer_says_it_was_truncated(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue("incomplete")
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 0
    assert ANSWER.startswith(result.stdout.rstrip("\n")) and len(result.stdout) < len(ANSWER)
    assert result.stderr.splitlines() == ["truncated: max_output_tokens", USAGE]


def test_refusal_goes_to_stderr(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue("refusal")
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.splitlines() == [f"refusal: {preset('refusal').answer}", USAGE]


FAILURES: list[tuple[str, dict[str, Any], str]] = [
    ("cut", {}, "The connection to the server was lost before the answer was finished."),
    ("failed", {}, "The model failed to finish its answer: The model stopped unexpectedly."),
    ("error_event", {}, "The model failed to finish its answer: The model crashed while"),
    ("malformed", {}, "The server sent a reply that could not be read."),
    ("non_json_error", {"retry_after": "0"}, "The server had a problem (502)."),
    ("http_400", {}, "The server rejected the request (400): Invalid value for 'temperature'"),
    ("http_401", {}, "The API token was rejected (401). Check CLOUDFLARE_API_TOKEN."),
    ("cf_401", {}, "The API token was rejected (401)."),
    ("http_403", {}, "The API token is not allowed to use this model (403)."),
    ("cf_403", {}, "The API token is not allowed to use this model (403)."),
    ("http_404", {}, "has no endpoint for the model 'openai/gpt-5.4-pro' (404)."),
    ("cf_404", {}, "(404). Check the model id (--model) and PARLEY_BASE_URL."),
    ("http_429", {"retry_after": "0"}, "Too many requests (429)."),
    ("cf_429", {"retry_after": "3600"}, "the server asks to wait 60 minutes before trying again."),
    ("quota", {}, "The OpenAI account has no quota left (429)."),
    ("cf_quota", {}, "daily free Workers AI allocation is used up (429)."),
    ("echo_auth", {}, "Invalid header Authorization: [redacted]"),
    ("http_500", {"retry_after": "0"}, "The server had a problem (500)."),
    ("cf_503", {"retry_after": "0"}, "The server had a problem (503)."),
]


@pytest.mark.parametrize(("name", "overrides", "message"), FAILURES)
def test_failures_print_one_sentence(
    name: str,
    overrides: dict[str, Any],
    message: str,
    fake_server: FakeResponsesServer,
    isolated_dirs: dict[str, Path],
) -> None:
    fake_server.set_default(name, **overrides)
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert "Settings" not in result.stderr  # the command line has none to open
    partial = result.stdout.rstrip("\n")
    assert ANSWER.startswith(partial)
    if name in ("cut", "failed", "malformed"):
        assert partial  # what arrived before the failure stays on stdout


def test_retries_then_answers(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue("http_503", "cf_500", retry_after="0")
    result = run_parley(fake_server, QUESTION)
    assert (result.returncode, result.stdout) == (0, ANSWER + "\n")
    assert len(fake_server.requests) == 3


def test_unreachable_server(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.stop()
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 1
    assert result.stderr.startswith("Could not connect to 127.0.0.1:")


def test_ctrl_c_mid_answer_cancels_cleanly(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("normal", delta_rate=20)
    env = dict(os.environ, PARLEY_BASE_URL=fake_server.base_url, CLOUDFLARE_API_TOKEN=TOKEN)
    proc = subprocess.Popen(
        [str(PARLEY), "ask", QUESTION],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(5)  # the answer has started
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - start < 2
    assert proc.returncode == 130
    assert err == "Interrupted; the answer above is incomplete.\n"
    assert ANSWER.startswith((first + out).rstrip("\n")) and len(first + out) < len(ANSWER)
    deadline = time.monotonic() + 2
    while not fake_server.requests[0].client_disconnected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.requests[0].client_disconnected


def test_ctrl_c_before_the_first_byte(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("slow", first_byte_delay=30)
    env = dict(os.environ, PARLEY_BASE_URL=fake_server.base_url, CLOUDFLARE_API_TOKEN=TOKEN)
    proc = subprocess.Popen(
        [str(PARLEY), "ask", QUESTION],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    fake_server.wait_for_requests(1, timeout=10)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - start < 1
    assert (proc.returncode, out, err) == (
        130,
        "",
        "Interrupted; the answer above is incomplete.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--temperature", "5", "hi"], "Temperature must be between 0 and 2."),
        (["--top-p", "x", "hi"], "Argument --top-p: invalid float value: 'x'."),
        (
            ["--reasoning-effort", "maximum", "hi"],
            "Argument --reasoning-effort: invalid choice: 'maximum' (choose from 'none',",
        ),
        (
            ["--max-output-tokens", "0", "hi"],
            "Maximum output tokens must be between 1 and 1,000,000.",
        ),
        ([], "The following arguments are required: PROMPT."),
        (["  "], "The prompt is empty."),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = run_parley(fake_server, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert fake_server.requests == []


def test_missing_configuration_names_the_variables(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    result = run_parley(fake_server, QUESTION, env={})
    assert result.returncode == 2
    assert result.stderr == (
        "parley ask: Set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN "
        "(or PARLEY_BASE_URL for another server), or connect in the app's settings, "
        "to use parley ask.\n"
    )


def _save_profile(server: FakeResponsesServer) -> str:
    from desktop.config.profiles import Profiles
    from desktop.config.settings import Settings

    settings = Settings()
    profiles = Profiles(settings)
    profile = profiles.add("Local", "custom", base_url=server.base_url)
    profiles.set_active(profile.id)
    settings.save()
    return profile.id


def test_without_variables_the_apps_saved_connection_is_used(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    """The server and token chosen in the app serve `parley ask` too (the token
    from the keyring, never from a file)."""
    from desktop.config.secrets import default_secret_store

    profile_id = _save_profile(fake_server)
    result = run_parley(fake_server, QUESTION, env={})
    assert result.returncode == 0 and result.stdout.startswith(ANSWER)
    assert "authorization" not in fake_server.requests[-1].headers  # a local server needs none
    secrets = default_secret_store()
    assert secrets.available, secrets.problem
    secrets.set(profile_id, TOKEN)
    try:
        result = run_parley(fake_server, QUESTION, env={})
    finally:
        secrets.delete(profile_id)
    assert result.returncode == 0
    assert fake_server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_help(fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]) -> None:
    result = run_parley(fake_server, "--help")
    assert result.returncode == 0 and "--reasoning-effort" in result.stdout


def test_resolve_connection() -> None:
    cf = cli.resolve_connection({"CLOUDFLARE_ACCOUNT_ID": ACCOUNT, "CLOUDFLARE_API_TOKEN": TOKEN})
    assert cf.base_url == f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1"
    assert cf.token == TOKEN and TOKEN not in repr(cf)
    local = cli.resolve_connection({"PARLEY_BASE_URL": "http://localhost:8080/v1"})
    assert local == cli.Connection("http://localhost:8080/v1", None)
    with pytest.raises(cli.UsageError, match="CLOUDFLARE_API_TOKEN"):
        cli.resolve_connection({"CLOUDFLARE_ACCOUNT_ID": ACCOUNT})


def test_a_bug_is_logged_not_shown(
    fake_server: FakeResponsesServer,
    isolated_dirs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_run", broken)
    monkeypatch.setenv("PARLEY_BASE_URL", fake_server.base_url)
    assert cli.main(["hi"]) == 1
    err = capsys.readouterr().err
    log = isolated_dirs["state"] / "parley" / "log" / "parley.log"
    assert err == f"Something went wrong; details are in {log}\n"
    assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")


def test_commentary_goes_to_stderr_and_sources_follow_the_answer(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    scenario = preset("commentary")
    fake_server.set_default(scenario)
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 0
    assert result.stdout == (
        f"{scenario.answer}\n\nSources:\n"
        "[1] Example News — https://news.example.com/parley-0-1\n"
        "[2] API reference — https://docs.example.org/responses\n"
    )
    assert result.stderr.splitlines() == [scenario.commentary, USAGE]


def test_reasoning_and_commentary_keep_their_own_lines(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    scenario = preset("commentary", reasoning="Thinking it over.")
    fake_server.set_default(scenario)
    result = run_parley(fake_server, "--show-reasoning", "--no-sources", QUESTION)
    assert result.stderr.splitlines() == ["Thinking it over.", scenario.commentary, USAGE]
    assert result.stdout == scenario.answer + "\n"


def test_no_sources_leaves_the_answer_alone(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("web_search")
    result = run_parley(fake_server, "--no-sources", QUESTION)
    assert result.stdout == preset("web_search").answer + "\n"


def test_file_sources_are_named(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("files")
    result = run_parley(fake_server, "--no-stream", QUESTION)
    assert result.stdout.endswith(
        "Sources:\n[1] budget-2026.pdf (file file-report01)\n"
        "[2] chart.png (container file cfile_chart01)\n[3] generated file file-table01\n"
    )


def test_verbose_failure_shows_the_server_reason_and_request_id(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("cf_quota")
    quiet = run_parley(fake_server, QUESTION)
    loud = run_parley(fake_server, "-v", QUESTION)
    assert len(quiet.stderr.splitlines()) == 1
    assert loud.stderr.splitlines()[0] == quiet.stderr.splitlines()[0]
    assert "HTTP 429 · code 3036 · request id 8f0fake0001-LHR" in loud.stderr
    assert "The server said: AiError: the daily free allocation" in loud.stderr
    assert len(fake_server.requests) == 2  # a quota error is not retried
    log = (isolated_dirs["state"] / "parley" / "log" / "parley.log").read_text()
    assert "request id 8f0fake0001-LHR" in log


def test_a_token_quoted_by_the_server_is_never_printed_or_logged(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.set_default("echo_auth")
    result = run_parley(fake_server, "-v", QUESTION)  # asserts the token is not printed
    assert result.returncode == 1 and "[redacted]" in result.stderr
    log = (isolated_dirs["state"] / "parley" / "log" / "parley.log").read_text()
    assert "[redacted]" in log and TOKEN not in log


def test_a_long_retry_after_is_announced_then_waited_out(
    fake_server: FakeResponsesServer, isolated_dirs: dict[str, Path]
) -> None:
    fake_server.enqueue("cf_429", retry_after="5")
    result = run_parley(fake_server, QUESTION)
    assert result.returncode == 0 and result.stdout == ANSWER + "\n"
    note, usage = result.stderr.splitlines()
    assert note.startswith("The server asked to wait 5 seconds; trying again at ")
    assert note.endswith("(Ctrl+C stops).") and usage == USAGE
    gap = fake_server.requests[1].received_at - fake_server.requests[0].received_at
    assert gap >= 4.9
