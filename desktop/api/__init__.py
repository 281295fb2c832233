"""The Responses API layer: request bodies, a streaming client, typed replies and errors.

Plain Python with no Qt, so the GUI, the CLI and tests all use it the same way.
"""

from typing import TYPE_CHECKING, Any

from desktop.api.attachments import Attachment
from desktop.api.cancel import CancelToken
from desktop.api.errors import (
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestCancelled,
    ResponseFailedError,
    ServerError,
    error_from_response,
)
from desktop.api.events import (
    Citation,
    ReasoningDelta,
    RefusalDelta,
    Reply,
    ReplyAccumulator,
    ResponseDone,
    ResponseStarted,
    StreamEvent,
    TextDelta,
    ToolActivity,
    Usage,
)
from desktop.api.request import (
    DEFAULT_MODEL,
    OPENAI_BASE_URL,
    RequestOptions,
    Turn,
    build_request,
    cloudflare_base_url,
    endpoint_url,
)

if TYPE_CHECKING:
    from desktop.api.client import ResponsesClient


def __getattr__(name: str) -> Any:
    # The client pulls in httpx (~0.2 s); load it only when someone uses it, so
    # that the window and the store can use the value types without it.
    if name == "ResponsesClient":
        from desktop.api.client import ResponsesClient

        return ResponsesClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_MODEL",
    "OPENAI_BASE_URL",
    "ApiError",
    "ApiTimeoutError",
    "Attachment",
    "AuthenticationError",
    "BadRequestError",
    "CancelToken",
    "Citation",
    "MalformedResponseError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReasoningDelta",
    "RefusalDelta",
    "Reply",
    "ReplyAccumulator",
    "RequestCancelled",
    "RequestOptions",
    "ResponseDone",
    "ResponseFailedError",
    "ResponseStarted",
    "ResponsesClient",
    "ServerError",
    "StreamEvent",
    "TextDelta",
    "ToolActivity",
    "Turn",
    "Usage",
    "build_request",
    "cloudflare_base_url",
    "endpoint_url",
    "error_from_response",
]
