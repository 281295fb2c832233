"""Text from the server, the model or files, shown in widgets exactly as it is.

Qt renders any label or tooltip that looks like markup (its default AutoText), so a
conversation title or file name holding `<b>` or `<img src=…>` would be drawn as rich
text; labels showing such text use `Qt.TextFormat.PlainText`, tooltips `plain_tip`.
"""

from __future__ import annotations

from PySide6.QtGui import Qt


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` literally (a tooltip has no text format of its own)."""
    if not Qt.mightBeRichText(text):
        return text
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
