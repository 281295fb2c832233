"""History commands of the window: search across conversations, rename, pin,
delete with undo, export and import. The window owns the widgets; this class
answers their signals with store calls and tells the window what to show."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from desktop.store.errors import StoreError

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class HistoryFlow(QObject):
    def __init__(self, window: MainWindow, store: Store) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._last_deleted: int | None = None
        sidebar = window.sidebar
        sidebar.rename_requested.connect(self.rename)
        sidebar.pin_requested.connect(self.pin)
        sidebar.export_requested.connect(self.export)
        sidebar.undo_requested.connect(self.undo_delete)
        sidebar.undo_expired.connect(self._forget_deleted)

    # ----------------------------------------------------------- the list
    def rename(self, conv_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self._store.rename_conversation(conv_id, title)
        self._window.refresh_list()

    def rename_current(self) -> None:
        current = self._window.current_conversation
        if current is None:
            return
        if not self._window.sidebar.isVisible():
            self._window.toggle_sidebar()
        self._window.sidebar.rename(current)

    def pin(self, conv_id: int, pinned: bool) -> None:
        self._store.set_pinned(conv_id, pinned)
        self._window.refresh_list()

    def toggle_pin_current(self) -> None:
        current = self._window.current_conversation
        if current is not None:
            self.pin(current, not self._store.conversation(current).pinned)

    def deleted(self, conv_id: int, title: str) -> None:
        """Called by the window after a soft delete: offer Undo."""
        if self._last_deleted is not None and self._last_deleted != conv_id:
            self._forget_deleted()
        self._last_deleted = conv_id
        self._window.sidebar.show_undo(title or "New chat")

    def undo_delete(self) -> None:
        if self._last_deleted is None:
            return
        conv_id, self._last_deleted = self._last_deleted, None
        self._store.undelete_conversation(conv_id)
        self._window.refresh_list()
        self._window.open_conversation(conv_id)

    def _forget_deleted(self) -> None:
        # Undo is no longer offered: remove the conversation and its files for good.
        if self._last_deleted is None:
            return
        conv_id, self._last_deleted = self._last_deleted, None
        try:
            self._store.purge_conversation(conv_id)
        except StoreError as error:
            log.warning("could not purge conversation %s: %s", conv_id, error)

    # -------------------------------------------------------------- search
    def search(self) -> None:
        from desktop.ui.search_dialog import SearchDialog

        dialog = SearchDialog(lambda query: self._store.search(query, 50), self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hit_chosen.connect(self._window.open_message)
        dialog.open()

    # ------------------------------------------------------ export, import
    def export_current(self, fmt: str) -> None:
        current = self._window.current_conversation
        if current is None:
            self._window.status.showMessage("Open a conversation to export it.", 4000)
            return
        self.export(current, fmt)

    def export(self, conv_id: int, fmt: str) -> None:
        from desktop.ui.export_dialogs import export_dialog

        try:
            data = self._store.export_conversation(conv_id)
        except StoreError as error:
            self._window.banner.show_message(error.user_message, kind="warn")
            return
        dialog = export_dialog(self._window, data["conversation"]["title"], fmt)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.write_export(data, fmt, Path(path)))
        dialog.open()

    def write_export(self, data: dict[str, Any], fmt: str, path: Path) -> bool:
        from desktop.exporting import export_html, export_json, export_markdown

        if fmt == "html":
            text = export_html(data, dark=self._window.is_dark)
        elif fmt == "json":
            text = export_json(data)
        else:
            text = export_markdown(data)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self._window.banner.show_message(
                f"The conversation could not be saved to {path.name}: "
                f"{error.strerror or error}. Choose another place.",
                kind="warn",
            )
            return False
        self._window.status.showMessage(f"Exported to {path}", 5000)
        return True

    def import_conversation(self) -> None:
        from desktop.ui.export_dialogs import import_dialog

        dialog = import_dialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.read_import(Path(path)))
        dialog.open()

    def read_import(self, path: Path) -> int | None:
        from desktop.exporting import import_json

        try:
            data = import_json(path.read_text(encoding="utf-8"))
            left_out = _drop_refused(data)
            conversation = self._store.import_conversation(data)
        except StoreError as error:
            self._window.banner.show_message(error.user_message, kind="warn")
            return None
        except (OSError, UnicodeDecodeError) as error:
            self._window.banner.show_message(
                f"{path.name} could not be read ({error}); choose a Parley JSON export.",
                kind="warn",
            )
            return None
        self._window.refresh_list()
        self._window.open_conversation(conversation.id)
        self._window.status.showMessage(f"Imported “{conversation.title}”.", 5000)
        if left_out:
            count = "one attachment" if len(left_out) == 1 else f"{len(left_out)} attachments"
            self._window.banner.show_message(
                f"The conversation was imported without {count}: {left_out[0]}", kind="warn"
            )
        return conversation.id


def _drop_refused(data: dict[str, Any]) -> list[str]:
    """Removes from import data the attachments that attaching them would refuse
    (the same size and megapixel limits); returns why, a sentence each."""
    from desktop.attachments import AttachmentError, check_limits
    from desktop.store.attachments import from_export

    reasons: list[str] = []
    for message in data["messages"]:
        kept = []
        for item in message.get("attachments") or ():
            try:
                check_limits(from_export(item))
            except AttachmentError as refused:
                reasons.append(refused.user_message)
                continue
            kept.append(item)
        if kept:
            message["attachments"] = kept
        else:
            message.pop("attachments", None)
    return reasons
