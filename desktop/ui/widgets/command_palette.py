"""The command palette (Ctrl+K): type part of a command's or a conversation's
name and press Enter, so every command is reachable without the mouse or a
memorised shortcut."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.actions import plain_text
from desktop.ui.widgets.fuzzy import fuzzy_score

KEYS_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
VISIBLE_ROWS = 10
CONVERSATION_PREFIX = "Conversation: "


@dataclass(frozen=True)
class Entry:
    """One row: an action to trigger or a conversation to open."""

    label: str  # what is shown
    match: str  # what the query is matched against
    keys: str = ""
    help: str = ""
    action: QAction | None = None
    conversation: int | None = None


def action_entries(actions: Sequence[QAction]) -> list[Entry]:
    """Rows for every enabled, visible action except the palette itself."""
    entries = []
    for action in actions:
        if not (action.isEnabled() and action.isVisible() and action.text()):
            continue
        if action.objectName() == "action_palette":
            continue
        text = plain_text(action)
        shortcut = action.shortcut()
        keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        label = f"{text}  ✓" if action.isCheckable() and action.isChecked() else text
        entries.append(Entry(label, text, keys, action.statusTip(), action=action))
    return entries


def conversation_entries(conversations: list[tuple[int, str]]) -> list[Entry]:
    return [
        Entry(f"{CONVERSATION_PREFIX}{title or 'Untitled'}", title, conversation=conv_id)
        for conv_id, title in conversations
    ]


def ranked(query: str, entries: list[Entry]) -> list[Entry]:
    """The entries matching `query`, best first; an empty query keeps them all
    in order."""
    scored = []
    for position, entry in enumerate(entries):
        score = fuzzy_score(query, entry.match)
        if score is not None:
            scored.append((-score, position, entry))
    scored.sort(key=lambda row: (row[0], row[1]))
    return [entry for _score, _position, entry in scored]


class _Delegate(QStyledItemDelegate):
    """Draws the command at the left and its shortcut, muted, at the right."""

    PAD = 10

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        role = QPalette.ColorRole
        keys = str(index.data(KEYS_ROLE) or "")
        metrics = opt.fontMetrics
        keys_width = metrics.horizontalAdvance(keys) + 2 * self.PAD if keys else 0
        rect: QRect = opt.rect.adjusted(self.PAD, 0, -self.PAD, 0)
        painter.save()
        painter.setPen(pal.color(role.HighlightedText if selected else role.Text))
        text_rect = rect.adjusted(0, 0, -keys_width, 0)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignLeft, elided)
        if keys:
            painter.setPen(pal.color(role.HighlightedText if selected else role.PlaceholderText))
            painter.drawText(rect, align | Qt.AlignmentFlag.AlignRight, keys)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 10)


class _QueryEdit(QLineEdit):
    """Keeps the cursor in the text box while the list keys move the selection."""

    navigate = Signal(str)  # "up", "down", "page-up", "page-down"
    run = Signal()
    cancel = Signal()

    KEYS = {
        Qt.Key.Key_Up: "up",
        Qt.Key.Key_Down: "down",
        Qt.Key.Key_PageUp: "page-up",
        Qt.Key.Key_PageDown: "page-down",
    }

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in self.KEYS:
            self.navigate.emit(self.KEYS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.run.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancel.emit()
        else:
            super().keyPressEvent(event)


class CommandPalette(QFrame):
    """A popup near the top of `parent` with a query box over a filtered list
    of `actions` and of the conversations `conversations()` returns as
    (id, title). Enter or a click triggers the action or emits
    `conversation_chosen(id)`; Esc or a click outside closes it."""

    conversation_chosen = Signal(int)

    def __init__(
        self,
        actions: Sequence[QAction],
        conversations: Callable[[], list[tuple[int, str]]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("commandPalette")
        self.setAccessibleName("Command palette")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._actions = list(actions)
        self._conversations = conversations
        self._entries: list[Entry] = []
        self._shown: list[Entry] = []

        self.edit = _QueryEdit(self)
        self.edit.setObjectName("paletteQuery")
        self.edit.setPlaceholderText("Type a command or a conversation…")
        self.edit.setAccessibleName("Command")
        self.edit.setAccessibleDescription(
            "Type to filter commands and conversations; Up and Down choose, Enter runs"
        )
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumHeight(34)
        self.list = QListWidget(self)
        self.list.setObjectName("paletteList")
        self.list.setAccessibleName("Commands")
        self.list.setItemDelegate(_Delegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The cursor stays in the query box; the list follows it (see _QueryEdit).
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty = QLabel("No matching command or conversation", self)
        self.empty.setObjectName("paletteEmpty")
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setContentsMargins(10, 8, 10, 8)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)

        self.edit.textChanged.connect(self._filter)
        self.edit.navigate.connect(self._move)
        self.edit.run.connect(self.run_current)
        self.edit.cancel.connect(self.close)
        self.list.itemClicked.connect(lambda item: self._run(self.list.row(item)))

    # ---------------------------------------------------------------- public
    def popup(self) -> None:
        """Shows the palette with a fresh list, centred near the top of its window."""
        self._entries = action_entries(self._actions) + conversation_entries(self._conversations())
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._filter("")
        self._place()
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def labels(self) -> list[str]:
        """The rows as shown, top to bottom."""
        return [entry.label for entry in self._shown]

    def current_label(self) -> str | None:
        row = self.list.currentRow()
        return self._shown[row].label if 0 <= row < len(self._shown) else None

    def run_current(self) -> None:
        self._run(self.list.currentRow())

    # --------------------------------------------------------------- private
    def _filter(self, query: str) -> None:
        self._shown = ranked(query, self._entries)
        self.list.clear()
        for entry in self._shown:
            item = QListWidgetItem(entry.label)
            item.setData(KEYS_ROLE, entry.keys)
            spoken = f"{entry.label}, {entry.keys}" if entry.keys else entry.label
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
            if entry.help:
                item.setToolTip(entry.help)
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, entry.help)
            self.list.addItem(item)
        if self._shown:
            self.list.setCurrentRow(0)
        self.list.setVisible(bool(self._shown))
        self.empty.setVisible(not self._shown)
        self._fit_height()

    def _move(self, kind: str) -> None:
        count = self.list.count()
        if not count:
            return
        row = self.list.currentRow()
        page = max(1, VISIBLE_ROWS - 1)
        if kind == "up":
            row = row - 1 if row > 0 else count - 1
        elif kind == "down":
            row = row + 1 if row < count - 1 else 0
        elif kind == "page-up":
            row = max(0, row - page)
        else:
            row = min(count - 1, row + page)
        self.list.setCurrentRow(row)

    def _run(self, row: int) -> None:
        if not 0 <= row < len(self._shown):
            return
        entry = self._shown[row]
        self.close()
        if entry.action is not None:
            entry.action.trigger()
        elif entry.conversation is not None:
            self.conversation_chosen.emit(entry.conversation)

    def _fit_height(self) -> None:
        rows = min(max(self.list.count(), 1), VISIBLE_ROWS)
        row_height = self.list.sizeHintForRow(0) if self.list.count() else 30
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth())
        self.adjustSize()

    def _place(self) -> None:
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if window is None:
            return
        area = window.geometry()
        width = min(640, max(380, int(area.width() * 0.55)), max(200, area.width() - 40))
        self.setFixedWidth(width)
        self._fit_height()
        self.move(area.center().x() - width // 2, area.top() + min(90, area.height() // 8))
