"""Which conversation the window shows, and what is tied to that choice: the
question being edited and the settings chosen before a new conversation exists.
One object, so that every controller reads and changes the same state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class CurrentConversation(QObject):
    """Signals: changed(conv_id: int | None) — another conversation (or none, for a
    new chat) is now the one shown."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._id: int | None = None
        # The question being edited (its message id): sending makes it a new version.
        self.editing: int | None = None
        # Settings chosen in the panel for a conversation not created yet.
        self.pending_overrides: dict[str, Any] = {}

    @property
    def id(self) -> int | None:
        return self._id

    def set(self, conv_id: int | None) -> None:
        """Shows `conv_id` from now on; an edit in progress does not carry over."""
        self.editing = None
        if conv_id != self._id:
            self._id = conv_id
            self.changed.emit(conv_id)
