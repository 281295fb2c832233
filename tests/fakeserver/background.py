"""Background responses for the fake server: `background: true` answers that keep running
on the server, streams that resume by sequence number, retrieval and cancel.

Shapes follow openai-python's `responses.create(background=True, stream=True)`,
`responses.retrieve(id, stream=True, starting_after=N)` and `responses.cancel(id)`: a
job goes queued → in_progress → completed with a real delay between events, whoever is
(or is not) listening; every stream of it, the first one or a resumed one, tails the
same list of events from a sequence number on.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakeserver.scenarios import Scenario, encode_event, stream_events

# How a server answers `background: true`:
#   supported   as OpenAI does
#   refuse_400  400 "Unknown parameter: 'background'" (a gateway that validates strictly)
#   refuse_404  404 for the resume/retrieve routes and the request alike
#   refuse_501  501 Not Implemented
#   no_id       streams the answer, but gives it no id and no sequence numbers
MODES = ("supported", "refuse_400", "refuse_404", "refuse_501", "no_id")
TERMINAL = frozenset({"completed", "incomplete", "failed", "cancelled"})
QUEUED_FOR = 0.05  # seconds a new job waits as "queued"
STEP = 0.002  # seconds between events when the scenario sets no delta rate


# Scenarios whose events a background job can replay; the others are about the HTTP
# answer or the bytes on the wire, which the ordinary request path scripts.
KEPT_KINDS = frozenset(
    {"normal", "incomplete", "failed", "refusal", "reasoning_text", "web_search", "files"}
)


def kept_running(scenario: Scenario) -> bool:
    """Whether a background request with this scenario becomes a background job."""
    return (
        scenario.kind in KEPT_KINDS
        and scenario.stream is not False
        and not (scenario.first_byte_delay or scenario.split_bytes)
        and not (scenario.crlf or scenario.noise or scenario.skip_deltas)
    )


@dataclass
class Break:
    """What happens to one stream: after `after` events it is cut (`abort`), goes
    silent while the connection stays open (`stall`, a laptop that went to sleep), or
    ends cleanly although the answer goes on (`end`, a proxy closing long streams)."""

    after: int
    how: str = "abort"


@dataclass
class Job:
    id: str
    plan: list[tuple[str, dict[str, Any]]]
    step: float
    events: list[bytes] = field(default_factory=list)
    status: str = "queued"
    response: dict[str, Any] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def publish(self, kind: str, payload: dict[str, Any]) -> None:
        self.events.append(encode_event(kind, payload))
        self.changed.set()
        self.changed = asyncio.Event()


class Background:
    """The server's background jobs; one per accepted `background: true` request."""

    def __init__(self) -> None:
        self.mode = "supported"
        self.jobs: dict[str, Job] = {}
        self.breaks: deque[Break] = deque()
        self.cancelled: list[str] = []  # ids whose cancel was asked for, in order
        self.failing_resumes = 0  # the next resumed streams are answered 503
        self._ids = itertools.count(1)

    # -- scripting ----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown background mode {mode!r}; known: {MODES}")
        self.mode = mode

    @property
    def refusing(self) -> bool:
        return self.mode.startswith("refuse_")

    def break_streams(self, *breaks: Break | int) -> None:
        """The next streams (first POST or resumed GET, in order) break like this."""
        self.breaks.extend(b if isinstance(b, Break) else Break(b) for b in breaks)

    def job(self, response_id: str) -> Job:
        return self.jobs[response_id]

    # -- routes -------------------------------------------------------------------------
    @staticmethod
    def wants(method: str, path: str, body: Any) -> bool:
        """Whether a request is this module's: a background create, or a route under
        `/responses/{id}`."""
        route = urlsplit(path).path.rstrip("/")
        if method == "POST" and route.endswith("/responses"):
            return isinstance(body, dict) and bool(body.get("background"))
        return "/responses/" in route

    async def answer(
        self,
        method: str,
        path: str,
        body: Any,
        scenario: Scenario,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Write the answer; returns whether the connection may be kept open."""
        parts = urlsplit(path)
        route = parts.path.rstrip("/")
        query = parse_qs(parts.query)
        if self.refusing:
            return await self._refuse(writer)
        if method == "POST" and route.endswith("/responses"):
            return await self._create(body, scenario, reader, writer)
        response_id, _, action = route.rpartition("/responses/")[2].partition("/")
        job = self.jobs.get(response_id)
        if job is None:
            return await _json(writer, 404, _error("No response found with that id.", 404))
        if method == "POST" and action == "cancel":
            return await self._cancel(job, writer)
        if method == "GET" and not action:
            if query.get("stream", ["false"])[0] == "true":
                if self.failing_resumes > 0:
                    self.failing_resumes -= 1
                    return await _json(writer, 503, _error("Service unavailable.", 503))
                after = int(query.get("starting_after", ["-1"])[0])
                await self._tail(job, after + 1, reader, writer)
                return False
            return await _json(writer, 200, job.response)
        return await _json(writer, 404, _error("No route", 404))

    async def _refuse(self, writer: asyncio.StreamWriter) -> bool:
        status = int(self.mode.rpartition("_")[2])
        message = {
            400: "Unknown parameter: 'background'.",
            404: "Not found",
            501: "Background responses are not implemented.",
        }[status]
        return await _json(writer, status, _error(message, status))

    async def _create(
        self,
        body: Any,
        scenario: Scenario,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        if self.mode != "no_id" and body.get("store") is False:
            message = "Background responses require store=true."
            return await _json(writer, 400, _error(message, 400))
        job = self._start(body, scenario)
        if not body.get("stream"):
            return await _json(writer, 200, job.response)
        await self._tail(job, 0, reader, writer)
        return False

    def _start(self, body: dict[str, Any], scenario: Scenario) -> Job:
        response_id = f"resp_bg{next(self._ids):04d}"
        plan = []
        for kind, payload, _is_delta in stream_events(scenario, body):
            payload = copy.deepcopy(payload)
            if self.mode == "no_id":
                payload.pop("sequence_number", None)
                if isinstance(payload.get("response"), dict):
                    payload["response"].pop("id", None)
            elif isinstance(payload.get("response"), dict):
                payload["response"].update(id=response_id, background=True, store=True)
            plan.append((kind, payload))
        step = 1.0 / scenario.delta_rate if scenario.delta_rate else STEP
        job = Job(response_id, plan, step)
        first = copy.deepcopy(plan[0][1].get("response", {}))
        first.update(status="queued")
        job.response = first
        self.jobs[response_id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job))
        return job

    async def _run(self, job: Job) -> None:
        kind, payload = job.plan[0]
        created = copy.deepcopy(payload)
        if isinstance(created.get("response"), dict):
            created["response"]["status"] = "queued"
        job.publish(kind, created)
        await asyncio.sleep(QUEUED_FOR)
        job.status = "in_progress"
        job.response["status"] = "in_progress"
        for kind, payload in job.plan[1:]:
            if job.status == "cancelled":
                return
            job.publish(kind, payload)
            if isinstance(payload.get("response"), dict):
                job.response = payload["response"]
                job.status = str(payload["response"].get("status") or job.status)
            await asyncio.sleep(job.step)
        job.changed.set()

    async def _cancel(self, job: Job, writer: asyncio.StreamWriter) -> bool:
        self.cancelled.append(job.id)
        if job.status in TERMINAL and job.status != "cancelled":
            message = f"Cannot cancel a response with status '{job.status}'."
            return await _json(writer, 400, _error(message, 400))
        job.status = "cancelled"
        job.response = {**job.response, "status": "cancelled"}
        job.changed.set()
        return await _json(writer, 200, job.response)

    async def _tail(
        self, job: Job, start: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Stream the job's events from index `start` as they are published, until it
        ends (or a scripted break cuts this stream)."""
        brk = self.breaks.popleft() if self.breaks else None
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()
        sent = 0
        index = max(0, start)
        while True:
            while index < len(job.events):
                if brk is not None and sent >= brk.after:
                    await _break(brk, reader, writer)
                    return
                data = job.events[index]
                writer.write(b"%x\r\n%b\r\n" % (len(data), data))
                await writer.drain()
                index += 1
                sent += 1
            if job.status in TERMINAL and (job.task is None or job.task.done()):
                break
            if job.status == "cancelled":
                break
            await job.changed.wait()
        writer.write(b"0\r\n\r\n")
        await writer.drain()


async def _break(brk: Break, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    if brk.how == "stall":
        # Nothing more is written, and the socket stays open until the client hangs up.
        await reader.read()
        return
    if brk.how == "end":
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return
    writer.transport.abort()


def _error(message: str, status: int) -> dict[str, Any]:
    kind = {400: "invalid_request_error", 404: "not_found_error"}.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


async def _json(writer: asyncio.StreamWriter, status: int, body: dict[str, Any]) -> bool:
    data = json.dumps(body).encode()
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        501: "Not Implemented",
        503: "Service Unavailable",
    }
    head = (
        f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + data)
    await writer.drain()
    return True
