"""Pytest plugin: the ``fake_server`` fixture (registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakeserver.server import FakeResponsesServer


@pytest.fixture
def fake_server() -> Iterator[FakeResponsesServer]:
    """A fresh fake Responses server on 127.0.0.1 for one test (starts in a few ms)."""
    server = FakeResponsesServer().start()
    try:
        yield server
    finally:
        server.stop()
