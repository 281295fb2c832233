"""The conversation sidebar on its own: order and pins, lazy pages, filter,
inline rename, pin and delete from the keyboard and the context menu, undo strip."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.ui.widgets.conversation_list import PIN, ConversationRow
from desktop.ui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.gui

NOW = 1_780_000_000.0


def rows(count: int, pinned: frozenset[int] = frozenset()) -> list[ConversationRow]:
    """`count` conversations in list order: pinned first, then newest first."""
    made = [
        ConversationRow(i, f"Conversation number {i}", i in pinned, NOW - i * 60)
        for i in range(1, count + 1)
    ]
    return sorted(made, key=lambda r: (not r.pinned, -(r.updated or 0)))


class Source:
    """A fetch(offset, limit) over fixed rows that counts its calls."""

    def __init__(self, data: list[ConversationRow]) -> None:
        self.data = data
        self.calls: list[tuple[int, int]] = []

    def __call__(self, offset: int, limit: int) -> list[ConversationRow]:
        self.calls.append((offset, limit))
        return self.data[offset : offset + limit]


@pytest.fixture
def make_sidebar(qtbot: Any) -> Callable[..., Sidebar]:
    def make(**kwargs: Any) -> Sidebar:
        sidebar = Sidebar(None, **kwargs)
        qtbot.addWidget(sidebar)
        sidebar.resize(260, 500)
        sidebar.show()
        qtbot.waitExposed(sidebar)
        # Shortcuts only reach an active window (there is no window manager on Xvfb).
        sidebar.activateWindow()
        qtbot.waitUntil(sidebar.isActiveWindow, timeout=5000)
        return sidebar

    return make


def shown(sidebar: Sidebar) -> list[str]:
    proxy = sidebar.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def focus_row(qtbot: Any, sidebar: Sidebar, conv_id: int) -> None:
    sidebar.select(conv_id)
    sidebar.list.setFocus()
    qtbot.waitUntil(sidebar.list.hasFocus)


def test_order_pin_glyph_tooltip_and_silent_select(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar()
    data = [(7, "Pinned one", True), (3, "Newest", False, NOW), (2, "", False, NOW - 60)]
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        sidebar.set_conversations(data, 3)
    assert shown(sidebar) == [f"{PIN} Pinned one", "Newest", "New chat"]
    assert sidebar.ids() == [7, 3, 2]
    assert sidebar.current_id() == 3
    tip = sidebar.proxy.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Newest\nUpdated ")
    accessible = sidebar.proxy.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "Pinned: Pinned one"
    assert sidebar.list.textElideMode() == Qt.TextElideMode.ElideRight


def test_pin_glyph_is_in_dejavu_sans() -> None:
    raw = QRawFont.fromFont(QFont("DejaVu Sans"))
    assert raw.familyName() == "DejaVu Sans"
    assert raw.supportsCharacter(ord(PIN))


def test_choosing_a_row_emits_conversation_selected(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(r.id, r.title, r.pinned) for r in rows(5)], 1)
    focus_row(qtbot, sidebar, 1)
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Down)
    assert blocker.args == [2]


def test_lazy_pages_keep_ten_thousand_rows_fast(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    source = Source(rows(10_000))
    sidebar = make_sidebar(fetch=source)
    start = time.perf_counter()
    sidebar.reload(None)
    QApplication.processEvents()
    elapsed = time.perf_counter() - start
    assert source.calls[0] == (0, 200)
    assert sidebar.proxy.rowCount() <= 400  # a page or two, never everything
    assert elapsed < 0.5
    sidebar.list.scrollToBottom()
    qtbot.waitUntil(lambda: sidebar.proxy.rowCount() >= 400)
    assert (200, 200) in source.calls
    # Selecting a conversation far down loads the pages up to it.
    sidebar.reload(5_000)
    assert sidebar.current_id() == 5_000
    assert sidebar.proxy.rowCount() < 10_000


def test_set_conversations_then_fetch_continues_after_them(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    data = rows(450)
    source = Source(data)
    sidebar = make_sidebar(fetch=source)
    # Shown empty, the list has already asked for its first page by itself.
    assert source.calls == [(0, 200)]
    source.calls.clear()
    sidebar.set_conversations(data[:200], None)
    sidebar.list.scrollToBottom()
    qtbot.waitUntil(lambda: (200, 200) in source.calls)
    sidebar.model.fetch_all()
    assert source.calls == [(200, 200), (400, 5000)]
    assert sidebar.ids() == [r.id for r in data]


def test_filter_searches_every_title_and_keeps_the_selection(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar(fetch=Source(rows(1_000)))
    sidebar.reload(1)
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        qtbot.keyClicks(sidebar.filter_edit, "number 99")
    # 99 and 990-999: the last ones were not loaded before the filter asked.
    assert sidebar.ids() == [99, *range(990, 1000)]
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        qtbot.keyClick(sidebar.filter_edit, Qt.Key.Key_Escape)
    assert sidebar.filter_edit.text() == ""
    assert sidebar.current_id() == 1
    qtbot.keyClicks(sidebar.filter_edit, "number 42")
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(sidebar.filter_edit, Qt.Key.Key_Down)
    assert blocker.args == [42]
    assert sidebar.list.hasFocus()


def test_f2_renames_inline(qtbot: Any, make_sidebar: Callable[..., Sidebar]) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(1, "Old title", False), (2, "Other", False)], 1)
    focus_row(qtbot, sidebar, 1)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "Old title"
    editor.selectAll()
    qtbot.keyClicks(editor, "  Better   title ")
    with qtbot.waitSignal(sidebar.rename_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [1, "Better title"]
    assert shown(sidebar)[0] == "Better title"


def test_empty_or_unchanged_rename_is_ignored(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(1, "Keep", False)], 1)
    index = sidebar.proxy.index(0, 0)
    with qtbot.assertNotEmitted(sidebar.rename_requested):
        assert not sidebar.proxy.setData(index, "   ")
        assert not sidebar.proxy.setData(index, "Keep")
    assert shown(sidebar) == ["Keep"]


def test_menu_key_opens_the_context_menu_to_pin(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(4, "Pinned", True), (5, "Plain", False)], 5)
    focus_row(qtbot, sidebar, 5)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = sidebar.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["&Rename", "&Pin to top", "&Export", "&Delete"]
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        qtbot.keyClick(menu, Qt.Key.Key_P)
    assert blocker.args == [5, True]
    qtbot.waitUntil(lambda: not menu.isVisible())

    focus_row(qtbot, sidebar, 4)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Menu)
    menu = sidebar.menu
    qtbot.waitUntil(menu.isVisible)
    pin = [a for a in menu.actions() if "pin" in a.text().lower()][0]
    assert pin.text() == "Un&pin"
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        pin.trigger()
    assert blocker.args == [4, False]
    menu.close()


def test_context_menu_exports_renames_and_deletes(
    qtbot: Any, make_sidebar: Callable[..., Sidebar]
) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(8, "Eight", False)], 8)
    menu = sidebar.build_menu(8)
    actions = {a.text(): a for a in menu.actions()}
    export = {a.text(): a for a in actions["&Export"].menu().actions()}
    with qtbot.waitSignal(sidebar.export_requested) as blocker:
        export["&HTML…"].trigger()
    assert blocker.args == [8, "html"]
    with qtbot.waitSignal(sidebar.delete_requested) as blocker:
        actions["&Delete"].trigger()
    assert blocker.args == [8]
    actions["&Rename"].trigger()
    qtbot.waitUntil(lambda: sidebar.list.state() == sidebar.list.State.EditingState)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    menu.deleteLater()


def test_delete_key_requests_delete(qtbot: Any, make_sidebar: Callable[..., Sidebar]) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(1, "One", False), (2, "Two", False)], 2)
    focus_row(qtbot, sidebar, 2)
    with qtbot.waitSignal(sidebar.delete_requested) as blocker:
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Delete)
    assert blocker.args == [2]


def test_undo_strip_button_and_ctrl_z(qtbot: Any, make_sidebar: Callable[..., Sidebar]) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(1, "One", False)], 1)
    sidebar.show_undo("A very old conversation")
    assert sidebar.undo_strip.isVisible()
    assert "Deleted “A very old conversation”" in sidebar.undo_strip.label.text()
    assert sidebar.undo_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    with qtbot.waitSignal(sidebar.undo_requested):
        qtbot.mouseClick(sidebar.undo_button, Qt.MouseButton.LeftButton)
    assert not sidebar.undo_strip.isVisible()

    sidebar.show_undo("Again")
    focus_row(qtbot, sidebar, 1)
    with qtbot.waitSignal(sidebar.undo_requested):
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not sidebar.undo_strip.isVisible()
    # Nothing to undo once the strip is gone.
    with qtbot.assertNotEmitted(sidebar.undo_requested):
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_undo_strip_expires(qtbot: Any, make_sidebar: Callable[..., Sidebar]) -> None:
    sidebar = make_sidebar(undo_ms=50)
    sidebar.show_undo("Gone soon " * 20)
    label = sidebar.undo_strip.label.text()
    assert label.startswith("Deleted “Gone soon") and "…" in label
    with qtbot.waitSignal(sidebar.undo_expired, timeout=2000):
        pass
    assert not sidebar.undo_strip.isVisible()


def test_update_title_and_unknown_ids(qtbot: Any, make_sidebar: Callable[..., Sidebar]) -> None:
    sidebar = make_sidebar()
    sidebar.set_conversations([(1, "One", False)], None)
    assert sidebar.current_id() is None
    sidebar.update_title(1, "Renamed by the model")
    sidebar.update_title(99, "nobody")
    assert shown(sidebar) == ["Renamed by the model"]
    sidebar.select(99)
    assert sidebar.current_id() is None
    assert not sidebar.list.currentIndex().isValid()
    assert sidebar.model.rowCount(sidebar.model.index(0, 0)) == 0
    assert sidebar.model.data(QModelIndex()) is None
