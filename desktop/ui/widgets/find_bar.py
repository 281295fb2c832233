"""Find in the current conversation: a slim bar that highlights matches in the page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class FindBar(QFrame):
    """Signals: search(text, step) — step 0 starts a new search, ±1 moves;
    closed() — the bar was dismissed (Esc)."""

    search = Signal(str, int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in conversation")
        self.edit.setAccessibleName("Find in conversation")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel("", self)
        self.count.setAccessibleName("Matches")
        self.previous = QPushButton("↑", self)
        self.previous.setAccessibleName("Previous match")
        self.previous.setToolTip("Previous match (Shift+F3)")
        self.next = QPushButton("↓", self)
        self.next.setAccessibleName("Next match")
        self.next.setToolTip("Next match (F3)")
        self.close_button = QPushButton("✕", self)
        self.close_button.setAccessibleName("Close find")
        self.close_button.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.previous)
        layout.addWidget(self.next)
        layout.addWidget(self.close_button)
        self.edit.textChanged.connect(lambda text: self.search.emit(text, 0))
        self.edit.returnPressed.connect(lambda: self.search.emit(self.edit.text(), 1))
        self.previous.clicked.connect(lambda: self.search.emit(self.edit.text(), -1))
        self.next.clicked.connect(lambda: self.search.emit(self.edit.text(), 1))
        self.close_button.clicked.connect(self.dismiss)
        self.edit.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc in the field closes the bar instead of stopping an answer.
        is_escape = isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
        if is_escape and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if is_escape and event.type() == QEvent.Type.KeyPress:
            self.dismiss()
            return True
        return super().eventFilter(watched, event)

    def start(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        if self.edit.text():
            self.search.emit(self.edit.text(), 0)

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()

    def show_count(self, current: int, total: int) -> None:
        if not self.edit.text():
            self.count.setText("")
        elif total == 0:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{current} of {total}")
