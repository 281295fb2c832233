"""Starts the Qt application (placeholder until the chat window lands)."""

from __future__ import annotations


def run_gui(args: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(["parley", *args])
    label = QLabel("Parley")
    label.setWindowTitle("Parley")
    label.show()
    return app.exec()
