"""A page of group boxes generated from the schema: one row per declared setting
of the chosen groups, in declaration order, so a new setting needs no UI code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config.schema import GROUP_TITLES, SETTINGS, setting
from desktop.ui.widgets.settings.fields import BoolField, Field, TextField, describe, make_field


def new_form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    return form


def field_label(field: Field, parent: QWidget) -> QLabel:
    label = QLabel(field.setting.label, parent)
    label.setBuddy(field.main_control())
    label.setToolTip(field.setting.help)
    if field.setting.multiline:
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(0, 4, 0, 0)
    else:
        # Line the label up with the control, not with the inline message below it.
        label.setMinimumHeight(field.main_control().sizeHint().height())
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


class PresetBar(QWidget):
    """Named instructions: pick one to load it into the editor, or type a name and
    save the current instructions under it."""

    changed = Signal()

    def __init__(self, instructions: TextField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._instructions = instructions
        self._presets: list[dict[str, str]] = []
        s = setting("instruction_presets")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setPlaceholderText("Preset name")
        describe(self.combo, s)
        line.setAccessibleName("Preset name")
        self.combo.activated.connect(self._load)
        self.save_button = QPushButton("Save as preset", self)
        self.save_button.setToolTip("Keep the instructions above under the name typed here.")
        self.save_button.clicked.connect(self._save)
        self.delete_button = QPushButton("Delete preset", self)
        self.delete_button.setToolTip("Delete the preset with the name typed here.")
        self.delete_button.clicked.connect(self._delete)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)

    def presets(self) -> tuple[dict[str, str], ...]:
        return tuple(dict(p) for p in self._presets)

    def set_presets(self, presets: Iterable[Mapping[str, str]]) -> None:
        self._presets = [dict(p) for p in presets]
        self._refill("")

    def _refill(self, current: str) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([p["name"] for p in self._presets])
        self.combo.setEditText(current)
        self.combo.blockSignals(False)

    def _load(self, index: int) -> None:
        if 0 <= index < len(self._presets):
            self._instructions.set_value(self._presets[index]["text"])

    def _save(self) -> None:
        name = self.combo.currentText().strip()
        if not name:
            self.combo.setFocus()
            return
        preset = {"name": name, "text": self._instructions.value()}
        for i, existing in enumerate(self._presets):
            if existing["name"] == name:
                self._presets[i] = preset
                break
        else:
            self._presets.append(preset)
        self._refill(name)
        self.changed.emit()

    def _delete(self) -> None:
        name = self.combo.currentText().strip()
        self._presets = [p for p in self._presets if p["name"] != name]
        self._refill("")
        self.changed.emit()


class SchemaForm(QWidget):
    """Group boxes for `groups`, each a form of generated fields."""

    changed = Signal()

    def __init__(self, groups: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, Field] = {}
        self.presets: PresetBar | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 16, 16, 16)
        outer.setSpacing(14)
        for group in groups:
            box = QGroupBox(GROUP_TITLES[group], self)
            form = new_form(box)
            for s in SETTINGS:
                if s.group != group or s.custom_editor:
                    continue
                field = make_field(s, box)
                field.changed.connect(self.changed)
                self.fields[s.key] = field
                if isinstance(field, BoolField):
                    form.addRow("", field)
                else:
                    form.addRow(field_label(field, box), field)
                if s.key == "instructions" and isinstance(field, TextField):
                    self.presets = PresetBar(field, box)
                    self.presets.changed.connect(self.changed)
                    preset_label = QLabel("Presets", box)
                    preset_label.setBuddy(self.presets.combo)
                    form.addRow(preset_label, self.presets)
            outer.addWidget(box)
        outer.addStretch(1)

    def values(self) -> dict[str, Any]:
        values = {key: field.value() for key, field in self.fields.items()}
        if self.presets is not None:
            values["instruction_presets"] = self.presets.presets()
        return values

    def set_values(self, values: Mapping[str, Any]) -> None:
        for key, field in self.fields.items():
            field.set_value(values[key])
        if self.presets is not None:
            self.presets.set_presets(values["instruction_presets"])

    def error(self) -> str | None:
        return next((f.error() for f in self.fields.values() if f.error()), None)
