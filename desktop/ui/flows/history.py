"""History commands of the window: search across conversations, rename, pin,
delete with undo, export and import. It answers the side bar's signals with store
calls and says through its own signals what the window should show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop.store.errors import StoreError

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.ui.flows.current import CurrentConversation
    from desktop.ui.widgets.banner import Banner
    from desktop.ui.widgets.sidebar import Sidebar
    from desktop.ui.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)


class HistoryFlow(QObject):
    """Signals: list_changed() — titles, pins or the set of conversations changed;
    open_requested(conv_id); message_requested(conv_id, message_id) — a search hit;
    sidebar_wanted() — the side bar must be shown (to rename in place)."""

    list_changed = Signal()
    open_requested = Signal(int)
    message_requested = Signal(int, int)
    sidebar_wanted = Signal()

    def __init__(
        self,
        current: CurrentConversation,
        store: Store,
        sidebar: Sidebar,
        banner: Banner,
        status: StatusBar,
        is_dark: Callable[[], bool],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._parent, self._current, self._store = parent, current, store
        self._sidebar, self._banner, self._status = sidebar, banner, status
        self._is_dark = is_dark  # exports in HTML follow the window's theme
        self._last_deleted: int | None = None

    def commands(self) -> dict[str, Callable[[], None]]:
        """The window's commands (see widgets/actions.py) this flow answers."""
        return {
            "search": self.search,
            "rename": self.rename_current,
            "pin": self.toggle_pin_current,
            "export_markdown": lambda: self.export_current("markdown"),
            "export_html": lambda: self.export_current("html"),
            "export_json": lambda: self.export_current("json"),
            "import_json": self.import_conversation,
        }

    # ----------------------------------------------------------- the list
    def rename(self, conv_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self._store.rename_conversation(conv_id, title)
        self.list_changed.emit()

    def rename_current(self) -> None:
        current = self._current.id
        if current is None:
            return
        if not self._sidebar.isVisible():
            self.sidebar_wanted.emit()
        self._sidebar.rename(current)

    def pin(self, conv_id: int, pinned: bool) -> None:
        self._store.set_pinned(conv_id, pinned)
        self.list_changed.emit()

    def toggle_pin_current(self) -> None:
        current = self._current.id
        if current is not None:
            self.pin(current, not self._store.conversation(current).pinned)

    def deleted(self, conv_id: int, title: str) -> None:
        """Called by the window after a soft delete: offer Undo."""
        if self._last_deleted is not None and self._last_deleted != conv_id:
            self.forget_deleted()
        self._last_deleted = conv_id
        self._sidebar.show_undo(title or "New chat")

    def undo_delete(self) -> None:
        if self._last_deleted is None:
            return
        conv_id, self._last_deleted = self._last_deleted, None
        self._store.undelete_conversation(conv_id)
        self.list_changed.emit()
        self.open_requested.emit(conv_id)

    def forget_deleted(self) -> None:
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
        from desktop.ui.widgets.search_dialog import SearchDialog

        dialog = SearchDialog(lambda query: self._store.search(query, 50), self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hit_chosen.connect(self.message_requested)
        dialog.open()

    # ------------------------------------------------------ export, import
    def export_current(self, fmt: str) -> None:
        current = self._current.id
        if current is None:
            self._status.showMessage("Open a conversation to export it.", 4000)
            return
        self.export(current, fmt)

    def export(self, conv_id: int, fmt: str) -> None:
        from desktop.ui.widgets.export_dialogs import export_dialog

        try:
            data = self._store.export_conversation(conv_id)
        except StoreError as error:
            self._banner.show_message(error.user_message, kind="warn")
            return
        dialog = export_dialog(self._parent, data["conversation"]["title"], fmt)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.write_export(data, fmt, Path(path)))
        dialog.open()

    def write_export(self, data: dict[str, Any], fmt: str, path: Path) -> bool:
        from desktop.exporting import export_html, export_json, export_markdown

        if fmt == "html":
            text = export_html(data, dark=self._is_dark())
        elif fmt == "json":
            text = export_json(data)
        else:
            text = export_markdown(data)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self._banner.show_message(
                f"The conversation could not be saved to {path.name}: "
                f"{error.strerror or error}. Choose another place.",
                kind="warn",
            )
            return False
        self._status.showMessage(f"Exported to {path}", 5000)
        return True

    def import_conversation(self) -> None:
        from desktop.ui.widgets.export_dialogs import import_dialog

        dialog = import_dialog(self._parent)
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
            self._banner.show_message(error.user_message, kind="warn")
            return None
        except (OSError, UnicodeDecodeError) as error:
            self._banner.show_message(
                f"{path.name} could not be read ({error}); choose a Parley JSON export.",
                kind="warn",
            )
            return None
        self.list_changed.emit()
        self.open_requested.emit(conversation.id)
        self._status.showMessage(f"Imported “{conversation.title}”.", 5000)
        if left_out:
            count = "one attachment" if len(left_out) == 1 else f"{len(left_out)} attachments"
            self._banner.show_message(
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
