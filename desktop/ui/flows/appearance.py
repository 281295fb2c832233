"""Light or dark, and the text size: applied to the application's palette and the
conversation page, following the system's scheme while the theme is "system"."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.ui.widgets.theme import apply_theme, is_dark

if TYPE_CHECKING:
    from desktop.ui.widgets.conversation_view import ConversationView

THEMES = ("system", "light", "dark")


class Appearance(QObject):
    """Signals: applied(theme: str) — a theme was applied (the menu marks it)."""

    applied = Signal(str)

    def __init__(self, view: ConversationView, theme: str, font_px: int, parent: QObject) -> None:
        super().__init__(parent)
        self._view = view
        self.theme = theme
        self.font_px = font_px
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def commands(self) -> dict[str, Callable[[], None]]:
        """The window's commands (see widgets/actions.py) this flow answers."""
        return {f"theme_{name}": partial(self.choose, name) for name in THEMES}

    def apply(self, theme: str, font_px: int) -> None:
        self.theme = theme
        self.font_px = font_px
        dark = self.is_dark()
        apply_theme(_app(), dark)
        self._view.set_theme(dark)
        self._view.set_font_size(font_px)
        self.applied.emit(theme)

    def choose(self, theme: str) -> None:
        """The theme chosen from the menu, at the current size."""
        self.apply(theme, self.font_px)

    def again(self) -> None:
        """Applies it all anew (the page lost what it had been told)."""
        self.apply(self.theme, self.font_px)

    def is_dark(self) -> bool:
        return is_dark(_app(), self.theme)

    def _system_scheme_changed(self) -> None:
        if self.theme == "system":
            self.again()


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app
