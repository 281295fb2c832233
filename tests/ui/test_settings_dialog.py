"""The settings dialog through its widgets: round trip of every field, inline
refusal of bad input, Cancel, tokens only on OK, environment overrides, the
connection test hand-off and keyboard-only use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.config.profiles import Profiles
from desktop.config.secrets import KeyringSecrets, SessionSecrets
from desktop.config.settings import Settings
from desktop.ui.widgets.settings.fields import (
    BoolField,
    ChoiceField,
    ModelField,
    NumberField,
    TextField,
)
from desktop.ui.widgets.settings_dialog import ConversationSettingsPanel, SettingsDialog

pytestmark = pytest.mark.gui


ACCOUNT = "0123456789abcdef0123456789abcdef"

NEW_VALUES: dict[str, Any] = {
    "model": "gpt-4.1",
    "instructions": "Answer like a pirate.",
    "temperature": 0.35,
    "top_p": 0.9,
    "max_output_tokens": 2048,
    "reasoning_effort": "xhigh",
    "reasoning_summary": "detailed",
    "text_verbosity": "low",
    "web_search": True,
    "tool_choice": "required",
    "max_tool_calls": 4,
    "image_detail": "high",
    "stream": False,
    "store": False,
    "use_previous_response_id": True,
    "theme": "dark",
    "font_size": 20,
}


@pytest.fixture
def settings(isolated_dirs: dict[str, Path]) -> Settings:
    return Settings()


@pytest.fixture
def secrets() -> SessionSecrets:
    return SessionSecrets()


def open_dialog(qtbot, settings: Settings, secrets, environ=None) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(settings, secrets, environ or {})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fields(dialog: SettingsDialog) -> dict[str, Any]:
    return {**dialog.model_form.fields, **dialog.appearance_form.fields}


def set_through_widget(field: Any, value: Any) -> None:
    """Change a field the way a person would, through its control."""
    if isinstance(field, BoolField):
        field.check.setChecked(value)
    elif isinstance(field, ChoiceField):
        field.combo.setCurrentIndex(field.combo.findData(value))
    elif isinstance(field, ModelField):
        field.combo.setEditText(value)
    elif isinstance(field, TextField):
        field.edit.setPlainText(value)
    elif isinstance(field, NumberField):
        if field.default_box is not None:
            field.default_box.setChecked(False)
        field.spin.setValue(value)
    else:
        raise AssertionError(type(field))


def test_round_trip_of_every_field(qtbot, settings: Settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    generated = fields(dialog)
    assert set(generated) == set(NEW_VALUES)
    for key, value in NEW_VALUES.items():
        set_through_widget(generated[key], value)
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()
    assert not dialog.isVisible()

    reloaded = Settings(settings.path)
    again = open_dialog(qtbot, reloaded, secrets)
    for key, value in NEW_VALUES.items():
        assert fields(again)[key].value() == value, key
        assert reloaded.get(key) == value, key


def test_cancel_discards(qtbot, settings: Settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    set_through_widget(fields(dialog)["model"], "gpt-4.1")
    dialog.connection.token_edit.setText("typed")
    dialog.connection.token_edit.textEdited.emit("typed")
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    assert not settings.path.exists()
    assert settings.get("model") == "openai/gpt-5.4-pro"
    assert secrets.get("cloudflare") is None


def test_out_of_range_input_is_refused_with_an_inline_message(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    dialog.tabs.setCurrentIndex(1)
    field = fields(dialog)["temperature"]
    field.default_box.setChecked(False)
    field.spin.setValue(1.5)
    field.spin.lineEdit().selectAll()
    qtbot.keyClicks(field.spin.lineEdit(), "5")
    assert field.spin.value() == 1.5
    assert field.message.isVisible()
    assert field.message.text() == "Temperature must be between 0 and 2."
    field.spin.setValue(0.5)
    assert not field.message.isVisible()

    font = fields(dialog)["font_size"]
    font.spin.lineEdit().selectAll()
    qtbot.keyClicks(font.spin.lineEdit(), "9")
    assert font.message.text() == "Conversation font size must be between 11 and 24."


def test_invalid_text_blocks_ok_with_a_message(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    model = fields(dialog)["model"]
    model.combo.setEditText("   ")
    assert model.message.text() == "Model cannot be empty."
    assert not dialog.ok_button.isEnabled()
    model.combo.setEditText("gpt-5.4")
    assert dialog.ok_button.isEnabled()

    page = dialog.connection
    qtbot.keyClicks(page.account_edit, "nope")
    assert "32 characters" in page.account_message.text()
    assert not dialog.ok_button.isEnabled()
    page.account_edit.clear()
    qtbot.keyClicks(page.account_edit, ACCOUNT)
    assert page.account_message.text() == ""
    assert page.url_edit.text() == (
        f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1"
    )
    assert page.url_edit.isReadOnly()


def test_token_is_saved_only_on_ok(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    page = dialog.connection
    assert page.token_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(page.token_edit, "secret-token")
    assert secrets.get("cloudflare") is None
    with qtbot.waitSignal(dialog.applied):
        dialog.apply_button.click()
    assert secrets.get("cloudflare") == "secret-token"
    assert "secret-token" not in settings.path.read_text()
    assert page.token_edit.text() == ""
    assert "saved" in page.token_status.text()


def test_show_hide_and_forget_token(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    secrets.set("cloudflare", "old-token")
    dialog = open_dialog(qtbot, settings, secrets)
    page = dialog.connection
    assert page.token_edit.text() == "", "a saved token is never loaded into the field"
    qtbot.keyClicks(page.token_edit, "abc")
    qtbot.mouseClick(page.show_token, Qt.MouseButton.LeftButton)
    assert page.token_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert page.show_token.text() == "Hide"
    qtbot.mouseClick(page.show_token, Qt.MouseButton.LeftButton)
    assert page.token_edit.echoMode() == QLineEdit.EchoMode.Password

    page.forget_button.click()
    assert secrets.get("cloudflare") == "old-token", "nothing happens before OK"
    assert "forgotten" in page.token_status.text()
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()
    assert secrets.get("cloudflare") is None


def test_profiles_add_rename_activate_delete(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    page = dialog.connection
    page.add_actions["custom"].trigger()
    assert page.list.count() == 2
    assert not page.url_edit.isReadOnly()
    page.name_edit.selectAll()
    qtbot.keyClicks(page.name_edit, "Local llama")
    qtbot.keyClicks(page.url_edit, "http://127.0.0.1:8080/v1")
    qtbot.keyClicks(page.token_edit, "local-token")
    page.activate_button.click()
    page.add_actions["openai"].trigger()
    assert page.url_edit.text() == "https://api.openai.com/v1" and page.url_edit.isReadOnly()
    page.delete_button.click()
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()

    profiles = Profiles(Settings(settings.path))
    assert [p.name for p in profiles.all()] == ["Cloudflare Workers AI", "Local llama"]
    active = profiles.active()
    assert active.kind == "custom" and active.effective_base_url() == "http://127.0.0.1:8080/v1"
    assert secrets.get(active.id) == "local-token"


def test_no_keyring_offers_session_only_storage(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    store = KeyringSecrets(fail.Keyring())
    dialog = open_dialog(qtbot, settings, store)
    page = dialog.connection
    assert page.session_box is not None
    notice = page.session_box.parentWidget()
    assert store.problem is not None
    assert any(
        store.problem in label.text() for label in notice.findChildren(type(dialog.message))
    ) or store.problem in " ".join(
        w.text() for w in notice.findChildren(QWidget) if hasattr(w, "text")
    )
    assert not page.token_edit.isEnabled()
    page.session_box.setChecked(True)
    assert page.token_edit.isEnabled()
    qtbot.keyClicks(page.token_edit, "memory-token")
    with qtbot.waitSignal(dialog.secret_store_changed) as blocker:
        dialog.ok_button.click()
    session = blocker.args[0]
    assert isinstance(session, SessionSecrets)
    assert session.get("cloudflare") == "memory-token"
    assert "memory-token" not in settings.path.read_text()
    assert sorted(p.name for p in settings.path.parent.iterdir()) == ["settings.toml"]


def test_environment_override_is_shown_read_only(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    environ = {"CLOUDFLARE_API_TOKEN": "env-token", "CLOUDFLARE_ACCOUNT_ID": ACCOUNT}
    dialog = open_dialog(qtbot, settings, secrets, environ)
    page = dialog.connection
    assert page.token_edit.isReadOnly()
    assert page.token_note.text() == "Set by CLOUDFLARE_API_TOKEN for this session; not saved."
    assert page.token_note.isVisible()
    assert page.account_edit.isReadOnly() and page.account_edit.text() == ACCOUNT
    assert page.account_note.isVisible()
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()
    text = settings.path.read_text()
    assert ACCOUNT not in text and "env-token" not in text
    assert secrets.get("cloudflare") is None


def test_test_connection_emits_and_shows_the_result(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    page = dialog.connection
    qtbot.keyClicks(page.account_edit, ACCOUNT)
    qtbot.keyClicks(page.token_edit, "typed-token")
    set_through_widget(fields(dialog)["model"], "openai/gpt-5.4")
    with qtbot.waitSignal(dialog.test_requested) as blocker:
        page.test_button.click()
    assert blocker.args == [
        f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1",
        "typed-token",
        "openai/gpt-5.4",
    ]
    assert page.test_result.text() == "Testing\u2026"
    assert not page.test_button.isEnabled()
    dialog.show_test_result(False, "The token was refused (401).")
    assert page.test_button.isEnabled()
    assert "The token was refused (401)." in page.test_result.text()
    dialog.show_test_result(True, "Connected.")
    assert "Connected." in page.test_result.text()
    assert secrets.get("cloudflare") is None, "testing does not save the token"


def test_test_connection_uses_the_saved_token(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    secrets.set("cloudflare", "saved")
    dialog = open_dialog(qtbot, settings, secrets, {"PARLEY_BASE_URL": "http://127.0.0.1:1/v1"})
    with qtbot.waitSignal(dialog.test_requested) as blocker:
        dialog.connection.test_button.click()
    assert blocker.args == ["http://127.0.0.1:1/v1", "saved", "openai/gpt-5.4-pro"]


def _focus_chain(dialog: SettingsDialog, qtbot) -> list[QWidget]:  # type: ignore[no-untyped-def]
    seen: list[QWidget] = []
    for _ in range(200):
        widget = QApplication.focusWidget()
        if widget is None:
            break
        if widget in seen:
            break
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return seen


def _reachable_controls(page: QWidget) -> set[QWidget]:
    controls = set()
    for widget in page.findChildren(QWidget):
        if (
            widget.isVisibleTo(page)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not isinstance(widget.parentWidget(), type(None))
            and widget.metaObject().className() not in ("QScrollBar", "QComboBoxPrivateContainer")
            and widget.objectName() != "qt_scrollarea_viewport"
        ):
            controls.add(widget)
    return controls


def test_keyboard_only_reaches_every_control(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        dialog.tabs.tabBar().setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.tabs.tabBar())
        chain = set(_focus_chain(dialog, qtbot))
        page = dialog.tabs.currentWidget()
        expected = _reachable_controls(page)
        assert len(expected) >= (2 if index == 2 else 8)
        missing = expected - chain
        names = sorted(w.accessibleName() or w.metaObject().className() for w in missing)
        assert not missing, f"Tab never reaches on page {index}: {names}"
        assert dialog.ok_button in chain and dialog.apply_button in chain
    # Ctrl+Tab moves between pages.
    dialog.tabs.setCurrentIndex(0)
    qtbot.keyClick(dialog.tabs.tabBar(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == 1


def test_every_control_has_hover_text_and_a_name(qtbot, settings, secrets) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, settings, secrets)
    for key, field in fields(dialog).items():
        control = field.main_control()
        assert control.toolTip() == field.setting.help, key
        assert control.accessibleName(), key


def test_conversation_panel_overrides(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    settings.set("temperature", 0.4)
    panel = ConversationSettingsPanel(settings)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.overrides() == {}
    assert not panel.fields["temperature"].isEnabled()
    assert panel.fields["temperature"].value() == 0.4, "inherited value is shown"
    with qtbot.waitSignal(panel.changed):
        panel.boxes["temperature"].setChecked(True)
    panel.fields["temperature"].spin.setValue(1.2)
    panel.boxes["model"].setChecked(True)
    panel.fields["model"].combo.setEditText("gpt-4.1")
    assert panel.overrides() == {"temperature": 1.2, "model": "gpt-4.1"}

    panel.set_overrides({"reasoning_effort": "high", "temperature": 9.0, "bogus": 1})
    assert panel.overrides() == {"reasoning_effort": "high"}
    assert panel.fields["temperature"].value() == 0.4
    panel.boxes["reasoning_effort"].setChecked(False)
    assert panel.overrides() == {}
