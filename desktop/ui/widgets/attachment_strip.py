"""Attachments waiting in the composer: a row of chips with a thumbnail or a
file icon, each removable with Delete/Backspace or its ✕ button."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.ui.widgets.plain import plain_tip

THUMB = 40


@dataclass(frozen=True)
class Chip:
    """What the strip shows for one attachment (the data stays with the caller)."""

    name: str
    kind: str  # image, file, text, pending
    image: QImage | None = None  # a thumbnail, decoded off the GUI thread
    detail: str = ""


class _ChipWidget(QFrame):
    remove = Signal()

    def __init__(self, chip: Chip, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentChip")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        what = {"image": "Image", "file": "PDF", "text": "Text file", "pending": "Preparing"}
        self.setAccessibleName(f"{what.get(chip.kind, 'File')} {chip.name}")
        self.setAccessibleDescription("Press Delete to remove it")
        detail = f" — {chip.detail}" if chip.detail else ""
        self.setToolTip(plain_tip(f"{chip.name}{detail}\nDelete removes it"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        thumb = QLabel(self)
        thumb.setFixedSize(THUMB, THUMB)
        thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        if chip.image is not None and not chip.image.isNull():
            pixmap = QPixmap.fromImage(
                chip.image.scaled(
                    THUMB,
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        if pixmap.isNull():
            thumb.setText({"file": "PDF", "text": "TXT", "pending": "…"}.get(chip.kind, "FILE"))
            thumb.setObjectName("attachmentBadge")
        else:
            thumb.setPixmap(pixmap)
        name = QLabel(self)
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setText(self.fontMetrics().elidedText(chip.name, Qt.TextElideMode.ElideMiddle, 140))
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName(f"Remove {chip.name}")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.remove)
        layout.addWidget(thumb)
        layout.addWidget(name)
        layout.addWidget(close)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setProperty("focused", True)
        self.style().unpolish(self)
        self.style().polish(self)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.setProperty("focused", False)
        self.style().unpolish(self)
        self.style().polish(self)
        super().focusOutEvent(event)


class AttachmentStrip(QFrame):
    """Signal: remove_requested(index)."""

    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self._chips: list[_ChipWidget] = []
        self.hide()

    def set_chips(self, chips: list[Chip]) -> None:
        focused = next((i for i, w in enumerate(self._chips) if w.hasFocus()), None)
        for widget in self._chips:
            widget.deleteLater()
        self._chips = []
        for index, chip in enumerate(chips):
            widget = _ChipWidget(chip, self)
            widget.remove.connect(lambda i=index: self.remove_requested.emit(i))
            self._layout.insertWidget(index, widget)
            self._chips.append(widget)
        self.setVisible(bool(chips))
        if focused is not None and self._chips:
            self._chips[min(focused, len(self._chips) - 1)].setFocus()

    def chip_widgets(self) -> list[QWidget]:
        return list(self._chips)

    def sizeHint(self) -> QSize:
        return QSize(200, THUMB + 10)
