"""Maps one answer in flight to the conversation view and the status bar, while its
conversation is the one shown: the single place where a stream meets the widgets.
(Switching back to the conversation redraws the answer whole from its own blocks.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.ui.flows.answer import AnswerStream
    from desktop.ui.flows.current import CurrentConversation
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
