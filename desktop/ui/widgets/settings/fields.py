"""Editors generated from a `Setting` declaration (type -> widget), each with its
hover text, accessible name and an inline message for refused or invalid input."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.config.schema import Setting, range_message, validate

INT_LIMIT = 2_147_483_647


def describe(widget: QWidget, s: Setting, name: str | None = None) -> None:
    """Hover text and accessible name/description straight from the schema."""
    widget.setToolTip(s.help)
    widget.setAccessibleName(name or s.label)
    widget.setAccessibleDescription(s.help)


class InlineMessage(QLabel):
    """The sentence shown under a field when its input is refused or invalid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inlineMessage")
        self.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self.setWordWrap(True)
        self.setStyleSheet("color: #d13438;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.hide()

    def show_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
        self.setAccessibleName(text or "")


def _out_of_range(spin: QSpinBox | QDoubleSpinBox, text: str) -> bool:
    cleaned = text.replace(spin.locale().groupSeparator(), "").strip()
    cleaned = cleaned.replace(spin.locale().decimalPoint(), ".")
    try:
        number = float(cleaned)
    except ValueError:
        return False
    return not spin.minimum() <= number <= spin.maximum()


def _report(spin: QSpinBox | QDoubleSpinBox, result: object, text: str) -> None:
    """Tell the field about input the spin box refuses (invalid keystrokes, or a
    number outside the range that Qt would silently undo) and input it accepts."""
    state = result[0] if isinstance(result, tuple) else result
    if state == QValidator.State.Invalid or (
        state == QValidator.State.Intermediate and _out_of_range(spin, text)
    ):
        spin.refused.emit(text)  # type: ignore[union-attr]
    elif state == QValidator.State.Acceptable:
        spin.accepted_text.emit()  # type: ignore[union-attr]


class _RefusingDoubleSpin(QDoubleSpinBox):
    """A spin box that says when it refused input instead of staying silent."""

    refused = Signal(str)
    accepted_text = Signal()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        result = super().validate(text, pos)
        _report(self, result, text)
        return result


class _RefusingSpin(QSpinBox):
    refused = Signal(str)
    accepted_text = Signal()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        result = super().validate(text, pos)
        _report(self, result, text)
        return result


class Field(QWidget):
    """Base of every generated editor: `value()`/`set_value()`, `changed`, and an
    inline message. `error()` is not None while the current input is unusable."""

    changed = Signal()

    def __init__(self, s: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = s
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setSpacing(8)
        self._outer.addLayout(self.row)
        self.message = InlineMessage(self)
        self._outer.addWidget(self.message)
        self._error: str | None = None

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def main_control(self) -> QWidget:
        """The control a label's mnemonic and keyboard focus go to."""
        raise NotImplementedError

    def error(self) -> str | None:
        return self._error

    def _set_error(self, text: str | None) -> None:
        self._error = text
        self.message.show_message(text)

    def _emit(self) -> None:
        self.changed.emit()


class BoolField(Field):
    def __init__(self, s: Setting, parent: QWidget | None = None, text: str | None = None) -> None:
        super().__init__(s, parent)
        self.check = QCheckBox(text if text is not None else s.label, self)
        describe(self.check, s)
        self.check.toggled.connect(self._emit)
        self.row.addWidget(self.check)
        self.row.addStretch(1)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))

    def main_control(self) -> QWidget:
        return self.check


class ChoiceField(Field):
    """A combo box of the declared choices; optional settings get a "not set" entry
    first. An optional bool is shown this way too (not set / yes / no)."""

    def __init__(self, s: Setting, parent: QWidget | None = None) -> None:
        super().__init__(s, parent)
        self.combo = QComboBox(self)
        describe(self.combo, s)
        if s.optional:
            self.combo.addItem(s.unset_label, None)
        if s.type is bool:
            self.combo.addItem(s.choice_label("true"), True)
            self.combo.addItem(s.choice_label("false"), False)
        else:
            for choice in s.choices or ():
                self.combo.addItem(s.choice_label(choice), choice)
        self.combo.currentIndexChanged.connect(self._emit)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumWidth(180)
        self.row.addWidget(self.combo)
        self.row.addStretch(1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))

    def main_control(self) -> QWidget:
        return self.combo


class ModelField(Field):
    """An editable combo: known models as suggestions, any name may be typed."""

    def __init__(self, s: Setting, parent: QWidget | None = None) -> None:
        super().__init__(s, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(s.choices or ()))
        self.combo.setMinimumWidth(260)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        describe(self.combo, s)
        line = self.combo.lineEdit()
        assert line is not None  # the combo box is editable
        line.setAccessibleName(s.label)
        line.setPlaceholderText("e.g. openai/gpt-5.4-pro")
        self.combo.editTextChanged.connect(self._check)
        self.row.addWidget(self.combo)

    def _check(self) -> None:
        try:
            validate(self.setting, self.combo.currentText())
            self._set_error(None)
        except ValueError as exc:
            self._set_error(str(exc))
        self._emit()

    def value(self) -> str:
        return self.combo.currentText().strip()

    def set_value(self, value: Any) -> None:
        self.combo.setEditText(str(value))

    def main_control(self) -> QWidget:
        return self.combo


class TextField(Field):
    def __init__(self, s: Setting, parent: QWidget | None = None, lines: int = 7) -> None:
        super().__init__(s, parent)
        self.edit: QPlainTextEdit | QLineEdit
        if s.multiline:
            edit = QPlainTextEdit(self)
            # Tab must move focus, or keyboard users are trapped in the editor.
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("None: the model's own default behaviour.")
            metrics = edit.fontMetrics()
            edit.setFixedHeight(metrics.lineSpacing() * lines + 12)
            edit.textChanged.connect(self._emit)
            self.edit = edit
        else:
            line = QLineEdit(self)
            line.textChanged.connect(self._emit)
            self.edit = line
        describe(self.edit, s)
        self.row.addWidget(self.edit)

    def value(self) -> str:
        if isinstance(self.edit, QPlainTextEdit):
            return self.edit.toPlainText()
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def main_control(self) -> QWidget:
        return self.edit


class NumberField(Field):
    """A spin box (plus a slider for bounded floats). Optional numbers have a
    "Model default" box: ticked means not set. Keystrokes outside the declared
    range are refused, with a message saying why."""

    def __init__(self, s: Setting, parent: QWidget | None = None) -> None:
        super().__init__(s, parent)
        self.default_box: QCheckBox | None = None
        if s.optional:
            self.default_box = QCheckBox(s.unset_label, self)
            describe(self.default_box, s, f"{s.label}: {s.unset_label.lower()}")
            self.default_box.setChecked(True)
            self.default_box.toggled.connect(self._default_toggled)
            self.row.addWidget(self.default_box)
        self.slider: QSlider | None = None
        self.spin: _RefusingDoubleSpin | _RefusingSpin
        minimum = s.minimum if s.minimum is not None else 0
        maximum = s.maximum if s.maximum is not None else INT_LIMIT
        if s.type is float:
            spin = _RefusingDoubleSpin(self)
            spin.setDecimals(2)
            spin.setSingleStep(s.step)
            spin.setRange(float(minimum), float(maximum))
            self.spin = spin
            self._steps = round((maximum - minimum) / s.step)
            self.slider = QSlider(Qt.Orientation.Horizontal, self)
            self.slider.setRange(0, self._steps)
            self.slider.setMinimumWidth(160)
            describe(self.slider, s, f"{s.label} slider")
            self.slider.valueChanged.connect(self._slider_moved)
            self.row.addWidget(self.slider, 1)
        else:
            spin_int = _RefusingSpin(self)
            spin_int.setRange(int(minimum), int(min(maximum, INT_LIMIT)))
            spin_int.setGroupSeparatorShown(True)
            self.spin = spin_int
        self.spin.setKeyboardTracking(True)
        self.spin.setMinimumWidth(90)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        describe(self.spin, s)
        self.spin.valueChanged.connect(self._spin_changed)
        self.spin.refused.connect(self._refused)
        self.spin.accepted_text.connect(lambda: self._set_error(None))
        self.row.addWidget(self.spin)
        if self.slider is None:
            self.row.addStretch(1)
        start = next((v for v in (s.default, s.suggested) if v is not None), minimum)
        self._set_spin(min(max(start, minimum), maximum))
        self._sync_slider()
        self._default_toggled(self.default_box.isChecked() if self.default_box else False)

    def _refused(self, text: str) -> None:
        self._set_error(range_message(self.setting))

    def _spin_changed(self) -> None:
        self._set_error(None)
        self._sync_slider()
        self._emit()

    def _sync_slider(self) -> None:
        if self.slider is None:
            return
        minimum = self.setting.minimum or 0.0
        position = round((self.spin.value() - minimum) / self.setting.step)
        self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(False)

    def _slider_moved(self, position: int) -> None:
        minimum = self.setting.minimum or 0.0
        self._set_spin(minimum + position * self.setting.step)

    def _set_spin(self, value: float) -> None:
        if isinstance(self.spin, _RefusingSpin):
            self.spin.setValue(int(value))
        else:
            self.spin.setValue(value)

    def _default_toggled(self, unset: bool) -> None:
        self.spin.setEnabled(not unset)
        if self.slider is not None:
            self.slider.setEnabled(not unset)
        self._set_error(None)
        self._emit()

    def value(self) -> float | int | None:
        if self.default_box is not None and self.default_box.isChecked():
            return None
        if self.setting.type is float:
            return round(float(self.spin.value()), 2)
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        if self.default_box is not None:
            self.default_box.setChecked(value is None)
        if value is not None:
            self.spin.setValue(value)

    def main_control(self) -> QWidget:
        return self.default_box if self.default_box is not None else self.spin


def make_field(s: Setting, parent: QWidget | None = None, compact: bool = False) -> Field:
    """The editor for a declaration: bool -> check box, choices -> combo box (with
    "not set" for optional ones), open choices -> editable combo, numbers ->
    spin box (+ slider for floats), text -> line or multi-line editor."""
    if s.type is bool and s.optional:
        return ChoiceField(s, parent)
    if s.type is bool:
        return BoolField(s, parent, text="Enabled" if compact else None)
    if s.open_choices:
        return ModelField(s, parent)
    if s.choices is not None:
        return ChoiceField(s, parent)
    if s.type in (int, float):
        return NumberField(s, parent)
    if s.type is str:
        return TextField(s, parent, lines=4 if compact else 7)
    raise TypeError(f"no editor for setting {s.key!r}")
