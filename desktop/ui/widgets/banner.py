"""An error banner above the composer: one plain sentence and the fitting action."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """Signals: retry_requested(), settings_requested()."""

    retry_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Error")
        self.label = QLabel(self)
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry", self)
        self.retry.setAccessibleName("Retry")
        self.settings = QPushButton("Open Settings", self)
        self.settings.setAccessibleName("Open Settings")
        self.close_button = QPushButton("✕", self)
        self.close_button.setObjectName("bannerClose")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry)
        layout.addWidget(self.settings)
        layout.addWidget(self.close_button)
        self.retry.clicked.connect(self.retry_requested)
        self.retry.clicked.connect(self.hide)
        self.settings.clicked.connect(self.settings_requested)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_message(
        self, message: str, *, retry: bool = False, settings: bool = False, kind: str = "error"
    ) -> None:
        self.label.setText(message)
        self.retry.setVisible(retry)
        self.settings.setVisible(settings)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    @property
    def message(self) -> str:
        return self.label.text() if self.isVisible() else ""
