"""The per-conversation settings panel in its dock (part of MainWindow): built the
first time it is shown (~60 ms that start-up does not pay), then kept in step with
the open conversation, whose overrides it edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDockWidget, QScrollArea

from desktop.ui.window_parts import WindowParts


class PanelMixin(WindowParts):
    """Needs `panel_dock`, `_panel_factory` and `_panel` (None until built)."""

    panel_dock: QDockWidget
    _panel_factory: Callable[[], Any] | None
    _panel: Any

    @property
    def panel(self) -> Any:
        """The per-conversation settings panel, built on first use (None when the
        window was made without one)."""
        if self._panel is None and self._panel_factory is not None:
            panel = self._panel_factory()
            scroller = QScrollArea(self.panel_dock)
            scroller.setWidgetResizable(True)
            scroller.setAccessibleName("This conversation's settings")
            scroller.setWidget(panel)
            # Wide enough for the panel and the vertical scroll bar: never a
            # horizontal one, and no field cut off at the edge.
            bar = scroller.verticalScrollBar().sizeHint().width()
            scroller.setMinimumWidth(
                panel.minimumSizeHint().width() + bar + 2 * scroller.frameWidth()
            )
            self.panel_dock.setWidget(scroller)
            panel.changed.connect(self._overrides_changed)
            self._panel = panel
            self._load_overrides(self._current)
        return self._panel

    def _toggle_panel(self) -> None:
        visible = not self.panel_dock.isVisible()
        panel = self.panel if visible else None
        self.panel_dock.setVisible(visible)
        if panel is not None:
            panel.setFocus()

    def _load_overrides(self, conv_id: int | None) -> None:
        # Not built yet: it reads the conversation's overrides when it is.
        if self._panel is None:
            return
        self._panel.refresh_globals()
        if conv_id is None:
            self._panel.set_overrides(self._pending_overrides)
        else:
            self._panel.set_overrides(self._store.conversation_settings(conv_id))

    def _overrides_changed(self) -> None:
        overrides = self._panel.overrides()
        if self._current is None:
            self._pending_overrides = overrides
        else:
            self._store.set_conversation_settings(self._current, overrides)
        self._update_model_label()
