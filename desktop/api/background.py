"""Background answers: the server keeps generating while the connection comes and goes.

A request with `background: true` and `store: true` gives the answer an id on the server
and numbers its events (`sequence_number`). `GET /responses/{id}?stream=true&
starting_after=N` streams what came after event N, so a client that saw everything up
to N loses nothing and sees nothing twice; `POST /responses/{id}/cancel` stops it.

Support is learned, not assumed: a server that refuses the request (400, 404, 422, 501)
gets the ordinary one, and one that answers without an id (or without saying it keeps
the answer) streams as usual; either way the caller gets a `BackgroundUnsupported`
event first, so it can remember, and no error.

Requests go through a `Transport`; the ordinary stream a refusing server gets is handed
to the `Follower` by its caller (`ResponsesClient.stream`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Generator, Iterator, Mapping
from typing import Any, TypeAlias
from urllib.parse import quote

import httpx

from desktop.api.accumulator import ReplyAccumulator
from desktop.api.cancel import CancelToken
from desktop.api.errors import ApiError, NetworkError, NotFoundError, RequestCancelled
from desktop.api.events import (
    BackgroundUnsupported,
    Checkpoint,
    Reconnecting,
    ResponseStarted,
    StreamEvent,
    events_of,
)
from desktop.api.request import endpoint_url
from desktop.api.runner import EventPump, LoopRunner
from desktop.api.transport import Transport, json_object

log = logging.getLogger(__name__)

# What a server without background responses answers such a request with.
REFUSING_STATUSES = frozenset({400, 404, 422, 501})
# Seconds without an event before the stream is attached again. A quiet connection may be
# a model thinking or one that died while the machine slept; asking again costs nothing.
IDLE_TIMEOUT = 60.0
# Failed reconnects in a row before giving up (backoff 0.5 s doubling to 30 s: ~3 min).
MAX_ATTEMPTS = 10
RECONNECT_BASE = 0.5
RECONNECT_CAP = 30.0
CANCEL_TIMEOUT = 5.0
FINAL_STATUSES = frozenset({"completed", "incomplete"})

# The ordinary streamed request (`ResponsesClient.stream`): what a server that refuses
# background answers gets instead.
OrdinaryStream: TypeAlias = Callable[[Mapping[str, Any], CancelToken | None], Iterator[StreamEvent]]


def response_url(base_url: str, response_id: str) -> str:
    return f"{endpoint_url(base_url)}/{quote(response_id, safe='')}"


def stream_url(base_url: str, response_id: str, after: int | None) -> str:
    query = "?stream=true" if after is None else f"?stream=true&starting_after={after}"
    return response_url(base_url, response_id) + query


def reconnect_delay(attempt: int) -> float:
    """Seconds before reconnect number `attempt` (from 1): doubling, with jitter, capped."""
    ceiling = min(RECONNECT_CAP, RECONNECT_BASE * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def cancel_on_server(transport: Transport, response_id: str) -> bool:
    """Ask the server to stop a background answer; False (logged) when that failed."""
    runner = LoopRunner(None)
    http = transport.http_client()
    url = response_url(transport.base_url, response_id) + "/cancel"

    async def cancel() -> None:
        response = await transport.send(http, {}, streaming=False, url=url)
        await response.aclose()

    try:
        runner.run(asyncio.wait_for(cancel(), CANCEL_TIMEOUT))
        return True
    except (ApiError, httpx.HTTPError, TimeoutError) as exc:
        # The answer may have ended already, or the network is gone: the person asked
        # to stop, and what they have is kept either way.
        log.info("could not cancel the answer on the server: %s", exc)
        return False
    finally:
        runner.run(http.aclose(), cancellable=False)
        runner.close()


class Follower:
    """Follows one background answer to its end across broken connections."""

    def __init__(
        self,
        transport: Transport,
        cancel: CancelToken | None,
        *,
        ordinary: OrdinaryStream,
        idle_timeout: float | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        stop_on_server: Callable[[], bool] = lambda: True,
    ) -> None:
        self.transport = transport
        self.cancel = cancel
        self.ordinary = ordinary
        # Read when the follower is made, not when this module was imported.
        self.idle_timeout = IDLE_TIMEOUT if idle_timeout is None else idle_timeout
        self.max_attempts = max_attempts
        # Asked when cancelled: whether the answer stops on the server too (a person
        # pressing Stop) or goes on there to be resumed later (a window closing).
        self.stop_on_server = stop_on_server

    def start(self, body: Mapping[str, Any]) -> Iterator[StreamEvent]:
        request = dict(body, background=True, store=True, stream=True)

        def first(http: httpx.AsyncClient) -> Coroutine[Any, Any, httpx.Response]:
            return self.transport.send(http, request, streaming=True)

        return self._follow(ReplyAccumulator(), first, fallback=body)

    def resume(self, response_id: str, after: int | None) -> Iterator[StreamEvent]:
        acc = ReplyAccumulator(response_id)
        acc.background = True
        if after is not None:
            acc.joined_midway = True
            acc.skip_through = after
            acc.last_sequence = after
        url = stream_url(self.transport.base_url, response_id, after)

        async def first(http: httpx.AsyncClient) -> httpx.Response:
            try:
                return await self.transport.send(http, None, streaming=True, url=url)
            except NotFoundError as exc:
                raise NotFoundError(
                    f"The server has no answer {response_id} (404): it may have expired, "
                    "or it was never kept there.",
                    status=exc.status,
                    detail=exc.detail,
                    request_id=exc.request_id,
                ) from exc

        return self._follow(acc, first, fallback=None)

    # ------------------------------------------------------------------------------------
    def _follow(
        self,
        acc: ReplyAccumulator,
        first: Callable[[httpx.AsyncClient], Coroutine[Any, Any, httpx.Response]],
        fallback: Mapping[str, Any] | None,
    ) -> Iterator[StreamEvent]:
        runner = LoopRunner(self.cancel)
        http = self.transport.http_client()
        try:
            try:
                response = runner.run(first(http))
            except ApiError as exc:
                if fallback is None or exc.status not in REFUSING_STATUSES:
                    raise
                yield from self._ordinary(fallback, exc)
                return
            attempts = 0
            while True:
                seen = acc.last_sequence
                ended = yield from self._drain(runner, response, acc)
                if ended == "done":
                    return
                if ended == "ordinary":
                    raise NetworkError(
                        "The connection closed before the answer was finished. Try again.",
                        partial=acc.snapshot(),
                    )
                if acc.last_sequence != seen:
                    attempts = 0
                if ended == "closed" and (yield from self._settled(runner, http, acc)):
                    return
                attached: httpx.Response | None = None
                quiet = ended == "idle"  # nothing broke: attach again at once, unannounced
                while attached is None:
                    if not quiet:
                        attempts += 1
                        if attempts > self.max_attempts:
                            raise NetworkError(
                                "The connection to the server was lost and could not be "
                                "restored; the answer may still be finishing on the server.",
                                partial=acc.snapshot(),
                            )
                        delay = reconnect_delay(attempts)
                        yield Reconnecting(attempts, delay)
                        runner.run(asyncio.sleep(delay))
                    quiet = False
                    attached = self._reattach(runner, http, acc)
                response = attached
        except asyncio.CancelledError as exc:
            raise self._stopped(acc) from exc
        except httpx.HTTPError as exc:
            raise self.transport.translate(exc, partial=acc.snapshot()) from exc
        except ApiError as exc:
            if exc.partial is None:
                exc.partial = acc.snapshot()
            self.transport.redact(exc)
            raise
        finally:
            runner.run(http.aclose(), cancellable=False)
            runner.close()

    def _drain(
        self, runner: LoopRunner, response: httpx.Response, acc: ReplyAccumulator
    ) -> Generator[StreamEvent, None, str]:
        """Yield one connection's events; its return value says how it ended: "done"
        (the answer ended), "closed" (the server ended the stream early), "idle" (no
        event for a while), "broken" (the connection failed) or "ordinary" (it broke,
        and the server keeps nothing to resume)."""
        pump: EventPump | None = None
        try:
            if "text/event-stream" not in response.headers.get("content-type", ""):
                # A server that answered at once with the Response object.
                data = runner.run(response.aread())
                reply = self.transport.reply_from_json(data)
                yield from events_of(reply)
                return "done"
            pump = EventPump(runner, response)
            announced = False
            while (batch := pump.next_batch(self._idle(acc))) is not None:
                before = acc.last_sequence
                for sse in batch:
                    if self.cancel is not None and self.cancel.cancelled:
                        raise self._stopped(acc)
                    for event in acc.feed_sse(sse.event, sse.data):
                        yield event
                        unsupported = isinstance(event, ResponseStarted) and not _resumable(acc)
                        if unsupported and not announced:
                            announced = True
                            yield BackgroundUnsupported(_why_not(acc))
                    if acc.finished:
                        return "done"
                if acc.last_sequence is not None and acc.last_sequence != before:
                    yield Checkpoint(acc.last_sequence)
            return "closed" if _resumable(acc) else "ordinary"
        except TimeoutError:
            return "idle"
        except httpx.TransportError:
            if not _resumable(acc):
                raise
            return "broken"
        finally:
            runner.run(_close(pump, response), cancellable=False)

    def _settled(
        self, runner: LoopRunner, http: httpx.AsyncClient, acc: ReplyAccumulator
    ) -> Generator[StreamEvent, None, bool]:
        """The stream ended without the answer's end: ask the server how it stands.
        True once the answer is over (its end was yielded); False to reconnect."""
        url = response_url(self.transport.base_url, str(acc.response_id))
        try:
            response = runner.run(self.transport.send(http, None, streaming=False, url=url))
            data = runner.run(response.aread())
            runner.run(response.aclose(), cancellable=False)
            obj = json_object(data)
        except (ApiError, httpx.TransportError) as exc:
            if isinstance(exc, ApiError) and not exc.retryable:
                raise
            return False
        status = obj.get("status")
        if status in FINAL_STATUSES or status == "failed":
            yield from acc.feed(f"response.{status}", {"response": obj})
            return True
        if status == "cancelled":
            raise RequestCancelled("The answer was stopped on the server.", partial=acc.snapshot())
        return False

    def _reattach(
        self, runner: LoopRunner, http: httpx.AsyncClient, acc: ReplyAccumulator
    ) -> httpx.Response | None:
        url = stream_url(self.transport.base_url, str(acc.response_id), acc.last_sequence)
        try:
            response = runner.run(self.transport.send(http, None, streaming=True, url=url))
        except ApiError as exc:
            if not exc.retryable:
                raise
            return None
        acc.skip_through = acc.last_sequence if acc.last_sequence is not None else -1
        return response

    def _ordinary(self, body: Mapping[str, Any], refusal: ApiError) -> Iterator[StreamEvent]:
        events = self.ordinary(body, self.cancel)
        first = next(events)  # the ordinary request's own failure is the one to report
        detail = (refusal.detail or refusal.user_message).rstrip(". ")
        yield BackgroundUnsupported(f"the server refused it ({refusal.status}: {detail})")
        yield first
        yield from events

    def _idle(self, acc: ReplyAccumulator) -> float | None:
        # An answer that cannot be resumed waits as long as an ordinary one would.
        return self.idle_timeout if _resumable(acc) else None

    def _stopped(self, acc: ReplyAccumulator) -> RequestCancelled:
        if acc.response_id is not None and _resumable(acc) and self.stop_on_server():
            cancel_on_server(self.transport, acc.response_id)
        return RequestCancelled(partial=acc.snapshot())


def _resumable(acc: ReplyAccumulator) -> bool:
    return acc.response_id is not None and acc.background and acc.last_sequence is not None


def _why_not(acc: ReplyAccumulator) -> str:
    if acc.response_id is None:
        return "the server gave the answer no id"
    if not acc.background:
        return "the server did not keep the answer running"
    return "the server does not number its events"


async def _close(pump: EventPump | None, response: httpx.Response) -> None:
    if pump is not None:
        await pump.aclose()
    await response.aclose()
