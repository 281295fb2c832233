"""`parley ask`: one question from the command line, for scripts and for checking a token.

The answer goes to stdout as it streams, then its numbered sources; the model's
commentary ("I'll look that up first."), usage, notices and errors go to stderr as
plain lines, and the exit status says what happened.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from desktop.api import (
    ApiError,
    ApiTimeoutError,
    CancelToken,
    NetworkError,
    RequestCancelled,
    RequestOptions,
    ResponsesClient,
    Turn,
    build_request,
    cloudflare_base_url,
)
from desktop.api.params import PARAMS, Param, flag_help
from desktop.cli_output import Printer, print_events
from desktop.config.environment import take_environment

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger(__name__)


ENVIRONMENT_HELP = (
    "Environment: CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN, PARLEY_BASE_URL; "
    "without them, the connection chosen in the app."
)


class UsageError(Exception):
    """Bad command line or missing configuration: exit status 2 with one sentence."""


@dataclass(frozen=True)
class Connection:
    """Where to send requests and with which token (None for local servers)."""

    base_url: str
    token: str | None

    def __repr__(self) -> str:
        return f"Connection(base_url={self.base_url!r}, token={'set' if self.token else None})"


def resolve_connection(env: Mapping[str, str] | None = None) -> Connection:
    """The connection from the environment, or else from the app's saved settings
    and keyring.

    `PARLEY_BASE_URL` wins over the Cloudflare account; the token is optional only
    for a custom base URL, since local servers need none. With neither set, the
    server and token are those of the profile chosen in the app.
    """
    env = os.environ if env is None else env
    token = env.get("CLOUDFLARE_API_TOKEN", "").strip() or None
    base_url = env.get("PARLEY_BASE_URL", "").strip()
    if base_url:
        return Connection(base_url, token)
    account = env.get("CLOUDFLARE_ACCOUNT_ID", "").strip()
    if not account:
        return _saved_connection(env)
    if token is None:
        raise UsageError("Set CLOUDFLARE_API_TOKEN to your Cloudflare API token.")
    return Connection(cloudflare_base_url(account), token)


def _saved_connection(env: Mapping[str, str]) -> Connection:
    """The server and token of the profile chosen in the app's settings."""
    from desktop.config import connection as saved
    from desktop.config.profiles import Profiles
    from desktop.config.secrets import default_secret_store
    from desktop.config.settings import Settings

    settings = Settings()
    kind = Profiles(settings).active().kind
    found = saved.resolve_connection(settings, default_secret_store(), env)
    if not found.base_url:
        raise UsageError(
            "Set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN "
            "(or PARLEY_BASE_URL for another server), or connect in the app's settings, "
            "to use parley ask."
        )
    if found.token is None and kind != "custom":  # only a local server may need none
        why = f" ({found.token_problem})" if found.token_problem else ""
        where = "Set CLOUDFLARE_API_TOKEN or save" if kind == "cloudflare" else "Save"
        raise UsageError(f"{where} your API token in the app's settings{why}.")
    return Connection(found.base_url, found.token)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse would print the whole usage block; one sentence is friendlier.
        raise UsageError(f"{message[:1].upper()}{message[1:]}. See 'parley ask --help'.")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="parley ask",
        description="Ask one question and print the answer as it streams.",
        epilog=ENVIRONMENT_HELP,
    )
    p.add_argument("prompt", metavar="PROMPT", help="The question; '-' reads it from stdin")
    # The request parameters' options come from their declarations; the others say
    # how to run the request and what to print.
    for param in PARAMS:
        if param.flag is not None:
            _add_flag(p, param, param.flag)
    p.add_argument(
        "--background",
        action="store_true",
        help="Keep the answer running on the server: its id goes to stderr at once, a "
        "lost connection is resumed, and `parley resume ID` can fetch it later",
    )
    _output_flags(p)
    return p


def _output_flags(p: argparse.ArgumentParser) -> None:
    """The options that say what to print, shared by ask and resume."""
    p.add_argument("--show-reasoning", action="store_true", help="Print reasoning to stderr")
    p.add_argument(
        "--no-sources", action="store_true", help="Leave out the numbered sources after the answer"
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="On failure, also print what the server said and its request id",
    )


def _add_flag(parser: argparse.ArgumentParser, param: Param, flag: str) -> None:
    """The option of a declared parameter; left out, the parameter keeps its default."""
    common: dict[str, Any] = {"dest": param.key, "default": None, "help": flag_help(param)}
    if param.type is bool:
        # A switch turns the parameter away from its default (`--no-stream`).
        parser.add_argument(flag, action="store_const", const=not param.default, **common)
    elif param.choices is not None and not param.open_choices:
        parser.add_argument(flag, choices=param.choices, metavar=param.metavar, **common)
    else:
        parser.add_argument(flag, type=param.type, metavar=param.metavar, **common)


def _options(args: argparse.Namespace) -> RequestOptions:
    given = {p.key: getattr(args, p.key) for p in PARAMS if p.flag is not None}
    try:
        return RequestOptions(**{key: value for key, value in given.items() if value is not None})
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _prompt(value: str, stdin: TextIO) -> str:
    text = stdin.read() if value == "-" else value
    if not text.strip():
        raise UsageError("The prompt is empty.")
    return text


def _run(
    client: ResponsesClient,
    body: dict[str, object],
    options: RequestOptions,
    background: bool,
    printer: Printer,
    cancel: CancelToken,
) -> None:
    """Send the request and print the answer (runs on a worker thread)."""
    if background:
        print_events(client.stream_background(body, cancel), printer, background=True)
        return
    if not options.stream:
        reply = client.create(body, cancel)
        if reply.reasoning:
            printer.reasoning(reply.reasoning)
        if reply.commentary:
            printer.commentary(reply.commentary)
        if reply.text:
            printer.text(reply.text)
        printer.finish(reply)
        return
    print_events(client.stream(body, cancel), printer, background=False)


def _to_log(write: Callable[[], None]) -> Path:
    """Run `write` (a `log` call) with the log file attached; returns the file."""
    from desktop.logs import log_path

    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    try:
        write()
    finally:
        log.removeHandler(handler)
        handler.close()
    return path


def _log_bug(exc: BaseException) -> Path:
    return _to_log(lambda: log.error("parley ask failed unexpectedly", exc_info=exc))


def _report(exc: ApiError, printer: Printer, verbose: bool) -> None:
    """One sentence; with -v the server's own words and request id too. Both are in
    the log either way (already redacted: see desktop.api.redact)."""
    printer.note(exc.cli_message)
    details = exc.details()
    if not details:
        return
    if verbose:
        for line in details.splitlines():
            printer.note(f"  {line}")
    try:
        _to_log(lambda: log.warning("%s\n%s", exc.cli_message, details))
    except OSError as error:  # a log that cannot be written must not hide the failure
        if verbose:
            printer.note(f"  (not logged: {error.strerror or error})")


def _streams(out: TextIO, err: TextIO) -> None:
    for stream in (out, err):
        # An answer full of symbols must not crash on a terminal that cannot show them.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str], stdin: TextIO | None = None) -> int:
    """Run `parley ask` with the arguments after `ask`; returns the exit status."""
    out, err = sys.stdout, sys.stderr
    _streams(out, err)
    try:
        args = _parser().parse_args(list(argv))
        options = _options(args)
        if args.background and not options.stream:
            raise UsageError("--background streams its answer; leave out --no-stream.")
        prompt = _prompt(args.prompt, stdin or sys.stdin)
        # `parley ask` starts no program, but keeps the token to itself all the same.
        connection = resolve_connection(take_environment())
    except UsageError as exc:
        err.write(f"parley ask: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK

    # One question and no follow-up: the body stays the documented one.
    body = build_request([Turn("user", prompt)], options, continued=False)
    printer = Printer(out, err, args.show_reasoning, sources=not args.no_sources)

    def job(client: ResponsesClient, cancel: CancelToken) -> None:
        _run(client, body, options, args.background, printer, cancel)

    return _execute(connection, job, printer, args.verbose)


def resume_main(argv: Sequence[str]) -> int:
    """Run `parley resume ID [--after N]`: stream an answer that a `--background`
    question left running on the server, from its start or after event N."""
    out, err = sys.stdout, sys.stderr
    _streams(out, err)
    parser = _Parser(
        prog="parley resume",
        description="Print an answer kept running on the server (parley ask --background).",
        epilog=ENVIRONMENT_HELP,
    )
    parser.add_argument("response_id", metavar="ID", help="The response id ask printed")
    parser.add_argument(
        "--after", type=int, metavar="N", help="Only what came after event N (as printed)"
    )
    _output_flags(parser)
    try:
        args = parser.parse_args(list(argv))
        connection = resolve_connection(take_environment())
    except UsageError as exc:
        err.write(f"parley resume: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    printer = Printer(out, err, args.show_reasoning, sources=not args.no_sources)
    printer.response_id = args.response_id

    def job(client: ResponsesClient, cancel: CancelToken) -> None:
        events = client.resume(args.response_id, args.after, cancel)
        print_events(events, printer, background=False)

    return _execute(connection, job, printer, args.verbose)


def _execute(
    connection: Connection,
    job: Callable[[ResponsesClient, CancelToken], None],
    printer: Printer,
    verbose: bool,
) -> int:
    """Run `job` on a worker thread and turn how it ended into an exit status."""
    cancel = CancelToken()
    failure: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            with ResponsesClient(
                connection.base_url, connection.token, on_wait=printer.waiting
            ) as client:
                job(client, cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as is
            failure.append(exc)
        finally:
            done.set()

    # The request runs on a worker so that Ctrl+C in the main thread can cancel it
    # cleanly (the same path as the GUI's Stop button). An Event, not Thread.join(), is
    # waited on: on Python 3.11 a join interrupted by Ctrl+C can report a live thread
    # as finished.
    threading.Thread(target=work, name="parley-ask", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:
            done.wait(0.1)
        except KeyboardInterrupt:
            interrupted = True
            cancel.cancel()
    if not failure:
        return EXIT_OK
    error = failure[0]
    printer.end_answer()
    if isinstance(error, RequestCancelled) and interrupted:
        printer.note("Interrupted; the answer above is incomplete.")
        return EXIT_INTERRUPTED
    if isinstance(error, ApiError):
        _report(error, printer, verbose)
        if isinstance(error, NetworkError | ApiTimeoutError):
            printer.resume_hint()  # the answer may go on without this connection
        return EXIT_API_ERROR
    path = _log_bug(error)
    printer.note(f"Something went wrong; details are in {path}")
    return EXIT_API_ERROR
