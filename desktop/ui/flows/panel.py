"""The per-conversation settings panel in its dock: built the first time it is shown
(~60 ms that start-up does not pay), then kept in step with the open conversation,
whose overrides it edits (those of a conversation not created yet are kept aside
until it is)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QScrollArea

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.ui.flows.current import CurrentConversation
    from desktop.ui.widgets.settings.conversation_panel import ConversationSettingsPanel


class PanelFlow(QObject):
    """Signals: changed() — the open conversation's settings changed."""

    changed = Signal()

    def __init__(
        self,
        dock: QDockWidget,
        factory: Callable[[], ConversationSettingsPanel] | None,
        current: CurrentConversation,
        store: Store,
    ) -> None:
        super().__init__(dock)
        self._dock, self._factory = dock, factory
        self._current, self._store = current, store
        self._panel: ConversationSettingsPanel | None = None
        current.changed.connect(self._load_overrides)

    @property
    def built(self) -> bool:
        return self._panel is not None

    @property
    def panel(self) -> ConversationSettingsPanel | None:
        """The panel, built on first use (None when the window has none)."""
        if self._panel is None and self._factory is not None:
            panel = self._factory()
            scroller = QScrollArea(self._dock)
            scroller.setWidgetResizable(True)
            scroller.setAccessibleName("This conversation's settings")
            scroller.setWidget(panel)
            # Wide enough for the panel and the vertical scroll bar: never a
            # horizontal one, and no field cut off at the edge.
            bar = scroller.verticalScrollBar().sizeHint().width()
            scroller.setMinimumWidth(
                panel.minimumSizeHint().width() + bar + 2 * scroller.frameWidth()
            )
            self._dock.setWidget(scroller)
            panel.changed.connect(self._overrides_changed)
            self._panel = panel
            self._load_overrides(self._current.id)
        return self._panel

    def toggle(self) -> None:
        visible = not self._dock.isVisible()
        panel = self.panel if visible else None
        self._dock.setVisible(visible)
        if panel is not None:
            panel.setFocus()

    def refresh_globals(self) -> None:
        """The global settings changed: the panel shows them as the defaults."""
        if self._panel is not None:
            self._panel.refresh_globals()

    def _load_overrides(self, conv_id: int | None) -> None:
        # Not built yet: it reads the conversation's overrides when it is.
        if self._panel is None:
            return
        panel = self._panel
        panel.refresh_globals()
        if conv_id is None:
            panel.set_overrides(self._current.pending_overrides)
        else:
            panel.set_overrides(self._store.conversation_settings(conv_id))

    def _overrides_changed(self) -> None:
        if self._panel is None:
            return
        overrides = self._panel.overrides()
        if self._current.id is None:
            self._current.pending_overrides = overrides
        else:
            self._store.set_conversation_settings(self._current.id, overrides)
        self.changed.emit()
