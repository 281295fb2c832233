"""Transport: one request to a `{base_url}/responses` endpoint with retries, and what
lies below it (headers, timeouts, TLS, turning httpx failures into `ApiError`s).

The client's answers and the background follower are both built on it, so neither
needs the other's internals.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx

from desktop import __version__
from desktop.api.errors import (
    SETTINGS,
    ApiError,
    ApiTimeoutError,
    MalformedResponseError,
    NetworkError,
    QuotaExceededError,
    error_from_response,
    failure_from_payload,
)
from desktop.api.events import (
    Reply,
)
from desktop.api.request import endpoint_url
from desktop.api.retry import MAX_WAIT, backoff_delay, describe_wait, should_retry
from desktop.api.retry import retry_after as retry_after_seconds
from desktop.api.runner import EventPump

USER_AGENT = f"parley/{__version__}"
# Waits before a retry at least this long are reported through `on_wait`, so the
# person sees a countdown instead of a request that seems stuck.
REPORTED_WAIT = 1.0


class Transport:
    """Sends requests to one `{base_url}/responses` endpoint. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 900.0,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_base: float = 0.5,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        """`on_wait(seconds)` is called (on the calling thread) before each wait of a
        second or more for a retry; the wait can be cancelled like the request."""
        self.base_url = base_url
        self.url = endpoint_url(base_url)
        self._token = token or None
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self._transport = transport
        self._on_wait = on_wait
        self._ssl: ssl.SSLContext | None = None
        self._ssl_lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        token = "set" if self._token else "none"  # never the token itself
        return f"{type(self).__name__}(url={self.url!r}, token={token})"

    def close(self) -> None:
        # Each call owns its connection (its event loop ends with it), so there is no
        # pool to drain; closing only stops further use.
        self._closed = True

    def redact(self, error: ApiError) -> None:
        """Blank the token out of what the server said in `error`."""
        error.redact((self._token,))

    # -- one request with retries ---------------------------------------------------------
    async def send(
        self,
        client: httpx.AsyncClient,
        body: dict[str, Any] | None,
        streaming: bool,
        *,
        url: str | None = None,
    ) -> httpx.Response:
        """POST the body (or GET `url` when there is none); retry what `retry.py`
        allows. Returns a response still open."""
        if self._closed:
            raise RuntimeError(f"{type(self).__name__} used after close()")
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        method = "GET" if body is None else "POST"
        body = body or {}
        attempt = 0
        while True:
            request = client.build_request(
                method, url or self.url, content=content, headers=self.headers(streaming)
            )
            try:
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                error = self.translate(exc)
                if not error.retryable or attempt >= self.max_retries:
                    raise error from exc
                await asyncio.sleep(backoff_delay(attempt, self.backoff_base))
                attempt += 1
                continue
            if response.status_code < 300:
                return response
            try:
                data = await response.aread()
            finally:
                await response.aclose()
            error = error_from_response(
                response.status_code,
                data,
                response.headers,
                model=str(body.get("model") or ""),
                url=public_url(self.url),
            )
            self.redact(error)
            retry = not isinstance(error, QuotaExceededError) and should_retry(
                response.status_code, response.headers
            )
            if not retry or attempt >= self.max_retries:
                raise error
            wait = retry_after_seconds(response.headers)
            if wait is not None and wait > MAX_WAIT:
                error.add_wait(
                    f"; the server asks to wait {describe_wait(wait)} before trying again."
                )
                raise error
            delay = wait if wait is not None else backoff_delay(attempt, self.backoff_base)
            if self._on_wait is not None and delay >= REPORTED_WAIT:
                self._on_wait(delay)
            await asyncio.sleep(delay)
            attempt += 1

    async def fetch(self, body: dict[str, Any] | None, *, url: str | None = None) -> bytes:
        """The whole body of a request that is not streamed, on a connection of its own."""
        client = self.http_client()
        try:
            response = await self.send(client, body, streaming=False, url=url)
            try:
                return await response.aread()
            finally:
                await response.aclose()
        finally:
            await client.aclose()

    # -- helpers --------------------------------------------------------------------------
    def headers(self, streaming: bool) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if streaming else "application/json",
            "User-Agent": USER_AGENT,
        }
        if streaming:
            # A compressed event stream can be held back by buffering proxies; deltas
            # must arrive as they are written.
            headers["Accept-Encoding"] = "identity"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def http_client(self) -> httpx.AsyncClient:
        timeout = httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=max(60.0, self.connect_timeout),
            pool=self.connect_timeout,
        )
        if self._transport is not None:
            return httpx.AsyncClient(transport=self._transport, timeout=timeout)
        return httpx.AsyncClient(timeout=timeout, verify=self._ssl_context(), trust_env=True)

    def _ssl_context(self) -> ssl.SSLContext:
        # Loading the CA bundle takes tens of milliseconds; do it once per client.
        with self._ssl_lock:
            if self._ssl is None:
                cafile = os.environ.get("SSL_CERT_FILE") or certifi.where()
                self._ssl = ssl.create_default_context(cafile=cafile)
            return self._ssl

    def reply_from_json(self, data: bytes) -> Reply:
        obj = json_object(data)
        reply = Reply.from_response(obj)
        if reply.status == "failed":
            raise failure_from_payload(obj.get("error"), partial=reply)
        return reply

    def translate(self, exc: httpx.HTTPError, partial: Reply | None = None) -> ApiError:
        host = urlsplit(self.url).netloc
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            text = f"Could not connect to {host} within {self.connect_timeout:g} seconds."
            return ApiTimeoutError(
                f"{text} Check the URL and your network.", partial=partial, retryable=True
            )
        if isinstance(exc, httpx.ReadTimeout):
            waited = describe_wait(self.read_timeout)
            return ApiTimeoutError(
                f"The server sent nothing for {waited}, so Parley stopped waiting. Try again.",
                partial=partial,
            )
        if isinstance(exc, httpx.TimeoutException):
            return ApiTimeoutError(partial=partial)
        if isinstance(exc, httpx.ConnectError):
            return NetworkError(
                f"Could not connect to {host}. Check the URL and your network connection.",
                detail=type(exc).__name__,
                partial=partial,
            )
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return ApiError(
                f"The server URL {public_url(self.url)!r} is not valid. Check it in Settings.",
                cli_message=f"The server URL {public_url(self.url)!r} is not valid. "
                "Check PARLEY_BASE_URL.",
                partial=partial,
                action=SETTINGS,
            )
        if isinstance(exc, httpx.DecodingError):
            return MalformedResponseError(detail=type(exc).__name__, partial=partial)
        return NetworkError(
            "The connection to the server was lost before the answer was finished. Try again.",
            detail=type(exc).__name__,
            partial=partial,
        )


def json_object(data: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise MalformedResponseError(detail="the response body is not JSON") from exc
    if not isinstance(obj, dict):
        raise MalformedResponseError(detail="the response body is not a JSON object")
    return obj


def public_url(url: str) -> str:
    """The URL without any user:password part, fit for a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


async def close_all(
    pump: EventPump | None, response: httpx.Response | None, client: httpx.AsyncClient
) -> None:
    try:
        if pump is not None:
            await pump.aclose()
        if response is not None:
            await response.aclose()
    finally:
        await client.aclose()
