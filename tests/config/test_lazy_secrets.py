"""The keyring store opened on first use or by a warm-up thread, never twice."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from desktop.config import lazy_secrets
from desktop.config.secrets import SessionSecrets


def test_nothing_is_opened_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    def factory() -> SessionSecrets:
        made.append(object())
        return SessionSecrets()

    monkeypatch.setattr("desktop.config.secrets.default_secret_store", factory)
    secrets = lazy_secrets.LazyKeyringSecrets()
    assert made == []
    secrets.set("p", "tok")
    assert secrets.get("p") == "tok"
    assert secrets.available
    assert len(made) == 1


def test_warm_up_and_first_lookup_share_one_store(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    started = threading.Event()

    def slow_factory() -> Any:
        started.set()
        time.sleep(0.2)  # as importing keyring and finding the backend does
        made.append(threading.get_ident())
        return SessionSecrets()

    monkeypatch.setattr("desktop.config.secrets.default_secret_store", slow_factory)
    secrets = lazy_secrets.LazyKeyringSecrets()
    thread = secrets.warm_up()
    assert thread.daemon
    started.wait(2)
    assert secrets.get("p") is None  # waits for the warm-up instead of opening again
    thread.join(2)
    assert made == [thread.ident]
