"""Renders a streaming answer off the GUI thread.

Re-rendering the open tail of a long answer can take tens of milliseconds (a
long list is one top-level block), which would freeze typing if done on the GUI
thread. This thread takes all text that arrived since its last pass, feeds the
`StreamingRenderer`s and sends the patches back as queued signals. It batches:
after each pass it waits at least a frame (longer when a pass was slow), so a
fast stream costs one render per frame, not one per delta.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from desktop.process import import_renderer
from desktop.ui.widgets.page_patch import merge_patch

MIN_GAP_S = 0.05
# Past LONG_CHARS of answer, at most LONG_GAP_S between passes. Every patch makes
# the page lay out and scroll, and a frame of a long answer costs the page's
# process 30-50 ms of software rendering on a small machine: at 20 patches a
# second it would never be idle, so the final patch (and typing, which shares the
# two cores) would wait behind it. Ten a second still reads as a smooth stream.
LONG_CHARS = 50_000
LONG_GAP_S = 0.1
# After a pass that took t seconds, wait t * SLOW_FACTOR before the next one, so
# rendering takes at most about a third of a core however large the tail grows.
SLOW_FACTOR = 2.0


class RenderThread(QThread):
    """Signals (queued to the GUI thread):
    patch(kind, start, blocks) — kind "answer" or "reasoning"
    rendered()                 — after `finish()`: everything has been rendered
    """

    patch = Signal(str, int, list)
    rendered = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parley-render")
        self._cond = threading.Condition()
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._restart: str | None = None
        self._final = False

    def add(self, kind: str, text: str) -> None:
        with self._cond:
            (self._reasoning if kind == "reasoning" else self._text).append(text)
            self._cond.notify()

    def replace(self, text: str) -> None:
        """Renders the answer anew from `text` (the server's final word wins)."""
        with self._cond:
            self._restart = text
            self._text.clear()
            self._cond.notify()

    def finish(self) -> None:
        with self._cond:
            self._final = True
            self._cond.notify()

    def run(self) -> None:
        StreamingRenderer = _load_renderer()
        answer, reasoning = StreamingRenderer(), StreamingRenderer()
        size = 0  # characters of answer fed so far
        while True:
            with self._cond:
                while not (self._text or self._reasoning or self._final or self._restart):
                    self._cond.wait()
                text, self._text = "".join(self._text), []
                thought, self._reasoning = "".join(self._reasoning), []
                restart, self._restart = self._restart, None
                final = self._final
            started = time.perf_counter()
            if restart is not None:
                answer = StreamingRenderer()
                text = restart + text
                size = 0
            size += len(text)
            # One patch per kind and pass: at the end, the last text and finish()
            # go to the page together, not as two round trips.
            patches: dict[str, tuple[int, list[str]]] = {}
            if thought:
                _merge(patches, "reasoning", reasoning.feed(thought))
            if text or restart is not None:
                _merge(patches, "answer", answer.feed(text))
            if final:
                _merge(patches, "reasoning", reasoning.finish())
                _merge(patches, "answer", answer.finish())
            for kind, (start, blocks) in patches.items():
                self.patch.emit(kind, start, blocks)
            if final:
                self.rendered.emit()
                return
            floor = LONG_GAP_S if size > LONG_CHARS else MIN_GAP_S
            gap = max(floor, (time.perf_counter() - started) * SLOW_FACTOR)
            with self._cond:
                # Wait to batch more text, but wake at once when the answer ends.
                self._cond.wait_for(lambda: self._final, timeout=gap)


def _merge(patches: dict[str, tuple[int, list[str]]], kind: str, patch: Any) -> None:
    patches[kind] = merge_patch(patches.get(kind), patch.start, list(patch.blocks))


def _load_renderer() -> type:
    """The streaming renderer (markdown-it, Pygments, the math converter: imported on
    first use, the way `desktop.process` says)."""

    def load() -> type:
        from desktop.render import StreamingRenderer

        return StreamingRenderer

    return import_renderer(load)
