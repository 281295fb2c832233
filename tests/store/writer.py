"""A second Parley process for the concurrency test: writes messages in a loop."""

from __future__ import annotations

from pathlib import Path

from desktop.store import Store


def write_messages(path: str, conversation_id: int, count: int) -> None:
    with Store(Path(path)) as store:
        for i in range(count):
            store.add_user_message(conversation_id, f"from process {i}")
