"""File dialogs for exporting and importing conversations, and for attaching files.

Qt's own (non-native) dialog is used: it is fully keyboard-driven, looks the same
on every desktop and can be driven by tests. `export_dialog`/`import_dialog`
build a dialog without showing it; the window can `open()` one and connect
`fileSelected`. `choose_export_path`/`choose_import_path` are the blocking
one-call forms.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.exporting import FORMATS, suggested_filename

FILTERS = {
    "markdown": "Markdown (*.md)",
    "html": "Web page (*.html *.htm)",
    "json": "Parley conversation (*.json)",
}
LABELS = {"markdown": "Markdown", "html": "HTML", "json": "JSON"}


def _start_dir(directory: Path | None) -> str:
    if directory is not None and directory.is_dir():
        return str(directory)
    documents = Path.home() / "Documents"
    return str(documents if documents.is_dir() else Path.home())


ATTACH_FILTERS = [
    "Images, PDF and text files (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.txt *.md "
    "*.py *.js *.ts *.json *.csv *.html *.css *.c *.h *.cpp *.rs *.go *.java *.sh "
    "*.toml *.yaml *.yml *.xml *.sql)",
    "All files (*)",
]


def attach_dialog(parent: QWidget | None) -> QFileDialog:
    """An Open dialog for files to send with the next question."""
    dialog = QFileDialog(parent, "Attach files")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setNameFilters(ATTACH_FILTERS)
    return dialog


def export_dialog(
    parent: QWidget | None, title: str, fmt: str, directory: Path | None = None
) -> QFileDialog:
    """A Save dialog for exporting the conversation `title` as `fmt`
    ("markdown", "html" or "json"), with a file name already filled in."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    dialog = QFileDialog(parent, f"Export conversation as {LABELS[fmt]}", _start_dir(directory))
    dialog.setObjectName("exportDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(FILTERS[fmt])
    dialog.setDefaultSuffix(FORMATS[fmt].lstrip("."))
    dialog.selectFile(suggested_filename(title, fmt))
    return dialog


def import_dialog(parent: QWidget | None, directory: Path | None = None) -> QFileDialog:
    """An Open dialog for a Parley JSON export."""
    dialog = QFileDialog(parent, "Import conversation", _start_dir(directory))
    dialog.setObjectName("importDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([FILTERS["json"], "All files (*)"])
    return dialog


def _chosen(dialog: QFileDialog) -> Path | None:
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return None
        files = dialog.selectedFiles()
        return Path(files[0]) if files else None
    finally:
        dialog.deleteLater()


def choose_export_path(parent: QWidget | None, title: str, fmt: str) -> Path | None:
    """Ask where to save an export (blocks until answered); None if cancelled."""
    return _chosen(export_dialog(parent, title, fmt))


def choose_import_path(parent: QWidget | None) -> Path | None:
    """Ask for a JSON export to import (blocks until answered); None if cancelled."""
    return _chosen(import_dialog(parent))
