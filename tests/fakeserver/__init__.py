"""A fake Responses API server for tests, GUI end-to-end runs and benchmarks.

In pytest, use the ``fake_server`` fixture (from ``tests.fakeserver.fixtures``)::

    def test_x(fake_server):
        fake_server.enqueue("http_503", "http_503")      # next two requests fail...
        fake_server.set_default("normal", answer="# Hi") # ...then this answers
        client = ResponsesClient(fake_server.base_url, "tok")
        ...
        assert fake_server.requests[-1].json["model"] == "openai/gpt-5.4-pro"

``base_url`` is ``http://127.0.0.1:PORT/v1``; any POST path ending in ``/responses`` is
served, so ``fake_server.origin + "/client/v4/accounts/ID/ai/v1"`` works too.
``requests`` is a list of ``RecordedRequest`` (method, path, lower-cased headers,
raw_body, parsed json, scenario, client_disconnected). Scenarios are ``Scenario``
values or preset names from ``scenarios.PRESETS`` (normal, nonstream, split_utf8, crlf,
noisy, skip_deltas, slow, cut, incomplete, failed, error_event, refusal, reasoning_text,
malformed, non_json_error, web_search (a search call, then an answer with citations),
commentary (a "commentary" preamble, a search and a find_in_page, then the answer),
files (file_citation, container_file_citation and file_path annotations), quota and
cf_quota (quota used up, both envelopes), echo_auth (a 400 quoting the Authorization
header), tool_rejected (a 400 naming the web_search tool), http_400/401/403/404/429/500/503
and cf_* for Cloudflare's envelope), with keyword overrides such as ``answer=``,
``reasoning=``, ``delta_size=``, ``delta_rate=``, ``first_byte_delay=``,
``retry_after=``, ``should_retry=``. The queue is used first, then
a ``[[scenario:NAME key=value]]`` marker at the start of the last user message, then
the default.

As a subprocess (first stdout line is the base URL; serves until killed)::

    python -m tests.fakeserver --port 0 --scenario normal --answer-file answer.md \\
        --delta-rate 400 --delta-size 40 --queue http_503,http_503
"""

from tests.fakeserver.scenarios import PRESETS, Scenario, preset
from tests.fakeserver.server import FakeResponsesServer, RecordedRequest

__all__ = ["PRESETS", "FakeResponsesServer", "RecordedRequest", "Scenario", "preset"]
