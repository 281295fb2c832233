"""The About box says where Parley keeps history, settings and its log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui


def test_about_names_where_things_are_kept(qtbot: Any, isolated_dirs: dict[str, Path]) -> None:
    from desktop.logs import log_path
    from desktop.ui.widgets.about import show_about

    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_about(parent)
    text = box.informativeText()
    assert f"Log: {log_path()}" in text
    assert "History: " in text and "history.sqlite3" in text
    assert "settings.toml" in text
    box.close()
