"""The "Parley Settings" dialog: connection profiles and token, model and
parameters, appearance — every field generated from the settings schema."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.config.secrets import SecretStore
from desktop.config.settings import Settings
from desktop.ui.widgets.settings.connection_page import ConnectionPage
from desktop.ui.widgets.settings.conversation_panel import ConversationSettingsPanel
from desktop.ui.widgets.settings.fields import InlineMessage
from desktop.ui.widgets.settings.schema_form import SchemaForm

__all__ = ["ConversationSettingsPanel", "SettingsDialog"]

MODEL_GROUPS = ("model", "sampling", "reasoning", "tools", "requests")
APPEARANCE_GROUPS = ("appearance",)
_PREVIEW = "The quick brown fox jumps over the lazy dog. \u222b e\u02e3 dx = e\u02e3 + C"


def _scrolling(page: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


class SettingsDialog(QDialog):
    """Edits a copy of the settings; OK/Apply validate, save `settings.toml`, write
    typed tokens to the secret store and emit `applied`. The window runs the
    connection test: it receives `test_requested` and answers `show_test_result`."""

    applied = Signal()
    # base_url, token (str or None), model
    test_requested = Signal(str, object, str)
    # Emitted on apply when the person chose to keep tokens for this session only:
    # the window should use this SessionSecrets from now on.
    secret_store_changed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        environ: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._announced_session = False
        self.setWindowTitle("Parley Settings")
        self.setObjectName("settingsDialog")
        self.setMinimumSize(760, 560)
        self.resize(860, 680)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(False)
        layout.addWidget(self.tabs, 1)

        self.connection = ConnectionPage(settings, secrets, environ, self.tabs)
        self.connection.test_clicked.connect(self._test_clicked)
        self.tabs.addTab(self.connection, "&Connection")

        self.model_form = SchemaForm(MODEL_GROUPS)
        self.tabs.addTab(_scrolling(self.model_form, self.tabs), "&Model && parameters")

        self.appearance_form = SchemaForm(APPEARANCE_GROUPS)
        preview_box = QGroupBox("Preview", self.appearance_form)
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(14, 10, 14, 14)
        self.preview = QLabel(_PREVIEW, preview_box)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Font size preview")
        preview_layout.addWidget(self.preview)
        appearance_layout = self.appearance_form.layout()
        assert isinstance(appearance_layout, QVBoxLayout)
        appearance_layout.insertWidget(appearance_layout.count() - 1, preview_box)
        self.appearance_form.changed.connect(self._update_preview)
        self.tabs.addTab(self.appearance_form, "A&ppearance")

        self.message = InlineMessage(self)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        layout.addWidget(self.buttons)

        for form in (self.model_form, self.appearance_form):
            form.changed.connect(self._refresh_validity)
        self.connection.changed.connect(self._refresh_validity)
        self._load()

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def apply_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Apply)

    @property
    def secret_store(self) -> SecretStore:
        """The store tokens are written to (the session store once chosen)."""
        return self.connection.store

    def _load(self) -> None:
        values = self._settings.values()
        self.model_form.set_values(values)
        self.appearance_form.set_values(values)
        self._update_preview()
        self._refresh_validity()

    def _update_preview(self) -> None:
        font = QFont(self.preview.font())
        font.setPointSize(int(self.appearance_form.values()["font_size"]))
        self.preview.setFont(font)

    def _error(self) -> str | None:
        return self.connection.error() or self.model_form.error() or self.appearance_form.error()

    def _refresh_validity(self) -> None:
        error = self._error()
        self.ok_button.setEnabled(error is None)
        self.apply_button.setEnabled(error is None)
        self.message.show_message(f"Not saved yet: {error}" if error else None)

    def _test_clicked(self, base_url: str, token: object) -> None:
        self.connection.set_testing(True)
        model = str(self.model_form.values()["model"])
        self.test_requested.emit(base_url, token, model)

    def show_test_result(self, ok: bool, message: str) -> None:
        """Slot for the window's answer to `test_requested`."""
        self.connection.show_result(ok, message)

    def apply(self) -> bool:
        """Validate and save everything; False (dialog stays open) on a problem."""
        error = self._error()
        if error is not None:
            self.message.show_message(error)
            return False
        values = {**self.model_form.values(), **self.appearance_form.values()}
        try:
            self._settings.update(values)
        except ValueError as exc:
            self.message.show_message(str(exc))
            return False
        if not self.connection.apply(self._settings):
            return False
        try:
            self._settings.save()
        except OSError as exc:
            # Disk full, read-only home: the person must know nothing was saved.
            self.message.show_message(f"Settings could not be saved: {exc.strerror or exc}.")
            return False
        self.message.show_message(None)
        session = self.connection.session_store()
        if session is not None and not self._announced_session:
            self._announced_session = True
            self.secret_store_changed.emit(session)
        self.applied.emit()
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()
