"""The message box's hint: the keyboard help only where it fits on the line."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.ui.widgets.composer import PLACEHOLDER, PLACEHOLDER_SHORT, Composer

pytestmark = pytest.mark.gui


def test_placeholder_shortens_when_the_box_is_narrow(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(900, 80)
    composer.show()
    qtbot.waitExposed(composer)
    qtbot.waitUntil(lambda: composer.editor.placeholderText() == PLACEHOLDER, timeout=2000)
    composer.resize(300, 80)
    qtbot.waitUntil(lambda: composer.editor.placeholderText() == PLACEHOLDER_SHORT, timeout=2000)
    composer.resize(900, 80)
    qtbot.waitUntil(lambda: composer.editor.placeholderText() == PLACEHOLDER, timeout=2000)
