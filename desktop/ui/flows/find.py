"""Find in the conversation shown: the find bar's searches run in the page, which
answers with the match count the bar shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from desktop.ui.widgets.composer import Composer
    from desktop.ui.widgets.conversation_view import ConversationView
    from desktop.ui.widgets.find_bar import FindBar


class FindFlow(QObject):
    def __init__(
        self, bar: FindBar, view: ConversationView, composer: Composer, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._bar = bar
        self._view = view
        self._composer = composer
        bar.search.connect(self._find)
        bar.closed.connect(self._closed)

    def commands(self) -> dict[str, Callable[[], None]]:
        """The window's commands (see widgets/actions.py) this flow answers."""
        return {
            "find": self._bar.start,
            "find_next": lambda: self.step(+1),
            "find_previous": lambda: self.step(-1),
        }

    def step(self, step: int) -> None:
        """The next (+1) or previous (-1) match; opens the bar if it is closed."""
        if not self._bar.isVisible():
            self._bar.start()
            return
        self._find(self._bar.edit.text(), step)

    def _find(self, text: str, step: int) -> None:
        if not text:
            self._view.clear_find()
            self._bar.show_count(0, 0)
            return
        self._view.find_text(text, step, self._show_count)

    def _show_count(self, result: object) -> None:
        if isinstance(result, list) and len(result) == 2:
            self._bar.show_count(int(result[0]), int(result[1]))

    def _closed(self) -> None:
        self._view.clear_find()
        self._composer.focus()
