"""The conversation list's model: rows loaded a page at a time from a `fetch`
callable, pinned ones on top; titles, tooltips and the roles the side bar and its
filter read. No widgets here (see sidebar.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.ui.widgets.plain import plain_tip

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1
PINNED_ROLE = Qt.ItemDataRole.UserRole + 2
TITLE_ROLE = Qt.ItemDataRole.UserRole + 3
PAGE_SIZE = 200
BULK_PAGE_SIZE = 5000
# U+26B2 looks like a push-pin seen from the side and is in DejaVu Sans, unlike
# the emoji pin, which is tofu on machines without a colour emoji font.
PIN = "\u26b2"
UNTITLED = "New chat"

AnyIndex = QModelIndex | QPersistentModelIndex
Fetch = Callable[[int, int], Sequence[Any]]


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """One line of the list. `updated` is Unix seconds, shown in the tooltip."""

    id: int
    title: str
    pinned: bool
    updated: float | None = None


def to_row(item: Any) -> ConversationRow:
    """A row from a tuple (id, title, pinned[, updated]) or a store `Conversation`."""
    if isinstance(item, ConversationRow):
        return item
    if isinstance(item, tuple):
        updated = item[3] if len(item) > 3 else None
        return ConversationRow(int(item[0]), str(item[1]), bool(item[2]), updated)
    return ConversationRow(int(item.id), str(item.title), bool(item.pinned), item.updated)


def tooltip(row: ConversationRow) -> str:
    title = row.title or UNTITLED
    if row.updated is None:
        return title
    return f"{title}\nUpdated {datetime.fromtimestamp(row.updated):%Y-%m-%d %H:%M}"


class ConversationListModel(QAbstractListModel):
    """The conversations, in the order given; fetches further pages on demand.

    Editing a title changes it here at once and emits `rename_requested`.
    """

    rename_requested = Signal(int, str)

    def __init__(
        self, parent: QWidget | None = None, fetch: Fetch | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._page = page_size
        self._rows: list[ConversationRow] = []
        self._where: dict[int, int] = {}
        self._exhausted = fetch is None

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = row.title or UNTITLED
            return f"{PIN} {title}" if row.pinned else title
        if role in (Qt.ItemDataRole.EditRole, TITLE_ROLE):
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(tooltip(row))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ("Pinned: " if row.pinned else "") + (row.title or UNTITLED)
        if role == ID_ROLE:
            return row.id
        if role == PINNED_ROLE:
            return row.pinned
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        title = " ".join(str(value).split())
        row = self._rows[index.row()]
        if not title or title == row.title:
            return False
        self._rows[index.row()] = replace(row, title=title)
        self.dataChanged.emit(index, index)
        self.rename_requested.emit(row.id, title)
        return True

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex) -> None:
        if not parent.isValid():
            self._fetch_page(self._page)

    def _fetch_page(self, limit: int) -> None:
        if self._exhausted or self._fetch is None:
            return
        found = [to_row(item) for item in self._fetch(len(self._rows), limit)]
        self._exhausted = len(found) < limit
        fresh = [row for row in found if row.id not in self._where]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, row in enumerate(fresh):
            self._where[row.id] = first + offset
        self._rows.extend(fresh)
        self.endInsertRows()

    # ------------------------------------------------------------- our API
    def reset(self, rows: Sequence[Any], more: bool) -> None:
        """Replace every row; `more` says whether `fetch` may have further pages."""
        self.beginResetModel()
        self._rows = [to_row(item) for item in rows]
        self._where = {row.id: n for n, row in enumerate(self._rows)}
        self._exhausted = self._fetch is None or not more
        self.endResetModel()

    def reload(self) -> None:
        """Start again from the first page of `fetch`."""
        if self._fetch is None:
            return
        first = self._fetch(0, self._page)
        self.reset(first, more=len(first) >= self._page)

    def fetch_all(self) -> None:
        """Load every remaining row (the filter needs every title), in big pages:
        each page's OFFSET costs the store a walk over the rows before it."""
        while self.canFetchMore(QModelIndex()):
            self._fetch_page(BULK_PAGE_SIZE)

    def fetch_until(self, conv_id: int) -> bool:
        """Load pages until `conv_id` is among the rows; False if it never is."""
        while conv_id not in self._where and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
        return conv_id in self._where

    def row_of(self, conv_id: int) -> int | None:
        return self._where.get(conv_id)

    def conversation(self, conv_id: int) -> ConversationRow | None:
        where = self._where.get(conv_id)
        return None if where is None else self._rows[where]

    def update_title(self, conv_id: int, title: str) -> None:
        """Show a new title (e.g. an automatic one) without reloading."""
        where = self._where.get(conv_id)
        if where is not None:
            self._rows[where] = replace(self._rows[where], title=title)
            index = self.index(where, 0)
            self.dataChanged.emit(index, index)
