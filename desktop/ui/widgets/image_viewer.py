"""Shows an attached image full size in a window of its own (Esc closes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.ui.widgets.thumbnails import ImageJobs, read_image

# Attached images are at most 2048 pixels; anything larger (an old history, an
# import) is shown no larger than this, which no screen exceeds.
LONGEST = 4096


class ImageViewer(QDialog):
    def __init__(self, name: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        self.setAccessibleName(f"Image {name}")
        self._label = QLabel("Opening the image…", self)
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroller = QScrollArea(self)
        scroller.setWidget(self._label)
        scroller.setWidgetResizable(True)
        scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)
        self.resize(320, 120)
        # Decoded on a worker: a large image must not freeze the window.
        self._jobs = ImageJobs(self)
        self._jobs.run(lambda: read_image(data, LONGEST), self._show)

    def _show(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self._label.setText("This image cannot be shown.")
            return
        self._label.setPixmap(QPixmap.fromImage(image))
        screen = self.screen().availableGeometry()
        width = min(image.width() + 24, int(screen.width() * 0.9))
        height = min(image.height() + 24, int(screen.height() * 0.9))
        self.resize(max(width, 240), max(height, 120))
