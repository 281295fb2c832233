"""Connects the settings dialog to the window: opens it (on request and on a
first start with no token), runs its connection test on a worker thread, and
re-applies appearance and connection when settings change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    # The dialog and the API client are imported when the dialog first opens.
    from desktop.api.events import Reply
    from desktop.config.secrets import SecretStore
    from desktop.config.settings import Settings
    from desktop.config.window_config import SecretsHolder
    from desktop.ui.widgets.settings_dialog import SettingsDialog
    from desktop.workers import Failure, WorkerHandle

TEST_PROMPT = "Reply with the single word: OK"


class SettingsFlow(QObject):
    def __init__(
        self,
        parent: QWidget,
        settings: Settings,
        secrets: SecretsHolder,
        environ: Mapping[str, str],
        on_applied: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self._parent, self._on_applied = parent, on_applied
        # What the dialog edits and reads the token through.
        self._settings, self._secrets, self._environ = settings, secrets, environ
        self._test: WorkerHandle | None = None
        self.dialog: SettingsDialog | None = None

    def open(self) -> SettingsDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        from desktop.ui.widgets.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, self._secrets.store, self._environ, self._parent)
        dialog.applied.connect(self._on_applied)
        dialog.secret_store_changed.connect(self._use_secrets)
        dialog.test_requested.connect(self._run_test)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        # open(), not exec(): window-modal without a nested event loop.
        dialog.open()
        return dialog

    def _closed(self) -> None:
        if self._test is not None:
            self._test.stop()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def _use_secrets(self, store: SecretStore) -> None:
        self._secrets.store = store

    def _run_test(self, base_url: str, token: object, model: str) -> None:
        if self._test is not None:
            self._test.stop()
        from desktop.workers import start_response

        body = {"model": model, "input": TEST_PROMPT, "max_output_tokens": 16, "stream": False}
        handle = start_response(base_url, token if isinstance(token, str) else None, body, self)
        handle.worker.finished.connect(self._test_ok)
        handle.worker.failed.connect(self._test_failed)
        self._test = handle
        handle.start()

    def _test_ok(self, reply: Reply) -> None:
        self._test = None
        if self.dialog is not None:
            model = reply.model or "the model"
            self.dialog.show_test_result(True, f"Connected: {model} answered.")

    def _test_failed(self, failure: Failure) -> None:
        self._test = None
        if self.dialog is not None and failure.kind != "cancelled":
            self.dialog.show_test_result(False, failure.message)

    def shutdown(self) -> None:
        if self._test is not None:
            self._test.stop()
            self._test.join(2000)
