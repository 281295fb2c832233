"""The Responses API layer: request bodies, a streaming client, typed replies and errors.

Plain Python with no Qt, so the GUI, the CLI and tests all use it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.lazy import lazy_getattr

if TYPE_CHECKING:
    from desktop.api.accumulator import ReplyAccumulator
    from desktop.api.attachments import Attachment
    from desktop.api.cancel import CancelToken
    from desktop.api.client import ResponsesClient
    from desktop.api.errors import (
        ApiError,
        ApiTimeoutError,
        AuthenticationError,
        BadRequestError,
        MalformedResponseError,
        NetworkError,
        NotFoundError,
        PermissionDeniedError,
        QuotaExceededError,
        RateLimitError,
        RequestCancelled,
        ResponseFailedError,
        ServerError,
        error_from_response,
    )
    from desktop.api.events import (
        Citation,
        CommentaryDelta,
        ReasoningDelta,
        RefusalDelta,
        Reply,
        ResponseDone,
        ResponseStarted,
        StreamEvent,
        TextDelta,
        ToolActivity,
        Usage,
    )
    from desktop.api.params import DEFAULT_MODEL
    from desktop.api.request import (
        OPENAI_BASE_URL,
        RequestOptions,
        Turn,
        build_request,
        cloudflare_base_url,
        endpoint_url,
    )

# Where each public name lives. Nothing is imported until a name is used: the
# store and the window need only a value type or two at start-up, the client
# pulls in httpx (~0.2 s), and start-up is a budget.
_HOMES = {
    "Attachment": "desktop.api.attachments",
    "CancelToken": "desktop.api.cancel",
    "ApiError": "desktop.api.errors",
    "ApiTimeoutError": "desktop.api.errors",
    "AuthenticationError": "desktop.api.errors",
    "BadRequestError": "desktop.api.errors",
    "MalformedResponseError": "desktop.api.errors",
    "NetworkError": "desktop.api.errors",
    "NotFoundError": "desktop.api.errors",
    "PermissionDeniedError": "desktop.api.errors",
    "QuotaExceededError": "desktop.api.errors",
    "RateLimitError": "desktop.api.errors",
    "RequestCancelled": "desktop.api.errors",
    "ResponseFailedError": "desktop.api.errors",
    "ServerError": "desktop.api.errors",
    "error_from_response": "desktop.api.errors",
    "Citation": "desktop.api.events",
    "CommentaryDelta": "desktop.api.events",
    "ReasoningDelta": "desktop.api.events",
    "RefusalDelta": "desktop.api.events",
    "Reply": "desktop.api.events",
    "ReplyAccumulator": "desktop.api.accumulator",
    "ResponseDone": "desktop.api.events",
    "ResponseStarted": "desktop.api.events",
    "StreamEvent": "desktop.api.events",
    "TextDelta": "desktop.api.events",
    "ToolActivity": "desktop.api.events",
    "Usage": "desktop.api.events",
    "DEFAULT_MODEL": "desktop.api.params",
    "OPENAI_BASE_URL": "desktop.api.request",
    "RequestOptions": "desktop.api.request",
    "Turn": "desktop.api.request",
    "build_request": "desktop.api.request",
    "cloudflare_base_url": "desktop.api.request",
    "endpoint_url": "desktop.api.request",
    "ResponsesClient": "desktop.api.client",
}


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


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
    "CommentaryDelta",
    "MalformedResponseError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
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
