"""Per-conversation overrides of the model, instructions and parameters: each
field inherits the global setting until its box is ticked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.config.schema import SETTINGS, validate
from desktop.config.settings import Settings
from desktop.ui.widgets.settings.fields import Field, make_field
from desktop.ui.widgets.settings.schema_form import new_form


class ConversationSettingsPanel(QWidget):
    """`overrides()` holds only the ticked fields (a None value means "not set"
    for this conversation); `changed` fires on every edit. The global values are
    shown, greyed out, for fields that inherit."""

    changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.fields: dict[str, Field] = {}
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        intro = QLabel(
            "Tick a field to override the global setting for this conversation only.", self
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        holder = QWidget(self)
        form: QFormLayout = new_form(holder)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A side panel is narrow: each override's tick box above its field.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        for s in SETTINGS:
            if not s.per_conversation:
                continue
            box = QCheckBox(s.label, holder)
            box.setToolTip(f"Override for this conversation. {s.help}")
            box.setAccessibleName(f"Override {s.label.lower()}")
            field = make_field(s, holder, compact=True)
            field.setEnabled(False)
            box.toggled.connect(lambda on, k=s.key: self._toggled(k, on))
            field.changed.connect(self._field_changed)
            form.addRow(box, field)
            self.boxes[s.key] = box
            self.fields[s.key] = field
        layout.addWidget(holder)
        layout.addStretch(1)
        self._loading = False
        self.refresh_globals()

    def refresh_globals(self) -> None:
        """Show the current global values in the fields that inherit them."""
        values = self._settings.values()
        self._loading = True
        for key, field in self.fields.items():
            if not self.boxes[key].isChecked():
                field.set_value(values[key])
        self._loading = False

    def _toggled(self, key: str, on: bool) -> None:
        self.fields[key].setEnabled(on)
        if not on:
            self._loading = True
            self.fields[key].set_value(self._settings.get(key))
            self._loading = False
        if not self._loading:
            self.changed.emit()

    def _field_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def overrides(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, box in self.boxes.items():
            field = self.fields[key]
            if box.isChecked() and field.error() is None:
                result[key] = field.value()
        return result

    def set_overrides(self, overrides: Mapping[str, Any]) -> None:
        """Show a conversation's overrides; unknown or invalid entries are left out."""
        self._loading = True
        for key, box in self.boxes.items():
            present = key in overrides
            value = overrides.get(key)
            if present:
                try:
                    value = validate(self.fields[key].setting, value)
                except ValueError:
                    # Saved by an older version with other limits: inherit instead.
                    present = False
            box.setChecked(present)
            self.fields[key].setEnabled(present)
            self.fields[key].set_value(value if present else self._settings.get(key))
        self._loading = False
