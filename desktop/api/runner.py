"""Run one request's asyncio work inside the calling (worker) thread, interruptibly.

A blocking socket read cannot be interrupted reliably from another thread, but an
asyncio task can: `CancelToken.cancel()` schedules `task.cancel()` on this private loop,
which wakes it at once, even while it waits for the TCP connect or the first byte.
Nothing runs in extra threads, so nothing is left blocked behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from httpx_sse import EventSource, ServerSentEvent

from desktop.api.cancel import CancelToken

T = TypeVar("T")


class LoopRunner:
    """A private event loop for one request, driven step by step from a synchronous caller."""

    def __init__(self, cancel: CancelToken | None) -> None:
        self.loop = asyncio.new_event_loop()
        self._cancel = cancel

    def run(self, coro: Coroutine[Any, Any, T], cancellable: bool = True) -> T:
        """Run `coro` to completion; a cancel raises asyncio.CancelledError here."""
        task = self.loop.create_task(coro)
        detach = None
        if cancellable and self._cancel is not None:
            loop = self.loop

            def interrupt() -> None:
                loop.call_soon_threadsafe(task.cancel)

            detach = self._cancel.attach(interrupt)
        try:
            return self.loop.run_until_complete(task)
        finally:
            if detach is not None:
                detach()

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()


class EventPump:
    """Reads SSE events (parsed by httpx-sse) and hands them out in batches.

    Driving the loop once per event would cost more than parsing the event, so a
    background task reads ahead and each `next_batch()` returns everything that arrived
    in the last network read.
    """

    def __init__(self, runner: LoopRunner, response: httpx.Response) -> None:
        self._runner = runner
        self._source = EventSource(response).aiter_sse()
        self._buffer: list[ServerSentEvent] = []
        self._wake: asyncio.Future[None] | None = None
        self._task = runner.loop.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for sse in self._source:
                self._buffer.append(sse)
                wake = self._wake
                if wake is not None and not wake.done():
                    wake.set_result(None)
        finally:
            wake = self._wake
            if wake is not None and not wake.done():
                wake.set_result(None)

    async def _wait(self, wake: asyncio.Future[None]) -> None:
        await wake

    def next_batch(self, timeout: float | None = None) -> list[ServerSentEvent] | None:
        """The next events, or None at the end of the stream; read errors are raised,
        and TimeoutError when nothing arrived within `timeout` seconds."""
        if not self._buffer and not self._task.done():
            self._wake = self._runner.loop.create_future()
            waiting = self._wait(self._wake)
            self._runner.run(waiting if timeout is None else asyncio.wait_for(waiting, timeout))
        if self._buffer:
            batch, self._buffer = self._buffer, []
            return batch
        if self._task.done():
            self._task.result()  # re-raises the reader's exception, if any
            return None
        return []

    async def aclose(self) -> None:
        """Stop reading (the connection is closed by the response's own aclose)."""
        if not self._task.done():
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._source.aclose()
