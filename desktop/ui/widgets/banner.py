"""An error banner above the composer: one plain sentence, the fitting action, and
the server's own words behind "Details".

Everything shown here may quote a server, so every label is plain text: a message
with `<b>` or a link in it is shown literally, never as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def _plain_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class Banner(QFrame):
    """Signals: retry_requested(), settings_requested()."""

    retry_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Error")
        self.label = _plain_label(self, "bannerText")
        self.details_button = QToolButton(self)
        self.details_button.setObjectName("bannerDetailsToggle")
        self.details_button.setText("Details")
        self.details_button.setAccessibleName("Details")
        self.details_button.setToolTip("What the server said, and its request id")
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details = _plain_label(self, "bannerDetails")
        self.details.setAccessibleName("Error details")
        self.details.hide()
        self.retry = QPushButton("Retry", self)
        self.retry.setAccessibleName("Retry")
        self.settings = QPushButton("Open Settings", self)
        self.settings.setAccessibleName("Open Settings")
        self.close_button = QPushButton("✕", self)
        self.close_button.setObjectName("bannerClose")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFlat(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.details_button)
        row.addWidget(self.retry)
        row.addWidget(self.settings)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.retry.clicked.connect(self.retry_requested)
        self.retry.clicked.connect(self.hide)
        self.settings.clicked.connect(self.settings_requested)
        self.close_button.clicked.connect(self.hide)
        self.details_button.toggled.connect(self.details.setVisible)
        self.hide()

    def show_message(
        self,
        message: str,
        *,
        retry: bool = False,
        settings: bool = False,
        kind: str = "error",
        details: str = "",
    ) -> None:
        """Show `message`; `details` (the server's reason, status, request id) stay
        folded behind the Details button until asked for."""
        self.label.setText(message)
        self.details.setText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.retry.setVisible(retry)
        self.settings.setVisible(settings)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    @property
    def message(self) -> str:
        return self.label.text() if self.isVisible() else ""
