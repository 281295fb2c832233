"""The token from the environment stays readable by Parley and leaves the
environment that child processes inherit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop.config.environment import ENV_API_TOKEN, take_environment


def test_the_token_is_kept_privately_and_no_child_inherits_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_API_TOKEN, "env-secret-71c2")
    monkeypatch.setenv("PARLEY_BASE_URL", "http://127.0.0.1:9")
    kept = take_environment()
    assert kept[ENV_API_TOKEN] == "env-secret-71c2"
    assert kept["PARLEY_BASE_URL"] == "http://127.0.0.1:9"
    assert ENV_API_TOKEN not in os.environ
    child = subprocess.run(
        [sys.executable, "-c", f"import os; print(os.environ.get({ENV_API_TOKEN!r}, ''))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == ""
