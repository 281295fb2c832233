"""Maps one answer in flight to the conversation view and the status bar, while its
conversation is the one shown, and how it ended to the status bar and the banner: the
single place where a stream meets the widgets. (Switching back to the conversation
redraws the answer whole from its own blocks.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.api.events import Usage
    from desktop.ui.flows.answer import AnswerOutcome, AnswerStream
    from desktop.ui.flows.current import CurrentConversation
    from desktop.ui.widgets.banner import Banner
    from desktop.ui.widgets.conversation_view import ConversationView
    from desktop.ui.widgets.status_bar import StatusBar


def show_answer(
    stream: AnswerStream,
    view: ConversationView,
    status: StatusBar,
    current: CurrentConversation,
) -> None:
    """Connects each of the stream's signals to what shows it."""
    conv_id = stream.conversation_id

    def if_shown(show: Callable[..., None], *args: Any) -> None:
        if current.id == conv_id:
            show(*args)

    def when_shown(show: Callable[..., None]) -> Callable[..., None]:
        return partial(if_shown, show)

    stream.patch.connect(when_shown(view.patch))
    stream.reasoning_patch.connect(when_shown(view.patch_reasoning))
    stream.refusal.connect(when_shown(view.show_refusal))
    stream.commentary.connect(when_shown(view.show_commentary))
    stream.retry_wait.connect(when_shown(status.retry_wait))
    stream.tools.connect(when_shown(view.show_tools))
    stream.citations.connect(when_shown(view.show_citations))
    stream.first_byte.connect(when_shown(status.streaming))
    stream.on_server.connect(when_shown(status.running_on_server))
    stream.reconnecting.connect(when_shown(status.reconnecting))
    stream.reconnected.connect(when_shown(status.reconnected))


def show_outcome(
    outcome: AnswerOutcome, totals: Usage | None, status: StatusBar, banner: Banner
) -> None:
    """Says how the answer ended: its usage beside the conversation's, and a banner
    with Retry (and Settings where that is the cure) when it failed."""
    status.show_usage(outcome.usage, totals)
    if outcome.status == "complete":
        status.done(outcome.elapsed_s)
    elif outcome.status == "incomplete":
        status.done(outcome.elapsed_s, incomplete=True)
    elif outcome.status == "stopped":
        status.stopped()
    else:
        from desktop.api.errors import SETTINGS

        failure = outcome.failure
        message = failure.message if failure else "The answer failed."
        status.error("Failed")
        banner.show_message(
            message,
            retry=True,
            settings=failure is not None and failure.action == SETTINGS,
            details=failure.details if failure else "",
        )
