"""ResponsesClient: send a Responses API request, stream or not, with retries and cancel.

The public methods are synchronous (they run on a worker thread), but each call drives
a private asyncio loop so a `CancelToken` can interrupt it within milliseconds. The
request itself, with its retries, is the `Transport`'s (transport.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any

import httpx

from desktop.api.accumulator import ReplyAccumulator
from desktop.api.background import Follower, cancel_on_server, response_url
from desktop.api.cancel import CancelToken
from desktop.api.errors import ApiError, NetworkError, RequestCancelled, request_id
from desktop.api.events import Reply, StreamEvent, events_of
from desktop.api.runner import EventPump, LoopRunner
from desktop.api.transport import Transport, close_all, json_object

__all__ = ["CancelToken", "ResponsesClient"]


class ResponsesClient(Transport):
    """Talks to one `{base_url}/responses` endpoint. Safe to share between threads.

    Takes the `Transport`'s arguments: base URL, token, timeouts, retries, `on_wait`."""

    # -- public API ---------------------------------------------------------------------
    def stream(
        self, body: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> Iterator[StreamEvent]:
        """Yield the answer as it streams; the last event is ResponseDone.

        Raises ApiError (with `.partial`) on failure, RequestCancelled on cancel.
        """
        acc = ReplyAccumulator()
        runner = LoopRunner(cancel)
        try:
            yield from self._stream(runner, dict(body, stream=True), acc, cancel)
        except asyncio.CancelledError as exc:
            raise RequestCancelled(partial=acc.snapshot()) from exc
        except httpx.HTTPError as exc:
            raise self.translate(exc, partial=acc.snapshot()) from exc
        except ApiError as exc:
            if exc.partial is None:
                exc.partial = acc.snapshot()
            self.redact(exc)
            raise
        finally:
            runner.close()

    def events(
        self, body: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> Iterator[StreamEvent]:
        """The answer as events, streamed or not as `body["stream"]` asks: a whole reply
        comes as the same events a stream ends with, so callers handle one path."""
        if body.get("stream", False):
            yield from self.stream(body, cancel)
        else:
            yield from events_of(self.create(body, cancel))

    def create(self, body: Mapping[str, Any], cancel: CancelToken | None = None) -> Reply:
        """Send a non-streaming request and return the whole reply."""
        # Non-streaming is the server's default, so `stream` is left out rather than sent
        # as false: the body then matches the documented requests exactly.
        request = {k: v for k, v in body.items() if k != "stream"}
        runner = LoopRunner(cancel)
        try:
            return self.reply_from_json(runner.run(self.fetch(request)))
        except asyncio.CancelledError as exc:
            raise RequestCancelled() from exc
        except httpx.HTTPError as exc:
            raise self.translate(exc) from exc
        except ApiError as exc:
            self.redact(exc)
            raise
        finally:
            runner.close()

    def stream_background(
        self,
        body: Mapping[str, Any],
        cancel: CancelToken | None = None,
        stop_on_server: Callable[[], bool] = lambda: True,
    ) -> Iterator[StreamEvent]:
        """Like `stream`, but the server keeps the answer running (`background`): a
        broken connection is resumed where it broke, and a cancel stops it on the
        server too unless `stop_on_server()` says no (a window closing leaves it there).
        A server without background responses gets the ordinary request, announced by
        a `BackgroundUnsupported` event. See background.py."""
        return self._follower(cancel, stop_on_server).start(body)

    def resume(
        self,
        response_id: str,
        after: int | None = None,
        cancel: CancelToken | None = None,
        stop_on_server: Callable[[], bool] = lambda: True,
    ) -> Iterator[StreamEvent]:
        """Stream a background answer already started: from its beginning, or after
        the event numbered `after`. Ends with ResponseDone like `stream`."""
        return self._follower(cancel, stop_on_server).resume(response_id, after)

    def _follower(self, cancel: CancelToken | None, stop: Callable[[], bool]) -> Follower:
        return Follower(self, cancel, ordinary=self.stream, stop_on_server=stop)

    def retrieve(self, response_id: str, cancel: CancelToken | None = None) -> Reply:
        """The response as the server holds it now (its status may be "in_progress")."""
        runner = LoopRunner(cancel)
        try:
            data = runner.run(self.fetch(None, url=response_url(self.base_url, response_id)))
            return Reply.from_response(json_object(data))
        except asyncio.CancelledError as exc:
            raise RequestCancelled() from exc
        except httpx.HTTPError as exc:
            raise self.translate(exc) from exc
        finally:
            runner.close()

    def cancel_response(self, response_id: str) -> bool:
        """Stop a background answer on the server; False when that could not be done."""
        return cancel_on_server(self, response_id)

    def __enter__(self) -> ResponsesClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- streaming ----------------------------------------------------------------------
    def _stream(
        self,
        runner: LoopRunner,
        body: dict[str, Any],
        acc: ReplyAccumulator,
        cancel: CancelToken | None,
    ) -> Iterator[StreamEvent]:
        client = self.http_client()
        response: httpx.Response | None = None
        pump: EventPump | None = None
        try:
            response = runner.run(self.send(client, body, streaming=True))
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type:
                # A server that ignores `stream` and answers with one JSON object.
                reply = self.reply_from_json(runner.run(response.aread()))
                yield from events_of(reply)
                return
            pump = EventPump(runner, response)
            while (batch := pump.next_batch()) is not None:
                for sse in batch:
                    if cancel is not None and cancel.cancelled:
                        raise RequestCancelled(partial=acc.snapshot())
                    yield from acc.feed_sse(sse.event, sse.data)
                    if acc.finished:
                        return
            raise NetworkError(
                "The connection closed before the answer was finished. Try again.",
                partial=acc.snapshot(),
            )
        except ApiError as exc:
            # A failure inside a stream that was accepted: its id is on the 200's headers.
            if exc.request_id is None and response is not None:
                exc.request_id = request_id(response.headers)
            raise
        finally:
            runner.run(close_all(pump, response, client), cancellable=False)
