"""The declared commands: no key does two things, every command can be reached
from the keyboard, and the shortcut sheet shows exactly the keys the actions
have."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from PySide6.QtCore import SIGNAL, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from desktop.ui.widgets.actions import (
    ACTIONS,
    COMPOSER_KEYS,
    MENUS,
    SPECS_BY_ID,
    build_actions,
    key_sequences,
    plain_text,
    spec_of,
    unhandled,
)
from desktop.ui.widgets.command_palette import action_entries
from desktop.ui.widgets.shortcut_sheet import COMPOSER_GROUP, ShortcutSheet

pytestmark = pytest.mark.gui

NATIVE = QKeySequence.SequenceFormat.NativeText
PORTABLE = QKeySequence.SequenceFormat.PortableText


def key_owners() -> dict[str, list[str]]:
    """Portable key text -> ids of the actions bound to it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for spec in ACTIONS:
        for sequence in key_sequences(spec):
            owners[sequence.toString(PORTABLE)].append(spec.id)
    return owners


def composer_key_texts() -> dict[str, str]:
    """Portable key text -> the action allowed to share it ("" for none)."""
    return {
        QKeySequence(key).toString(PORTABLE): composer_key.same_as
        for composer_key in COMPOSER_KEYS
        for key in composer_key.keys
    }


def test_declarations_are_well_formed(qapp: Any) -> None:
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(spec.menu in MENUS for spec in ACTIONS)
    assert all(spec.help for spec in ACTIONS)
    for spec in ACTIONS:
        for sequence in key_sequences(spec):
            assert not sequence.isEmpty(), spec.id
            assert sequence.count() == 1, f"{spec.id}: chords are hard to discover"
    assert {ck.same_as for ck in COMPOSER_KEYS} - {""} <= set(SPECS_BY_ID)


def test_no_two_actions_share_a_key(qapp: Any) -> None:
    shared = {key: ids for key, ids in key_owners().items() if len(ids) > 1}
    assert shared == {}


def test_composer_keys_are_left_to_the_composer(qapp: Any) -> None:
    """Enter, Shift+Enter, Up and the page keys belong to the message box; Esc
    may only be Stop, which means the same thing there."""
    owners = key_owners()
    for key, allowed in composer_key_texts().items():
        for owner in owners.get(key, []):
            assert owner == allowed, f"{key} is the composer's, yet bound to {owner}"
    assert owners["Esc"] == ["stop"]


def test_issue_7_keys_are_bound(qapp: Any) -> None:
    expected = {
        "new": "Ctrl+N",
        "settings": "Ctrl+,",
        "focus_composer": "Ctrl+L",
        "stop": "Esc",
        "regenerate": "Ctrl+R",
        "copy_answer": "Ctrl+Shift+C",
        "copy_code": "Ctrl+Shift+K",
        "previous_conversation": "Ctrl+PgUp Ctrl+Shift+Tab",
        "next_conversation": "Ctrl+PgDown Ctrl+Tab",
        "search": "Ctrl+Shift+F",
        "find": "Ctrl+F",
        "find_next": "F3",
        "find_previous": "Shift+F3",
        "rename": "F2",
        "toggle_sidebar": "Ctrl+B",
        "zoom_in": "Ctrl+=",
        "zoom_out": "Ctrl+-",
        "zoom_reset": "Ctrl+0",
        "scroll_top": "Ctrl+Home",
        "scroll_bottom": "Ctrl+End",
        "palette": "Ctrl+K Ctrl+Shift+P",
        "shortcuts": "F1 Ctrl+/",
        "quit": "Ctrl+Q",
        "conversation_settings": "Ctrl+Shift+,",
    }
    for action_id, keys in expected.items():
        bound = {s.toString(PORTABLE) for s in key_sequences(SPECS_BY_ID[action_id])}
        assert set(keys.split()) <= bound, action_id
    assert key_sequences(SPECS_BY_ID["delete_conversation"]) == []  # Delete is the list's


def test_unhandled_lists_ids_without_a_handler() -> None:
    assert unhandled({}) == [spec.id for spec in ACTIONS]
    assert unhandled({spec.id: print for spec in ACTIONS}) == []
    assert "about" in unhandled({"new": print})


def test_actions_without_handlers_are_built_inert(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    hits: list[str] = []
    actions = build_actions(parent, {"new": lambda: hits.append("new")})
    assert list(actions) == [spec.id for spec in ACTIONS]
    actions["about"].trigger()
    actions["new"].trigger()
    assert hits == ["new"]
    assert spec_of(actions["find"]) is SPECS_BY_ID["find"]
    assert plain_text(actions["find"]) == "Find in Conversation…"


def test_every_action_has_a_key_or_a_palette_row(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = build_actions(parent, {})
    in_palette = {entry.action for entry in action_entries(list(actions.values()))}
    for action_id, action in actions.items():
        assert action.shortcuts() or action in in_palette, action_id
    # The palette lists every command but itself (it is open already).
    assert {a for a in actions.values() if a not in in_palette} == {actions["palette"]}


def wired(action: QAction) -> bool:
    """True if something besides the menus showing the action listens to it
    (a QMenu connects to `triggered` of every action it holds)."""
    menus = [obj for obj in action.associatedObjects() if isinstance(obj, QMenu)]
    return action.receivers(SIGNAL("triggered(bool)")) > len(menus)


def test_every_action_is_wired(make_window: Any) -> None:
    window = make_window()
    assert [aid for aid, action in window.actions_by_id.items() if not wired(action)] == []


# ------------------------------------------------------------ shortcut sheet


def make_sheet(qtbot: Any, window: Any) -> ShortcutSheet:
    sheet = ShortcutSheet(list(window.actions_by_id.values()), window)
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    # A window manager would activate it; Xvfb has none.
    sheet.activateWindow()
    qtbot.waitUntil(sheet.isActiveWindow, timeout=5000)
    return sheet


def test_sheet_lists_exactly_the_shortcuts_of_the_actions(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    sheet = make_sheet(qtbot, window)
    expected = []
    for action in window.actions_by_id.values():
        if action.shortcuts():
            spec = spec_of(action)
            assert spec is not None
            keys = ", ".join(s.toString(NATIVE) for s in action.shortcuts())
            expected.append((spec.menu, plain_text(action), keys))
    rows = sheet.rows()
    action_rows = [row for row in rows if row[0] != COMPOSER_GROUP]
    assert sorted(action_rows) == sorted(expected)
    # Grouped in menu order.
    groups = list(dict.fromkeys(group for group, _command, _keys in rows))
    assert groups == [m for m in MENUS if any(r[0] == m for r in expected)] + [COMPOSER_GROUP]
    composer_rows = [row for row in rows if row[0] == COMPOSER_GROUP]
    assert [command for _g, command, _k in composer_rows] == [ck.help for ck in COMPOSER_KEYS]


def test_sheet_follows_a_changed_shortcut(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.actions_by_id["about"].setShortcut(QKeySequence("Ctrl+Shift+F12"))
    sheet = make_sheet(qtbot, window)
    assert ("Help", "About Parley", "Ctrl+Shift+F12") in sheet.rows()


def test_sheet_filters_by_command_or_key_and_esc_closes(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    sheet = make_sheet(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sheet.filter, timeout=3000)
    qtbot.keyClicks(sheet.filter, "zoom")
    assert [command for _g, command, _k in sheet.rows()] == ["Zoom In", "Zoom Out"]
    sheet.filter.clear()
    qtbot.keyClicks(sheet.filter, "ctrl+k")
    assert [command for _g, command, _k in sheet.rows()] == ["Command Palette…"]
    sheet.filter.clear()
    qtbot.keyClicks(sheet.filter, "pgup")
    assert [command for _g, command, _k in sheet.rows()] == [
        "Previous Conversation",
        "Scroll the conversation up",
    ]
    sheet.filter.clear()
    qtbot.keyClicks(sheet.filter, "qqqq")
    assert sheet.rows() == []
    assert sheet.empty.isVisibleTo(sheet)
    sheet.filter.clear()
    assert len(sheet.rows()) > 20
    qtbot.keyClick(sheet.filter, Qt.Key.Key_Escape)
    assert not sheet.isVisible()
