"""The About box: the app's name, version, what it is, and where it keeps things."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME, __version__


def kept_where() -> list[tuple[str, str]]:
    """What Parley keeps and where, as a person would look for it."""
    from desktop.config.settings import default_path
    from desktop.logs import log_path
    from desktop.store.paths import default_db_path

    return [
        ("History", str(default_db_path())),
        ("Settings", str(default_path())),
        ("Log", str(log_path())),
    ]


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText(f"<b>{escape(APP_NAME)} {escape(__version__)}</b>")
    places = "".join(f"<br>{name}: {escape(path)}" for name, path in kept_where())
    box.setInformativeText(
        "<p>A desktop chat client for the Responses API: Cloudflare Workers AI, "
        "OpenAI and local servers. Your API token stays in the system keyring.</p>"
        f"<p style='color: gray'>{places[4:]}</p>"
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
