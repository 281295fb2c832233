"""Every way a request can fail, each with one plain sentence a person can act on.

Expected failures are `ApiError`s; anything else is a bug. Each error carries two
wordings of the same sentence: `user_message` for the desktop app (which names its
settings) and `cli_message` for `parley ask` (which names environment variables).
What the server itself said is kept in `.detail` with the request id, for a "Details"
view or `-v`; all server text is redacted (see `desktop.api.redact`) on the way in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from desktop.api.redact import redact, redact_optional

if TYPE_CHECKING:
    from desktop.api.reply import Reply

DETAIL_LIMIT = 2000  # characters of server text kept; error pages can be huge


SETTINGS = "settings"  # the fix is in Settings (token, model, URL, tools)
RETRY = "retry"  # asking again may work
# Response headers that identify a request to the provider's support.
REQUEST_ID_HEADERS = ("x-request-id", "cf-ray", "x-amzn-requestid")


class ApiError(Exception):
    """A failed request: `user_message` says what happened and what to do, and
    `action` which button fits next to it: `SETTINGS`, `RETRY` or None."""

    default_message = "The request failed."
    cli_default: str | None = None  # the command line's wording of default_message
    retryable_default = False
    action_default: str | None = None

    def __init__(
        self,
        user_message: str | None = None,
        *,
        cli_message: str | None = None,
        status: int | None = None,
        code: str | None = None,
        detail: str | None = None,
        partial: Reply | None = None,
        retryable: bool | None = None,
        action: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.user_message = redact(user_message or self.default_message)
        default_cli = self.cli_default if user_message is None else None
        self.cli_message = redact(cli_message or default_cli or self.user_message)
        self.status = status
        self.code = code
        self.detail = _shorten(redact_optional(detail))
        self.partial = partial
        self.retryable = self.retryable_default if retryable is None else retryable
        self.action = action or self.action_default or (RETRY if self.retryable else None)
        self.request_id = request_id
        super().__init__(self.user_message)

    def redact(self, secrets: Iterable[str | None]) -> None:
        """Blank out these secrets (the token) wherever the server's words are kept."""
        secrets = tuple(secrets)
        self.user_message = redact(self.user_message, secrets)
        self.cli_message = redact(self.cli_message, secrets)
        self.detail = redact_optional(self.detail, secrets)
        self.args = (self.user_message,)

    def add_wait(self, text: str) -> None:
        """Append a clause ("; the server asks to wait …") to both wordings."""
        self.user_message = f"{self.user_message.removesuffix('.')}{text}"
        self.cli_message = f"{self.cli_message.removesuffix('.')}{text}"
        self.args = (self.user_message,)

    def details(self) -> str:
        """What the server said and how to find the request again, for a "Details"
        view or `parley ask -v`; empty when the server said nothing."""
        facts = []
        if self.status is not None:
            facts.append(f"HTTP {self.status}")
        if self.code:
            facts.append(f"code {self.code}")
        if self.request_id:
            facts.append(f"request id {self.request_id}")
        lines = [" · ".join(facts)] if facts else []
        if self.detail:
            lines.append(f"The server said: {self.detail}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.user_message!r}, status={self.status!r})"


class AuthenticationError(ApiError):
    default_message = "The API token was rejected (401). Open Settings to enter a new one."
    cli_default = "The API token was rejected (401). Check CLOUDFLARE_API_TOKEN."
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


class QuotaExceededError(ApiError):
    """The account's quota, credit or free allocation is used up: asking again soon
    cannot help, so it is never retried."""

    default_message = (
        "The account's quota or credit is used up. Check its plan and billing with the "
        "provider; asking again will not work until it is topped up or resets."
    )


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


def _tool_error(tool: str, **kwargs: Any) -> BadRequestError:
    if tool == "tool":
        what, it = "a tool the request asked for", "tools"
    else:
        what, it = TOOL_NAMES.get(tool, tool.replace("_", " ")), "it"
    return BadRequestError(
        f"This server does not offer {what}; turn {it} off in Settings.",
        cli_message=f"This server does not offer {what}; leave {it} out of the request.",
        action=SETTINGS,
        **kwargs,
    )


# Error codes that mean the account's quota, credit or free allocation is used up:
# OpenAI's (`code`/`type`), Cloudflare's 3036 (daily free Workers AI allocation), and
# what other gateways send for an empty balance.
QUOTA_CODES = frozenset(
    {
        "insufficient_quota",
        "billing_hard_limit_reached",
        "billing_not_active",
        "insufficient_balance",
        "insufficient_credits",
        "quota_exceeded",
        "3036",
    }
)
_QUOTA_WORDS = re.compile(
    r"quota|billing|insufficient (?:balance|credit|funds)|out of credits|credit balance|"
    r"free allocation|payment required",
    re.IGNORECASE,
)


def is_quota(status: int | None, code: str | None, message: str | None) -> bool:
    """Whether a failure says the quota or credit is used up (not a brief rate limit)."""
    if code is not None and code.lower() in QUOTA_CODES:
        return True
    if status == 402:
        return True
    return status == 429 and bool(message and _QUOTA_WORDS.search(message))


def quota_error(status: int | None, code: str | None, **kwargs: Any) -> QuotaExceededError:
    """The sentence names the provider's dashboard when the code says which it is."""
    said = f" ({status})" if status else ""
    if code == "3036":
        text = (
            f"Cloudflare says this account's daily free Workers AI allocation is used up{said}. "
            "It resets at 00:00 UTC; for more, move to the Workers Paid plan in the "
            "Cloudflare dashboard."
        )
    elif code in {"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"}:
        text = (
            f"The OpenAI account has no quota left{said}. Check its plan and billing at "
            "platform.openai.com; asking again will not work until it is topped up."
        )
    else:
        text = (
            f"The account's quota or credit is used up{said}. Check its plan and billing "
            "with the provider; asking again will not work until it is topped up or resets."
        )
    return QuotaExceededError(text, status=status, code=code, **kwargs)


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
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "detail": message,
        "request_id": request_id(headers or {}),
    }
    said = _brief(message)
    if is_quota(status, code, message):
        del kwargs["status"], kwargs["code"]
        return quota_error(status, code, **kwargs)
    if status == 401:
        return AuthenticationError(**kwargs)
    if status == 403:
        return PermissionDeniedError(**kwargs)
    if status == 404:
        where = f" at {url}" if url else ""
        what = f"the model {model!r}" if model else "the model"
        text = f"The server{where} has no endpoint for {what} (404)."
        return NotFoundError(
            f"{text} Check the model id and URL.",
            cli_message=f"{text} Check the model id (--model) and PARLEY_BASE_URL.",
            **kwargs,
        )
    if status in (400, 422):
        tool = rejected_tool(message, param)
        if tool is not None:
            return _tool_error(tool, **kwargs)
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


def request_id(headers: Mapping[str, str]) -> str | None:
    """The id a provider's support asks for: OpenAI's `x-request-id`, Cloudflare's `cf-ray`."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return redact(value[:200])
    return None


def failure_from_payload(error: Any, partial: Reply | None = None) -> ApiError:
    """A `response.failed` / `error` event (or a failed Response object) as an ApiError."""
    message = code = None
    if isinstance(error, Mapping):
        message, code = _text(error.get("message")), _text(error.get("code"))
    if is_quota(None, code, message):
        return quota_error(None, code, detail=message, partial=partial)
    said = _brief(message)
    text = f"The model failed to finish its answer: {said}. Try again." if said else None
    return ResponseFailedError(text, code=code, detail=message, partial=partial)
