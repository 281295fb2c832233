"""The shortcut sheet (F1): every shortcut the window's actions really have,
grouped by menu, plus the keys of the message box — read from the QActions,
so it can never drift from what the keys do."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.actions import COMPOSER_KEYS, MENUS, plain_text, spec_of
from desktop.ui.widgets.fuzzy import fuzzy_score

KEYS_ROLE = Qt.ItemDataRole.UserRole + 1
COMPOSER_GROUP = "Message box"
OTHER_GROUP = "Other"
NATIVE = QKeySequence.SequenceFormat.NativeText


def shortcut_rows(actions: Sequence[QAction]) -> list[tuple[str, str, list[str], str]]:
    """(group, command, keys, help) for every action with a shortcut, in menu
    order, then the message box's own keys."""
    groups: dict[str, list[tuple[str, str, list[str], str]]] = {m: [] for m in MENUS}
    for action in actions:
        keys = [seq.toString(NATIVE) for seq in action.shortcuts() if not seq.isEmpty()]
        if not keys:
            continue
        spec = spec_of(action)
        group = spec.menu if spec is not None else OTHER_GROUP
        row = (group, plain_text(action), keys, action.statusTip())
        groups.setdefault(group, []).append(row)
    rows = [row for group in groups.values() for row in group]
    for composer_key in COMPOSER_KEYS:
        # Return and Enter are one key to a person; show the first name only.
        keys = [QKeySequence(composer_key.keys[0]).toString(NATIVE)]
        rows.append((COMPOSER_GROUP, composer_key.help, keys, ""))
    return rows


class _KeysDelegate(QStyledItemDelegate):
    """Draws each key sequence as a small key cap."""

    GAP = 6
    PAD_X = 7
    PAD_Y = 3

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        keys = index.data(KEYS_ROLE)
        if not keys:
            super().paint(painter, option, index)
            return
        pal = option.palette
        role = QPalette.ColorRole
        metrics = option.fontMetrics
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = option.rect.left() + 4
        height = metrics.height() + 2 * self.PAD_Y
        top = option.rect.top() + (option.rect.height() - height) // 2
        for key in keys:
            width = metrics.horizontalAdvance(key) + 2 * self.PAD_X
            cap = QRect(x, top, width, height)
            painter.setPen(pal.color(role.Mid))
            painter.setBrush(pal.color(role.AlternateBase))
            painter.drawRoundedRect(cap.adjusted(0, 0, -1, -1), 5, 5)
            painter.setPen(pal.color(role.Text))
            painter.drawText(cap, Qt.AlignmentFlag.AlignCenter, key)
            x += width + self.GAP
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        keys = index.data(KEYS_ROLE) or []
        metrics = option.fontMetrics
        width = sum(metrics.horizontalAdvance(k) + 2 * self.PAD_X + self.GAP for k in keys) + 8
        return QSize(width, metrics.height() + 2 * self.PAD_Y + 8)


class ShortcutSheet(QDialog):
    """A dialog listing the shortcuts of `actions` by menu, with a filter box
    (matches the command or its keys); Esc closes it."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard Shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self._actions = list(actions)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("shortcutFilter")
        self.filter.setPlaceholderText("Filter: a command or a key, e.g. “zoom” or “ctrl+k”")
        self.filter.setAccessibleName("Filter shortcuts")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutTree")
        self.tree.setAccessibleName("Shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setItemDelegateForColumn(1, _KeysDelegate(self.tree))
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.empty = QLabel("No shortcut matches", self)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.hide()
        hint = QLabel("Every command is also in the command palette.", self)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(hint)

        self._populate()
        self.filter.textChanged.connect(self._apply_filter)
        self.resize(620, 680)
        self.filter.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, command, keys) of the rows now shown, for tests and screen readers."""
        shown = []
        for group, children in self._groups():
            if group.isHidden():
                continue
            for child in children:
                if not child.isHidden():
                    shown.append((group.text(0), child.text(0), child.text(1)))
        return shown

    def _groups(self) -> list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]:
        """Each group row with its command rows (the tree is two levels deep)."""
        groups = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is not None:
                children = [group.child(c) for c in range(group.childCount())]
                groups.append((group, [c for c in children if c is not None]))
        return groups

    def _populate(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        for group_name, command, keys, help_text in shortcut_rows(self._actions):
            group = groups.get(group_name)
            if group is None:
                group = QTreeWidgetItem(self.tree, [group_name])
                group.setFirstColumnSpanned(True)
                group.setFont(0, bold)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[group_name] = group
            item = QTreeWidgetItem(group, [command, ", ".join(keys)])
            item.setData(1, KEYS_ROLE, keys)
            item.setData(1, Qt.ItemDataRole.AccessibleTextRole, " or ".join(keys))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if help_text:
                item.setToolTip(0, help_text)
        self.tree.expandAll()

    def _apply_filter(self, query: str) -> None:
        # Keys are matched as typed ("ctrl+k"), commands fuzzily ("ccb").
        needle = "".join(query.split()).casefold()
        any_shown = False
        for group, children in self._groups():
            group_shown = False
            for child in children:
                keys = "".join(child.text(1).split()).casefold()
                shown = (
                    not needle or needle in keys or fuzzy_score(query, child.text(0)) is not None
                )
                child.setHidden(not shown)
                group_shown = group_shown or shown
            group.setHidden(not group_shown)
            any_shown = any_shown or group_shown
        self.tree.setVisible(any_shown)
        self.empty.setVisible(not any_shown)
