"""Shows an attached image full size in a window of its own (Esc closes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget


class ImageViewer(QDialog):
    def __init__(self, name: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        self.setAccessibleName(f"Image {name}")
        label = QLabel(self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        image = QImage.fromData(data)
        if image.isNull():
            label.setText("This image cannot be shown.")
        else:
            label.setPixmap(QPixmap.fromImage(image))
        scroller = QScrollArea(self)
        scroller.setWidget(label)
        scroller.setWidgetResizable(True)
        scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)
        screen = self.screen().availableGeometry()
        width = min(image.width() + 24, int(screen.width() * 0.9)) if not image.isNull() else 320
        height = min(image.height() + 24, int(screen.height() * 0.9)) if not image.isNull() else 120
        self.resize(max(width, 240), max(height, 120))
