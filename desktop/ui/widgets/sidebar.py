"""The list of conversations at the side: pinned ones on top, then the newest;
a filter, inline rename, pin and delete from the keyboard or a context menu, and
an undo strip after a delete.

Rows load lazily. Given a `fetch(offset, limit)` callable (for example
`lambda offset, limit: store.list_conversations(limit, offset)`), the list asks
for a page of `PAGE_SIZE` rows at a time as it is scrolled, so 10,000
conversations cost no more to show than 200. Without one, `set_conversations`
shows exactly the rows it is given. The sidebar never writes the store: every
change a person asks for goes out as a signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.conversation_list import (
    ID_ROLE,
    PAGE_SIZE,
    TITLE_ROLE,
    UNTITLED,
    ConversationListModel,
    Fetch,
)
from desktop.ui.widgets.plain import plain_tip

UNDO_MS = 10_000


class _List(QListView):
    """The list view, with the keys a person uses on a conversation."""

    delete_pressed = Signal()
    menu_key_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_Delete and not mods:
            self.delete_pressed.emit()
            return
        if key == Qt.Key.Key_Menu or (
            key == Qt.Key.Key_F10 and mods == Qt.KeyboardModifier.ShiftModifier
        ):
            self.menu_key_pressed.emit()
            return
        super().keyPressEvent(event)


class _Filter(QLineEdit):
    """The filter field: Down goes to the list, Esc clears."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class UndoStrip(QFrame):
    """ "Deleted “title” — Undo", shown for a while after a delete."""

    undo_requested = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget | None = None, timeout_ms: int = UNDO_MS) -> None:
        super().__init__(parent)
        self.setObjectName("undoStrip")
        self.setAccessibleName("Conversation deleted")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton("&Undo", self)
        self.button.setAccessibleName("Undo delete")
        self.button.setToolTip("Bring the conversation back (Ctrl+Z)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._expire)
        self.button.clicked.connect(self.undo)
        self.hide()

    def show_for(self, title: str) -> None:
        name = self.label.fontMetrics().elidedText(
            title or UNTITLED, Qt.TextElideMode.ElideRight, 150
        )
        self.label.setText(f"Deleted “{name}”")
        self.label.setToolTip(plain_tip(title))
        self.setAccessibleDescription(f"Deleted “{title}”. Press Undo to bring it back.")
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()

    def undo(self) -> None:
        """Emit `undo_requested` if the strip is showing (else nothing to undo)."""
        if self.isVisible():
            self.dismiss()
            self.undo_requested.emit()

    def _expire(self) -> None:
        self.hide()
        self.expired.emit()


class Sidebar(QFrame):
    """The conversation list.

    Signals (the window acts on them; the sidebar never writes the store):
    conversation_selected(id), new_requested(), delete_requested(id),
    rename_requested(id, title), pin_requested(id, pinned),
    export_requested(id, fmt) with fmt "markdown", "html" or "json",
    undo_requested() and undo_expired() for the strip shown by `show_undo`.
    """

    conversation_selected = Signal(int)
    new_requested = Signal()
    delete_requested = Signal(int)
    rename_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    export_requested = Signal(int, str)
    undo_requested = Signal()
    undo_expired = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        fetch: Fetch | None = None,
        page_size: int = PAGE_SIZE,
        undo_ms: int = UNDO_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._silent = False
        self._selected: int | None = None
        self.menu: QMenu | None = None  # the context menu last shown (for tests)

        self.new_button = QPushButton("+  New chat", self)
        self.new_button.setObjectName("newChat")
        self.new_button.setAccessibleName("New chat")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        self.filter_edit = _Filter(self)
        self.filter_edit.setObjectName("conversationFilter")
        self.filter_edit.setPlaceholderText("Filter conversations")
        self.filter_edit.setAccessibleName("Filter conversations by title")
        self.filter_edit.setClearButtonEnabled(True)
        title = QLabel("Conversations", self)
        title.setObjectName("sidebarTitle")

        self.model = ConversationListModel(self, fetch, page_size)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(TITLE_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = _List(self)
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Conversations")
        self.list.setAccessibleDescription(
            "F2 renames, Delete deletes, the menu key or Shift+F10 shows more actions"
        )
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QListView.EditTrigger.EditKeyPressed)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.undo_strip = UndoStrip(self, undo_ms)
        self.undo_button = self.undo_strip.button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(0)
        layout.addWidget(self.new_button)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(8, 6, 8, 2)
        filter_row.addWidget(self.filter_edit)
        layout.addLayout(filter_row)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.undo_strip)
        QWidget.setTabOrder(self.new_button, self.filter_edit)
        QWidget.setTabOrder(self.filter_edit, self.list)
        QWidget.setTabOrder(self.list, self.undo_button)

        # Ctrl+Z anywhere in the sidebar while the strip shows (the composer
        # keeps its own Ctrl+Z: this shortcut is limited to the sidebar).
        self._undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        self._undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._undo_shortcut.activated.connect(self.undo_strip.undo)

        self.new_button.clicked.connect(self.new_requested)
        self.filter_edit.textChanged.connect(self._filter)
        self.filter_edit.down_pressed.connect(self._focus_list)
        self.filter_edit.returnPressed.connect(self._focus_list)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.list.delete_pressed.connect(self._on_delete)
        self.list.menu_key_pressed.connect(self._menu_at_current)
        self.list.customContextMenuRequested.connect(self._menu_at)
        self.model.rename_requested.connect(self.rename_requested)
        self.undo_strip.undo_requested.connect(self.undo_requested)
        self.undo_strip.expired.connect(self.undo_expired)

    def sizeHint(self) -> QSize:
        return QSize(250, 600)

    # ------------------------------------------------------------ contents
    def set_conversations(self, rows: Sequence[Any], current: int | None) -> None:
        """Show `rows` — tuples (id, title, pinned[, updated]) or `Conversation`s,
        already ordered. With a `fetch`, more pages follow them on scrolling."""
        self._silent = True
        try:
            self.model.reset(rows, more=True)
            self._apply_filter_loading()
            self.select(current)
        finally:
            self._silent = False

    def reload(self, current: int | None) -> None:
        """Show the first page of `fetch` again (after a change in the store) and
        select `current`, loading further pages if it is not on the first."""
        self._silent = True
        try:
            self.model.reload()
            self._apply_filter_loading()
            self.select(current)
        finally:
            self._silent = False

    def update_title(self, conv_id: int, title: str) -> None:
        """Show a new title for one conversation without reloading the list."""
        self.model.update_title(conv_id, title)

    def select(self, conv_id: int | None) -> None:
        """Make `conv_id` current without emitting `conversation_selected`."""
        self._selected = conv_id
        index = self._proxy_index(conv_id)
        was, self._silent = self._silent, True
        try:
            if index.isValid():
                self.list.setCurrentIndex(index)
                self.list.scrollTo(index)
            else:
                self.list.setCurrentIndex(QModelIndex())
                self.list.clearSelection()
        finally:
            self._silent = was

    def ids(self) -> list[int]:
        """Ids of the rows loaded and shown (the filter applies), top to bottom."""
        proxy = self.proxy
        return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def rename(self, conv_id: int) -> None:
        """Start editing a title in place (what F2 does on the current row)."""
        index = self._proxy_index(conv_id)
        if index.isValid():
            self.list.setCurrentIndex(index)
            self.list.edit(index)

    def show_undo(self, title: str) -> None:
        """Show "Deleted “title” — Undo" for a while; Undo emits `undo_requested`."""
        self.undo_strip.show_for(title)

    def hide_undo(self) -> None:
        self.undo_strip.dismiss()

    # ------------------------------------------------------------ internals
    def _proxy_index(self, conv_id: int | None) -> QModelIndex:
        if conv_id is None or not self.model.fetch_until(conv_id):
            return QModelIndex()
        row = self.model.row_of(conv_id)
        assert row is not None
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def _apply_filter_loading(self) -> None:
        if self.filter_edit.text():
            self.model.fetch_all()

    def _filter(self, text: str) -> None:
        # Rows hidden or shown by the filter move the current index; that is
        # not the person choosing another conversation.
        self._silent = True
        try:
            if text:
                self.model.fetch_all()
            self.proxy.setFilterFixedString(text)
        finally:
            self._silent = False
        self.select(self._selected)

    def _focus_list(self) -> None:
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.list.currentIndex().isValid() and self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._silent or not current.isValid():
            return
        conv_id = current.data(ID_ROLE)
        self._selected = conv_id
        self.conversation_selected.emit(conv_id)

    def _on_delete(self) -> None:
        conv_id = self.current_id()
        if conv_id is not None:
            self.delete_requested.emit(conv_id)

    def build_menu(self, conv_id: int) -> QMenu:
        """The context menu for one conversation (not shown)."""
        row = self.model.conversation(conv_id)
        pinned = bool(row and row.pinned)
        menu = QMenu(self)
        menu.setAccessibleName("Conversation actions")
        rename = QAction("&Rename", menu)
        rename.setShortcut(QKeySequence(Qt.Key.Key_F2))
        rename.triggered.connect(lambda: self.rename(conv_id))
        pin = QAction("Un&pin" if pinned else "&Pin to top", menu)
        pin.triggered.connect(lambda: self.pin_requested.emit(conv_id, not pinned))
        menu.addAction(rename)
        menu.addAction(pin)
        export = menu.addMenu("&Export")
        for fmt, label in (("markdown", "&Markdown…"), ("html", "&HTML…"), ("json", "&JSON…")):
            action = QAction(label, export)
            action.triggered.connect(lambda _=False, f=fmt: self.export_requested.emit(conv_id, f))
            export.addAction(action)
        menu.addSeparator()
        delete = QAction("&Delete", menu)
        delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        delete.triggered.connect(lambda: self.delete_requested.emit(conv_id))
        menu.addAction(delete)
        return menu

    def _menu_at(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if index.isValid():
            self._popup(index.data(ID_ROLE), self.list.viewport().mapToGlobal(pos))

    def _menu_at_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            rect = self.list.visualRect(index)
            self._popup(index.data(ID_ROLE), self.list.viewport().mapToGlobal(rect.bottomLeft()))

    def _popup(self, conv_id: int, where: QPoint) -> None:
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.build_menu(conv_id)
        # popup(), not exec(): the menu never blocks the event loop.
        self.menu.popup(where)
