"""The About box: the app's name, version and what it is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME, __version__


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText(f"<b>{APP_NAME} {__version__}</b>")
    box.setInformativeText(
        "A desktop chat client for the Responses API: Cloudflare Workers AI, "
        "OpenAI and local servers. Your API token stays in the system keyring."
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
