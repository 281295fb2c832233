"""A tiny HTTP/1.1 server on 127.0.0.1 that speaks the Responses API from scripts.

It is written on raw asyncio streams rather than a web framework so that tests control
every byte: where writes split (even inside a UTF-8 character), CRLF, chunk boundaries,
and abrupt disconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from tests.fakeserver.background import Background, kept_running
from tests.fakeserver.scenarios import (
    HTTP_REASONS,
    Scenario,
    Script,
    Write,
    build_script,
    preset,
)

SCENARIO_MARKER = "[[scenario:"


@dataclass
class RecordedRequest:
    """One request the server received, as the client sent it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw_body: bytes
    json: Any  # the parsed body, or None when it was not JSON
    scenario: Scenario | None = None
    client_disconnected: bool = False  # the client hung up before the answer finished
    received_at: float = field(default_factory=time.monotonic)


def _as_scenario(scenario: Scenario | str, overrides: dict[str, Any]) -> Scenario:
    if isinstance(scenario, str):
        return preset(scenario, **overrides)
    return scenario.with_(**overrides) if overrides else scenario


def _coerce(name: str, value: str) -> Any:
    types = {f.name: f.type for f in fields(Scenario)}
    kind = str(types.get(name, "str"))
    if "float" in kind:
        return float(value)
    if "bool" in kind:
        return value.lower() in {"1", "true", "yes"}
    if "int" in kind:
        return int(value)
    return value


def scenario_from_marker(body: Any) -> Scenario | None:
    """`[[scenario:NAME key=value …]]` at the start of the last user message picks a preset."""
    if not isinstance(body, dict):
        return None
    text: Any = body.get("input")
    if isinstance(text, list):
        users = [t for t in text if isinstance(t, dict) and t.get("role") == "user"]
        text = users[-1].get("content") if users else None
    if isinstance(text, list):  # content parts (attachments): the marker is in the text
        texts = [
            p.get("text") for p in text if isinstance(p, dict) and p.get("type") == "input_text"
        ]
        text = texts[0] if texts else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text.startswith(SCENARIO_MARKER) or "]]" not in text:
        return None
    spec = text[len(SCENARIO_MARKER) : text.index("]]")].split()
    if not spec:
        return None
    overrides = {}
    for token in spec[1:]:
        key, _, value = token.partition("=")
        overrides[key] = _coerce(key, value)
    return preset(spec[0], **overrides)


class FakeResponsesServer:
    """Serve scripted Responses API answers on a random free port, in a background thread."""

    def __init__(self, default: Scenario | str = "normal", host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Scenario] = deque()
        self._default = _as_scenario(default, {})
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._scripted: dict[tuple[str, bytes], list[Write]] = {}
        # `background: true` requests and the `/responses/{id}` routes (background.py).
        self.background = Background()

    # -- life cycle ---------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeResponsesServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(port), self._loop)
        future.result(timeout=10)
        return self

    async def _start(self, port: int) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, port)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        # Background jobs go on after their request ends (as on a real server): they
        # end here too, so none is left pending when the loop closes.
        jobs = [job.task for job in self.background.jobs.values() if job.task is not None]
        tasks = [*self._tasks, *jobs]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> FakeResponsesServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting ----------------------------------------------------------------------
    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """A base URL the client appends `/responses` to (any path prefix works)."""
        return f"{self.origin}/v1"

    def enqueue(self, *scenarios: Scenario | str, **overrides: Any) -> None:
        """Answer the next requests with these scenarios, one each, in order."""
        with self._lock:
            self._queue.extend(_as_scenario(s, overrides) for s in scenarios)

    def set_default(self, scenario: Scenario | str, **overrides: Any) -> None:
        """Answer with this scenario whenever the queue is empty and no marker picks one."""
        with self._lock:
            self._default = _as_scenario(scenario, overrides)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._default = Scenario()
            self.requests.clear()

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.requests

    def _pick(self, body: Any) -> Scenario:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            default = self._default
        return scenario_from_marker(body) or default

    # -- HTTP ---------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            keep_alive = True
            while keep_alive:
                request = await self._read_request(reader)
                if request is None:
                    break
                keep_alive = await self._answer(request, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; a test that cares checks client_disconnected
        except asyncio.CancelledError:
            # stop() cancels handlers still sleeping in a slow scenario; ending quietly
            # keeps asyncio from reporting a "never retrieved" cancellation.
            return
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> RecordedRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None  # the client closed an idle keep-alive connection
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        raw = await reader.readexactly(int(headers.get("content-length", "0")))
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return RecordedRequest(method, path, headers, raw, parsed)

    async def _answer(
        self, request: RecordedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        self.requests.append(request)
        picked: Scenario | None = None
        if Background.wants(request.method, request.path, request.json):
            # A server that refuses background answers never gets to a scenario; the
            # ordinary request that follows is the one that takes it.
            creates = request.method == "POST" and "/responses/" not in request.path
            picks = creates and not self.background.refusing
            scenario = self._pick(request.json) if picks else self._default
            if not picks or kept_running(scenario):
                request.scenario = scenario if picks else None
                return await self.background.answer(
                    request.method, request.path, request.json, scenario, reader, writer
                )
            # A scenario about the HTTP answer or the bytes on the wire (an error status,
            # a cut, split UTF-8, a slow first byte) is answered as an ordinary request.
            picked = scenario
        elif request.method != "POST" or not request.path.split("?")[0].endswith("/responses"):
            body = json.dumps({"error": {"message": "No route", "type": "not_found"}}).encode()
            head = _head(404, [("Content-Type", "application/json")], len(body), True)
            writer.write(head + body)
            await writer.drain()
            return True
        scenario = picked or self._pick(request.json)
        if scenario.echo_header:
            # What a careless proxy does: quote the offending header back, secret and all.
            quoted = request.headers.get(scenario.echo_header, "")
            scenario = scenario.with_(
                error_message=f"Invalid header {scenario.echo_header.title()}: {quoted}"
            )
        request.scenario = scenario
        script = build_script(scenario, request.json)
        if script.chunked and not scenario.delta_rate and not scenario.split_bytes:
            script.writes = iter(self._prepared(scenario, request.raw_body, script))
        if script.first_byte_delay and await _hangs_up_within(reader, script.first_byte_delay):
            request.client_disconnected = True
            return False
        try:
            await self._send(script, writer)
        except ConnectionError:
            request.client_disconnected = True
            return False
        return not script.chunked

    def _prepared(self, scenario: Scenario, raw_body: bytes, script: Script) -> list[Write]:
        """The writes of an undelayed answer, scripted once per scenario and request.

        Benchmarks repeat one huge answer; scripting it costs more than sending it, and
        the client should be measured against a server that keeps up.
        """
        key = (repr(scenario), raw_body)
        if key not in self._scripted:
            if len(self._scripted) >= 4:
                self._scripted.clear()
            self._scripted[key] = list(script.writes)
        return self._scripted[key]

    async def _send(self, script: Script, writer: asyncio.StreamWriter) -> None:
        if not script.chunked:
            body = b"".join(w.data for w in script.writes)
            writer.write(_head(script.status, script.headers, len(body), True) + body)
            await writer.drain()
            return
        writer.write(_head(script.status, script.headers, None, False))
        await writer.drain()
        for piece in script.writes:
            if piece.delay:
                await asyncio.sleep(piece.delay)
            writer.write(b"%x\r\n%b\r\n" % (len(piece.data), piece.data))
            await writer.drain()
        if script.cut:
            # Closing without the terminating zero-length chunk is what a dropped
            # connection looks like to the client: an incomplete body.
            writer.transport.abort()
            return
        writer.write(b"0\r\n\r\n")
        await writer.drain()


async def _hangs_up_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Wait `seconds`, returning early (True) if the client closes the connection."""
    with contextlib.suppress(asyncio.TimeoutError):
        data = await asyncio.wait_for(reader.read(1), timeout=seconds)
        return data == b""
    return False


def _head(
    status: int, headers: Iterable[tuple[str, str]], length: int | None, keep_alive: bool
) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTP_REASONS.get(status, 'Unknown')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: " + ("keep-alive" if keep_alive else "close"))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
