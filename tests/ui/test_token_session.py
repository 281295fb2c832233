"""A whole session with a token typed into Settings: the token goes to the real
Secret Service (gnome-keyring in the test D-Bus session) and nowhere else."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.conftest import IN_CI

pytestmark = [pytest.mark.gui, pytest.mark.keyring]


def _secret_service() -> Any:
    from keyring.backends import SecretService

    try:
        SecretService.Keyring.priority  # noqa: B018 - raises when no service is reachable
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"no Secret Service reachable in CI: {exc}")
        pytest.skip(f"no Secret Service reachable: {exc}")
    return SecretService.Keyring()


def test_token_typed_in_settings_lives_only_in_keyring(
    qtbot: Any,
    isolated_dirs: dict[str, Path],
    fake_server: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from desktop.config.secrets import KeyringSecrets
    from desktop.config.settings import Settings
    from desktop.gui import create_main_window
    from desktop.store import Store
    from desktop.store.paths import default_db_path

    caplog.set_level(logging.DEBUG)
    backend = _secret_service()
    secrets = KeyringSecrets(backend)
    token = f"kr-{uuid.uuid4().hex}"
    environ = {"PARLEY_BASE_URL": fake_server.base_url}
    store = Store(default_db_path())
    window = create_main_window(store, Settings(), secrets, environ, first_run_dialog=True)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.settings_flow.dialog is not None, timeout=5000)
        dialog = window.settings_flow.dialog
        page = dialog.connection
        page.token_edit.setFocus()
        qtbot.keyClicks(page.token_edit, token)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        assert secrets.get("cloudflare") == token  # read back through the Secret Service

        fake_server.set_default("normal", answer="Hello from the fake server.")
        qtbot.waitUntil(lambda: window.view.is_ready, timeout=15000)
        window.composer.set_text("Hi")
        window.chat.send("Hi")
        qtbot.waitUntil(
            lambda: bool(fake_server.requests) and not window.composer.busy, timeout=15000
        )
        assert fake_server.requests[-1].headers["authorization"] == f"Bearer {token}"
        fake_server.set_default("http_401")
        window.chat.send("Again")
        qtbot.waitUntil(lambda: not window.composer.busy, timeout=15000)
        assert token not in window.banner.label.text()
        window.close()
    finally:
        store.close()
        secrets.delete("cloudflare")
    needle = token.encode()
    files = [p for d in isolated_dirs.values() for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "settings.toml" for p in files)
    assert [p for p in files if needle in p.read_bytes()] == []
    assert token not in caplog.text
