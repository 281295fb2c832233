"""The right-hand column of the window: the find bar over the conversation page,
and below them the banner and the composer."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.widgets.banner import Banner
from desktop.ui.widgets.composer import Composer
from desktop.ui.widgets.conversation_view import ConversationView
from desktop.ui.widgets.find_bar import FindBar


class ConversationPane(QWidget):
    """Holds its four parts only for layout; the window wires each of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationPane")
        # Made in the order the keyboard's default focus chain should follow.
        self.view = ConversationView(self)
        bottom = QWidget(self)
        self.banner = Banner(bottom)
        self.find_bar = FindBar(self)
        self.composer = Composer(bottom)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.find_bar)
        column.addWidget(self.view, 1)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(16, 6, 16, 12)
        bottom_layout.setSpacing(8)
        bottom_layout.addWidget(self.banner)
        bottom_layout.addWidget(self.composer)
        column.addWidget(bottom)
