"""The list of conversations at the side, with a New chat button."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1
PINNED_ROLE = Qt.ItemDataRole.UserRole + 2


class _List(QListView):
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class Sidebar(QFrame):
    """Signals: conversation_selected(id), new_requested(), delete_requested(id)."""

    conversation_selected = Signal(int)
    new_requested = Signal()
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.new_button = QPushButton("+  New chat", self)
        self.new_button.setObjectName("newChat")
        self.new_button.setAccessibleName("New chat")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        title = QLabel("Conversations", self)
        title.setObjectName("sidebarTitle")
        self.model = QStandardItemModel(self)
        self.list = _List(self)
        self.list.setModel(self.model)
        self.list.setAccessibleName("Conversations")
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(0)
        layout.addWidget(self.new_button)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        self.new_button.clicked.connect(self.new_requested)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.list.delete_pressed.connect(self._on_delete)
        self._silent = False

    def sizeHint(self) -> QSize:
        return QSize(250, 600)

    def set_conversations(self, rows: list[tuple[int, str, bool]], current: int | None) -> None:
        """rows: (id, title, pinned), already ordered."""
        self._silent = True
        try:
            self.model.clear()
            for conv_id, title, pinned in rows:
                item = QStandardItem(("📌 " if pinned else "") + (title or "New chat"))
                item.setData(conv_id, ID_ROLE)
                item.setData(pinned, PINNED_ROLE)
                item.setToolTip(title)
                self.model.appendRow(item)
            self.select(current)
        finally:
            self._silent = False

    def select(self, conv_id: int | None) -> None:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(ID_ROLE) == conv_id:
                was, self._silent = self._silent, True
                try:
                    self.list.setCurrentIndex(index)
                finally:
                    self._silent = was
                return
        self.list.clearSelection()

    def ids(self) -> list[int]:
        return [self.model.index(r, 0).data(ID_ROLE) for r in range(self.model.rowCount())]

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _on_current(self, current: object, _previous: object) -> None:
        if self._silent:
            return
        conv_id = self.current_id()
        if conv_id is not None:
            self.conversation_selected.emit(conv_id)

    def _on_delete(self) -> None:
        conv_id = self.current_id()
        if conv_id is not None:
            self.delete_requested.emit(conv_id)
