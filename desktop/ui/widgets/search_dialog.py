"""Search every conversation: a field and the matching messages, updated as one
types; Enter opens the chosen message.

The search runs on the GUI thread, a short moment after the last key press:
the store's full-text search takes a few milliseconds, far less than a thread
hand-off would be worth. Snippets come from the store with matches marked and
everything else escaped (`snippet_html`); titles are escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.store import SearchHit, snippet_html
from desktop.store.errors import StoreError
from desktop.ui.widgets.plain import plain_tip

DEBOUNCE_MS = 120
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System"}
# Qt's rich text has no <mark>; a background colour says the same. The text
# colour is fixed too, so a match stays readable on a selected (dark) row.
MARK_LIGHT = "background-color:#fff3a3; color:#1f2328"
MARK_DARK = "background-color:#6b5a12; color:#f4f4f4"
PADDING = 6

AnyIndex = QModelIndex | QPersistentModelIndex
Search = Callable[[str], Sequence[SearchHit]]


def hit_html(hit: SearchHit, mark: str) -> str:
    """Rich text for one result: title, who wrote it and when, then the snippet."""
    title = html.escape(hit.conversation_title or "New chat")
    who = ROLE_NAMES.get(str(hit.role), str(hit.role).title())
    when = f"{datetime.fromtimestamp(hit.created):%Y-%m-%d}"
    snippet = snippet_html(hit.snippet).replace("<mark>", f'<span style="{mark}">')
    snippet = snippet.replace("</mark>", "</span>")
    return f"<b>{title}</b> &nbsp;·&nbsp; {html.escape(who)} · {when}<br>{snippet}"


def hit_text(hit: SearchHit) -> str:
    """The same as plain text, for screen readers."""
    plain = snippet_html(hit.snippet).replace("<mark>", "").replace("</mark>", "")
    who = ROLE_NAMES.get(str(hit.role), str(hit.role).title())
    return f"{hit.conversation_title or 'New chat'}, {who}: {html.unescape(plain)}"


class SearchHitModel(QAbstractListModel):
    """The hits of the last search, in the store's order (newest first)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._html: list[str | None] = []
        self.mark = MARK_LIGHT

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        # Built when a row is first painted: most of the 50 hits never are.
        self._html = [None] * len(self._hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return hit_text(hit)
        if role == HTML_ROLE:
            rich = self._html[index.row()]
            if rich is None:
                rich = self._html[index.row()] = hit_html(hit, self.mark)
            return rich
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(hit.conversation_title)
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's HTML_ROLE rich text: three lines at most, clipped."""

    LINES = 3

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = self._document(opt, str(index.data(HTML_ROLE) or ""))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        rect = opt.rect.adjusted(PADDING, PADDING // 2, -PADDING, -PADDING // 2)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        lines = option.fontMetrics.lineSpacing() * self.LINES
        return QSize(200, lines + PADDING * 2)

    @staticmethod
    def _document(option: QStyleOptionViewItem, text: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setHtml(text)
        doc.setTextWidth(max(10, option.rect.width() - PADDING * 2))
        return doc


class _QueryEdit(QLineEdit):
    """The search field: Up, Down, Page Up and Page Down move in the results."""

    navigate = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        if event.key() in keys:
            self.navigate.emit(int(event.key()))
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    """Searches as one types and reports the chosen message.

    `search(text)` returns the hits (e.g. `lambda q: store.search(q, 50)`).
    Signals: hit_chosen(conversation_id, message_id), then the dialog closes.
    Open it with `open()` or `show()`; Esc closes it.
    """

    hit_chosen = Signal(int, int)

    def __init__(
        self, search: Search, parent: QWidget | None = None, delay_ms: int = DEBOUNCE_MS
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._searched: str | None = None
        self.setWindowTitle("Search conversations")
        self.setObjectName("searchDialog")
        self.setAccessibleName("Search conversations")
        self.resize(620, 460)

        self.edit = _QueryEdit(self)
        self.edit.setPlaceholderText("Search every conversation")
        self.edit.setAccessibleName("Search text")
        self.edit.setAccessibleDescription(
            "Results follow as you type; Up and Down choose one, Enter opens it"
        )
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel("Type to search every conversation.", self)
        self.status.setObjectName("searchStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it may show a store error
        self.status.setAccessibleName("Search status")
        self.model = SearchHitModel(self)
        self.model.mark = MARK_DARK if self._is_dark() else MARK_LIGHT
        self.results = QListView(self)
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status.setBuddy(self.edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        QWidget.setTabOrder(self.edit, self.results)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.search_now)
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self.choose_current)
        self.edit.navigate.connect(self._navigate)
        self.results.activated.connect(lambda _index: self.choose_current())
        self.edit.setFocus()

    def set_query(self, text: str) -> None:
        """Put `text` in the field (results follow after the debounce delay)."""
        self.edit.setText(text)

    def search_now(self) -> None:
        """Run the search for the field's text at once (no-op if already shown)."""
        self._timer.stop()
        text = self.edit.text()
        if text == self._searched:
            return
        self._searched = text
        if not text.strip():
            self.model.set_hits([])
            self.status.setText("Type to search every conversation.")
            return
        try:
            hits = self._search(text)
        except StoreError as error:
            # The history file can fail under us (disk, another process);
            # say so here rather than losing the dialog to an exception.
            self.model.set_hits([])
            self.status.setText(error.user_message)
            return
        self.model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
            count = len(hits)
            self.status.setText(f"{count} message{'s' if count != 1 else ''} found.")
        else:
            self.status.setText("No messages match.")

    def hits(self) -> list[SearchHit]:
        return [self.model.hit(row) for row in range(self.model.rowCount())]

    def current_hit(self) -> SearchHit | None:
        index = self.results.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def choose_current(self) -> None:
        """Emit `hit_chosen` for the current result and close; nothing if none."""
        self.search_now()
        hit = self.current_hit()
        if hit is None:
            return
        self.hit_chosen.emit(hit.conversation_id, hit.message_id)
        self.accept()

    def _navigate(self, key: int) -> None:
        self.search_now()
        if not self.model.rowCount():
            return
        row = self.results.currentIndex().row()
        last = self.model.rowCount() - 1
        page = max(1, self.results.viewport().height() // max(1, self.results.sizeHintForRow(0)))
        step = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -page,
            Qt.Key.Key_PageDown: page,
        }[Qt.Key(key)]
        row = min(last, max(0, row + step))
        self.results.setCurrentIndex(self.model.index(row, 0))

    def _is_dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128
