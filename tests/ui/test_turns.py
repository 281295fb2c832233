"""Stored messages as page turns: cached HTML is used as is, without loading the
renderer (~0.2 s of imports a cached conversation must not pay when it opens)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from desktop.store.models import Message, MessageStatus, Role
from desktop.ui.flows.turns import turn_dict


def answer(**fields: object) -> Message:
    base: dict[str, object] = {
        "id": 7,
        "conversation_id": 1,
        "parent_id": 6,
        "role": Role.ASSISTANT,
        "text": "**bold**",
        "status": MessageStatus.COMPLETE,
        "created": 0.0,
        "updated": 0.0,
    }
    base.update(fields)
    return Message(**base)  # type: ignore[arg-type]


class Cache:
    def __init__(self) -> None:
        self.saved: list[tuple[int, object, str]] = []

    def set_rendered_html(self, message_id: int, renderer_version: object, html: str) -> None:
        self.saved.append((message_id, renderer_version, html))


def test_uncached_answer_is_rendered_and_cached() -> None:
    cache = Cache()
    turn = turn_dict(answer(reasoning="*why*"), cache)
    assert "<strong>bold</strong>" in turn["blocks"][0]
    assert "<em>why</em>" in turn["reasoning"][0]
    assert cache.saved and cache.saved[0][0] == 7


def test_streaming_answer_is_not_cached() -> None:
    cache = Cache()
    turn_dict(answer(status=MessageStatus.STREAMING), cache)
    assert cache.saved == []


def test_cached_answer_opens_without_loading_the_renderer() -> None:
    code = textwrap.dedent(
        """
        import sys
        from desktop.store.models import Message, MessageStatus, Role
        from desktop.ui.flows.turns import turn_dict
        m = Message(7, 1, 6, Role.ASSISTANT, "**bold**", MessageStatus.COMPLETE, 0.0, 0.0,
                    rendered_html="<p>cached</p>")
        turn = turn_dict(m)
        assert turn["blocks"] == ["<p>cached</p>"] and turn["reasoning"] == [], turn
        heavy = ("desktop.render.markdown", "markdown_it", "pygments")
        loaded = [n for n in heavy if n in sys.modules]
        print(",".join(loaded) or "none")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "none"
