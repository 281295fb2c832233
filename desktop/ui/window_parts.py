"""What the main window's mixins may use of it, declared once for type checkers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.api.events import Usage
    from desktop.config.connection import Connection
    from desktop.store import Store
    from desktop.ui.answer import AnswerStream
    from desktop.ui.banner import Banner
    from desktop.ui.composer import Composer
    from desktop.ui.conversation_view import ConversationView
    from desktop.ui.sidebar import Sidebar
    from desktop.ui.status_bar import StatusBar
    from desktop.ui.unsaved import UnsavedAnswers


class WindowParts:
    """The attributes MainWindow sets up and its mixins rely on."""

    _store: Store
    _current: int | None
    _streams: dict[int, AnswerStream]
    _finishing: dict[int, tuple[AnswerStream, Any]]
    _unsaved: UnsavedAnswers
    _finish_deferred: Callable[[int], None]
    _last_usage: dict[int, Usage]
    _older: list[Any]
    _paint_wait: tuple[int, Callable[[], None]] | None
    _painted_once: bool
    first_painted: Any  # Signal()
    _editing: int | None
    _closing: bool
    _pending_overrides: dict[str, Any]
    _connection: Callable[[], Connection]
    _options: Callable[[int | None], dict[str, Any]]
    view: ConversationView
    composer: Composer
    banner: Banner
    status: StatusBar
    sidebar: Sidebar
    tray: Any
