"""Every way a request can fail, each with one plain sentence a person can act on.

Expected failures are `ApiError`s (shown as `user_message`); anything else is a bug.
Server detail is kept separately in `.detail`, cut short, and never contains the token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.api.events import Reply

DETAIL_LIMIT = 300  # characters of server text kept; error pages can be huge


SETTINGS = "settings"  # the fix is in Settings (token, model, URL, tools)
RETRY = "retry"  # asking again may work


class ApiError(Exception):
    """A failed request: `user_message` says what happened and what to do, and
    `action` which button fits next to it: `SETTINGS`, `RETRY` or None."""

    default_message = "The request failed."
    retryable_default = False
    action_default: str | None = None

    def __init__(
        self,
        user_message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: str | None = None,
        partial: Reply | None = None,
        retryable: bool | None = None,
        action: str | None = None,
    ) -> None:
        self.user_message = user_message or self.default_message
        self.status = status
        self.code = code
        self.detail = _shorten(detail)
        self.partial = partial
        self.retryable = self.retryable_default if retryable is None else retryable
        self.action = action or self.action_default or (RETRY if self.retryable else None)
        super().__init__(self.user_message)

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.user_message!r}, status={self.status!r})"


class AuthenticationError(ApiError):
    default_message = "The API token was rejected (401). Open Settings to enter a new one."
    action_default = SETTINGS


class PermissionDeniedError(ApiError):
    default_message = "The API token is not allowed to use this model (403). Check its permissions."
    action_default = SETTINGS


class NotFoundError(ApiError):
    default_message = "The server has no such model or endpoint (404). Check the model and URL."
    action_default = SETTINGS


class BadRequestError(ApiError):
    default_message = "The server rejected the request as invalid."


class RateLimitError(ApiError):
    default_message = "Too many requests (429). Wait a moment and try again."
    retryable_default = True


class ServerError(ApiError):
    default_message = "The server had a problem. Try again in a moment."
    retryable_default = True


class NetworkError(ApiError):
    default_message = "Could not reach the server. Check your network connection and try again."
    retryable_default = True


class ApiTimeoutError(ApiError):
    default_message = "The server took too long to answer. Try again later."


class RequestCancelled(ApiError):
    default_message = "The request was stopped."


class ResponseFailedError(ApiError):
    default_message = "The model failed to finish its answer. Try again."


class MalformedResponseError(ApiError):
    default_message = "The server sent a reply that could not be read. Try again."


def _shorten(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1] + "…"


# Tool types a request can name (see RequestOptions.tools), as people call them.
TOOL_NAMES = {
    "web_search": "web search",
    "file_search": "file search",
    "code_interpreter": "the code interpreter",
    "image_generation": "image generation",
    "computer_use": "computer use",
    "mcp": "remote MCP tools",
}
_TOOL_TYPE = re.compile(
    r"\b(web_search|file_search|code_interpreter|image_generation|computer_use|mcp)"
    r"(?:_preview)?(?:_\d{4}_\d{2}_\d{2})?\b"
)
_REJECTS = re.compile(
    r"not supported|unsupported|not available|not enabled|not allowed|unknown|invalid|"
    r"does not support|doesn't support|cannot be used|not permitted|unrecognized",
    re.IGNORECASE,
)


def rejected_tool(message: str | None, param: str | None = None) -> str | None:
    """The tool type ("web_search") a 400 error says the server does not offer, or None.

    OpenAI names the tool and sets `param` to "tools"; Cloudflare and local servers only
    say it in the message, e.g. "tools.0.type: Unsupported tool type 'web_search'".
    """
    if not message:
        return None
    about_tools = (param or "").startswith("tools") or "tool" in message.lower()
    if not about_tools or not _REJECTS.search(message):
        return None
    found = _TOOL_TYPE.search(message)
    return found.group(1) if found else ("tool" if (param or "").startswith("tools") else None)


def _tool_message(tool: str) -> str:
    if tool == "tool":
        return (
            "This server does not offer a tool the request asked for; turn tools off in Settings."
        )
    name = TOOL_NAMES.get(tool, tool.replace("_", " "))
    return f"This server does not offer {name}; turn it off in Settings."


def _server_error(body: bytes | str) -> tuple[str | None, str | None, str | None]:
    """(message, code, param) from either envelope; `param` only OpenAI's has."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        obj = json.loads(text)
    except ValueError:
        return (text.strip() or None), None, None
    if isinstance(obj, Mapping):
        error = obj.get("error")
        if isinstance(error, Mapping):  # OpenAI: {"error": {"message", "type", "code"}}
            code = error.get("code") or error.get("type")
            return _text(error.get("message")), _text(code), _text(error.get("param"))
        if isinstance(error, str):  # some local servers: {"error": "text"}
            return error, None, None
        errors = obj.get("errors")
        if isinstance(errors, list) and errors:  # Cloudflare: {"success": false, "errors": []}
            first = [e for e in errors if isinstance(e, Mapping)]
            messages = "; ".join(str(e.get("message")) for e in first if e.get("message"))
            return (messages or None), (_text(first[0].get("code")) if first else None), None
        if isinstance(obj.get("message"), str):
            return obj["message"], _text(obj.get("code")), None
    return (text.strip() or None), None, None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _brief(message: str | None) -> str:
    if not message:
        return ""
    short = _shorten(message) or ""
    if len(short) > 160:
        short = short[:159] + "…"
    return short.rstrip(".")


def error_from_response(
    status: int,
    body: bytes | str,
    headers: Mapping[str, str] | None = None,
    *,
    model: str | None = None,
    url: str | None = None,
) -> ApiError:
    """Map an HTTP error status and body (either envelope, or not JSON) to an ApiError.

    `model` and `url` (without credentials) make a 404's sentence say what was missing.
    """
    message, code, param = _server_error(body)
    kwargs: dict[str, Any] = {"status": status, "code": code, "detail": message}
    said = _brief(message)
    if status == 401:
        return AuthenticationError(**kwargs)
    if status == 403:
        return PermissionDeniedError(**kwargs)
    if status == 404:
        where = f" at {url}" if url else ""
        what = f"the model {model!r}" if model else "the model"
        text = f"The server{where} has no endpoint for {what} (404). Check the model id and URL."
        return NotFoundError(text, **kwargs)
    if status in (400, 422):
        tool = rejected_tool(message, param)
        if tool is not None:
            return BadRequestError(_tool_message(tool), action=SETTINGS, **kwargs)
        rejected = f"The server rejected the request ({status}): {said}." if said else None
        return BadRequestError(rejected, **kwargs)
    if status == 429:
        return RateLimitError(**kwargs)
    if status in (408, 409):
        text = f"The server could not take the request right now ({status}). Try again."
        return ServerError(text, **kwargs)
    if status >= 500:
        return ServerError(f"The server had a problem ({status}). Try again in a moment.", **kwargs)
    text = f"The server answered with an unexpected status ({status})"
    return ApiError(f"{text}: {said}." if said else f"{text}.", **kwargs)


def failure_from_payload(error: Any, partial: Reply | None = None) -> ResponseFailedError:
    """A `response.failed` / `error` event (or a failed Response object) as an ApiError."""
    message = code = None
    if isinstance(error, Mapping):
        message, code = _text(error.get("message")), _text(error.get("code"))
    said = _brief(message)
    text = f"The model failed to finish its answer: {said}. Try again." if said else None
    return ResponseFailedError(text, code=code, detail=message, partial=partial)
