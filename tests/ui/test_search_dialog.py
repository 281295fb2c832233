"""The search-everything dialog: debounced search as one types, escaped and
highlighted snippets, keyboard choice of a hit, and a real store behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.store import Store
from desktop.store.errors import StoreError
from desktop.store.models import Role, SearchHit
from desktop.store.paths import default_db_path
from desktop.store.search import HIGHLIGHT_END, HIGHLIGHT_START
from desktop.ui.widgets.search_dialog import HTML_ROLE, SearchDialog

pytestmark = pytest.mark.gui


def hit(conv: int, message: int, title: str = "Title", snippet: str = "text") -> SearchHit:
    return SearchHit(conv, message, title, Role.ASSISTANT, snippet, 1_780_000_000.0)


class Recorder:
    """A search callable returning fixed hits and recording the queries."""

    def __init__(self, hits: Sequence[SearchHit] = ()) -> None:
        self.hits = list(hits)
        self.queries: list[str] = []

    def __call__(self, text: str) -> list[SearchHit]:
        self.queries.append(text)
        return self.hits


@pytest.fixture
def make_dialog(qtbot: Any) -> Callable[..., SearchDialog]:
    def make(search: Callable[[str], Sequence[SearchHit]], **kwargs: Any) -> SearchDialog:
        dialog = SearchDialog(search, None, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()  # never exec(): a modal loop would block the test
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        qtbot.waitUntil(dialog.edit.hasFocus)
        return dialog

    return make


def test_results_follow_typing_after_a_short_pause(
    qtbot: Any, make_dialog: Callable[..., SearchDialog]
) -> None:
    search = Recorder([hit(1, 10), hit(2, 20)])
    dialog = make_dialog(search, delay_ms=400)
    assert dialog.status.text() == "Type to search every conversation."
    # Keystrokes arrive as separate edits; none of them searches at once. (Typed as
    # two quick edits rather than six key clicks, so a loaded CI machine cannot
    # pause longer than the debounce in the middle of the word.)
    dialog.edit.insert("pyt")
    dialog.edit.insert("hon")
    assert search.queries == []  # debounced: nothing yet while typing
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=2000)
    assert search.queries == ["python"]  # one search for the whole word
    assert dialog.status.text() == "2 messages found."
    assert dialog.current_hit() == search.hits[0]
    dialog.edit.clear()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=2000)
    assert search.queries == ["python"]  # an empty field does not search


def test_snippet_is_highlighted_and_everything_else_escaped(
    make_dialog: Callable[..., SearchDialog],
) -> None:
    snippet = f"before <b>bold</b> {HIGHLIGHT_START}match{HIGHLIGHT_END} & after"
    dialog = make_dialog(Recorder([hit(1, 1, title="<i>Title</i>", snippet=snippet)]))
    dialog.set_query("match")
    dialog.search_now()
    rich = dialog.model.index(0, 0).data(HTML_ROLE)
    assert "&lt;i&gt;Title&lt;/i&gt;" in rich
    assert "&lt;b&gt;bold&lt;/b&gt;" in rich
    assert '<span style="background-color:' in rich and ">match</span>" in rich
    assert "&amp; after" in rich
    assert "<i>" not in rich and "<b>bold" not in rich
    accessible = dialog.model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "<i>Title</i>, Assistant: before <b>bold</b> match & after"
    # The rich-text delegate paints without complaint.
    assert not dialog.results.grab().isNull()


def test_up_down_and_enter_choose_a_hit(
    qtbot: Any, make_dialog: Callable[..., SearchDialog]
) -> None:
    dialog = make_dialog(Recorder([hit(1, 10), hit(2, 20), hit(3, 30)]))
    qtbot.keyClicks(dialog.edit, "x")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)  # runs the pending search first
    assert dialog.current_hit() == hit(2, 20)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)  # stays on the last
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Up)
    assert dialog.current_hit() == hit(2, 20)
    assert dialog.edit.hasFocus()
    with qtbot.waitSignal(dialog.hit_chosen) as blocker:
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert blocker.args == [2, 20]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_enter_in_the_results_list_chooses_too(
    qtbot: Any, make_dialog: Callable[..., SearchDialog]
) -> None:
    dialog = make_dialog(Recorder([hit(1, 10), hit(2, 20)]))
    qtbot.keyClicks(dialog.edit, "x")
    dialog.search_now()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Tab)
    assert dialog.results.hasFocus()  # tab order: field, then results
    qtbot.keyClick(dialog.results, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.hit_chosen) as blocker:
        qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert blocker.args == [2, 20]


def test_escape_closes_without_choosing(
    qtbot: Any, make_dialog: Callable[..., SearchDialog]
) -> None:
    dialog = make_dialog(Recorder([hit(1, 10)]))
    qtbot.keyClicks(dialog.edit, "x")
    with qtbot.assertNotEmitted(dialog.hit_chosen):
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_enter_without_hits_keeps_the_dialog_open(
    qtbot: Any, make_dialog: Callable[..., SearchDialog]
) -> None:
    dialog = make_dialog(Recorder([]))
    qtbot.keyClicks(dialog.edit, "nothing")
    with qtbot.assertNotEmitted(dialog.hit_chosen):
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.status.text() == "No messages match."


def test_store_failure_is_shown_in_the_dialog(make_dialog: Callable[..., SearchDialog]) -> None:
    def failing(_text: str) -> list[SearchHit]:
        raise StoreError("Your history could not be read.")

    dialog = make_dialog(failing)
    dialog.set_query("x")
    dialog.search_now()
    assert dialog.status.text() == "Your history could not be read."
    assert dialog.model.rowCount() == 0


def test_accessible_names(make_dialog: Callable[..., SearchDialog]) -> None:
    dialog = make_dialog(Recorder())
    assert dialog.windowTitle() == "Search conversations"
    assert dialog.edit.accessibleName() == "Search text"
    assert dialog.results.accessibleName() == "Search results"
    assert dialog.status.accessibleName() == "Search status"


def test_against_a_real_store(
    qtbot: Any, isolated_dirs: dict[str, Path], make_dialog: Callable[..., SearchDialog]
) -> None:
    with Store(default_db_path()) as store:
        first = store.create_conversation("Physics")
        question = store.add_user_message(first.id, "What is quantum tunnelling?")
        second = store.create_conversation("Cooking <b>tips</b>")
        store.add_user_message(second.id, "How long do I boil an egg?")
        dialog = make_dialog(lambda text: store.search(text, 50))
        qtbot.keyClicks(dialog.edit, "quant")
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
        rich = dialog.model.index(0, 0).data(HTML_ROLE)
        assert "<b>Physics</b>" in rich and ">quantum</span>" in rich
        with qtbot.waitSignal(dialog.hit_chosen) as blocker:
            qtbot.keyClick(dialog.edit, Qt.Key.Key_Enter)
        assert blocker.args == [first.id, question.id]
