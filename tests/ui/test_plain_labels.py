"""Text from the server, the model or files is shown as text: a `<b>` or `<img>` in an
error, a title or a file name is never rendered (Qt labels and tooltips default to
rendering anything that looks like markup)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui

HOSTILE = '<b>Your token was revoked</b> <img src="file:///etc/x.png"> <a href="x">here</a>'


def _drawn(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters Qt shows for `text` in a label of format `fmt` or a tooltip."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def _label_shows(label: QLabel) -> str:
    return _drawn(label.text(), label.textFormat())


def test_status_bar_labels_show_server_text_as_text(qtbot: Any) -> None:
    from desktop.ui.widgets.status_bar import StatusBar

    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.error(HOSTILE)
    bar.set_model(HOSTILE)
    assert [_label_shows(bar.state_label), _label_shows(bar.model_label)] == [HOSTILE] * 2


def test_connection_test_result_field_messages_and_search_status_show_text(qtbot: Any) -> None:
    from desktop.ui.widgets.settings.connection_form import ConnectionForm
    from desktop.ui.widgets.settings.fields import InlineMessage

    message = InlineMessage()
    qtbot.addWidget(message)
    message.show_message(HOSTILE)
    from desktop.config.secrets import SessionSecrets

    form = ConnectionForm(SessionSecrets(), {})
    qtbot.addWidget(form)
    form.test_result.setText(HOSTILE)
    from desktop.ui.widgets.search_dialog import SearchDialog

    search = SearchDialog(lambda _query: [])
    qtbot.addWidget(search)
    search.status.setText(HOSTILE)
    labels = [message, form.test_result, search.status]
    assert [_label_shows(label) for label in labels] == [HOSTILE] * 3


def test_tooltips_and_names_from_titles_and_files_show_text(qtbot: Any) -> None:
    from desktop.store.models import SearchHit
    from desktop.ui.widgets.attachment_strip import Chip, _ChipWidget
    from desktop.ui.widgets.conversation_list import ConversationListModel, ConversationRow
    from desktop.ui.widgets.search_dialog import SearchHitModel
    from desktop.ui.widgets.sidebar import UndoStrip

    tip = Qt.ItemDataRole.ToolTipRole
    conversations = ConversationListModel()
    conversations.reset([ConversationRow(1, HOSTILE, False)], more=False)
    hits = SearchHitModel()
    hits.set_hits([SearchHit(1, 2, HOSTILE, "assistant", "text", 0.0)])  # type: ignore[arg-type]
    undo = UndoStrip()
    qtbot.addWidget(undo)
    undo.show_for(HOSTILE)
    chip = _ChipWidget(Chip(HOSTILE, "text"), undo)
    name = [label for label in chip.findChildren(QLabel) if label.text().startswith("<b>")]
    shown = [
        _drawn(conversations.data(conversations.index(0), tip)),
        _drawn(hits.data(hits.index(0), tip)),
        _drawn(undo.label.toolTip()),
        _drawn(chip.toolTip())[: len(HOSTILE)],
        _label_shows(name[0]),
    ]
    assert shown[:4] == [HOSTILE] * 4
    assert "<b>" in shown[4]  # (elided in the middle, but as text)
