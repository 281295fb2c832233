"""The Connection page: connection profiles, the API token (written to the secret
store only when the dialog applies), environment overrides and the connection test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidgetItem,
    QWidget,
)

from desktop.config.connection import (
    ENV_ACCOUNT_ID,
    ENV_BASE_URL,
    env_overrides,
)
from desktop.config.environment import ENV_API_TOKEN
from desktop.config.profiles import (
    KIND_LABELS,
    Profile,
    ProfileKind,
    Profiles,
    cloudflare_base_url,
    unique_id,
    validate_account_id,
    validate_base_url,
)
from desktop.config.secrets import SecretStore, SecretStoreError, SessionSecrets
from desktop.config.settings import Settings
from desktop.ui.widgets.settings.connection_form import NOTE_STYLE, ConnectionForm, env_note


class ConnectionPage(ConnectionForm):
    """Edits a working copy of the profiles; `apply()` writes them to `Settings`
    and the typed tokens to the secret store. `test_clicked(base_url, token)` asks
    the dialog to run a connection test for the selected profile."""

    changed = Signal()
    test_clicked = Signal(str, object)

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        environ: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(secrets, environ, parent)
        self._session: SessionSecrets | None = None
        profiles = Profiles(settings)
        self._active = profiles.active().id
        self._profiles: list[Profile] = list(profiles.all())
        self._tokens: dict[str, str] = {}
        self._forget: set[str] = set()
        self._deleted: set[str] = set()
        self._stored: dict[str, bool] = {}
        self._loading = False
        self._wire()
        self._fill_list()
        self.list.setCurrentRow(self._index_of(self._active))

    def _wire(self) -> None:
        for kind, action in self.add_actions.items():
            action.triggered.connect(lambda _=False, k=kind: self.add_profile(k))
        self.list.currentRowChanged.connect(self._show_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.activate_button.clicked.connect(self.activate_selected)
        self.name_edit.textEdited.connect(self._name_edited)
        self.account_edit.textEdited.connect(self._account_edited)
        self.url_edit.textEdited.connect(self._url_edited)
        self.token_edit.textEdited.connect(self._token_edited)
        self.show_token.toggled.connect(self._toggle_echo)
        self.forget_button.clicked.connect(self.forget_token)
        self.test_button.clicked.connect(self._test)
        self.keep_running.toggled.connect(self._keep_running_toggled)
        if self.session_box is not None:
            self.session_box.toggled.connect(self._session_toggled)

    # ----- state --------------------------------------------------------------
    @property
    def store(self) -> SecretStore:
        """Where tokens go: the session store once the person chose it."""
        return self._session if self._session is not None else self._secrets

    def session_store(self) -> SessionSecrets | None:
        return self._session

    def _index_of(self, profile_id: str) -> int:
        return next((i for i, p in enumerate(self._profiles) if p.id == profile_id), 0)

    def selected(self) -> Profile:
        return self._profiles[max(self.list.currentRow(), 0)]

    def _fill_list(self) -> None:
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for profile in self._profiles:
            text = profile.name
            item = QListWidgetItem(text)
            if profile.id == self._active:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setText(f"{text}  \u2014 in use")
            item.setToolTip(KIND_LABELS[profile.kind])
            self.list.addItem(item)
        self.list.blockSignals(False)
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)

    def _env(self, profile: Profile) -> dict[str, str]:
        if profile.id != self._active:
            return {}
        return env_overrides(self._environ, profile.kind)

    def _has_stored(self, profile_id: str) -> bool:
        if not self.store.available:
            return False
        if profile_id not in self._stored:
            try:
                self._stored[profile_id] = self.store.get(profile_id) is not None
            except SecretStoreError as exc:
                self.error_label.show_message(str(exc))
                self._stored[profile_id] = False
        return self._stored[profile_id]

    def _show_selected(self) -> None:
        if self.list.currentRow() < 0:
            return
        self._loading = True
        profile = self.selected()
        env = self._env(profile)
        self.details.setTitle(profile.name)
        self.name_edit.setText(profile.name)
        self.kind_label.setText(KIND_LABELS[profile.kind])
        is_cf = profile.kind == "cloudflare"
        self.form.setRowVisible(self.account_box, is_cf)
        self.account_message.show_message(None)
        self.url_message.show_message(None)
        if ENV_ACCOUNT_ID in env:
            self.account_edit.setText(env[ENV_ACCOUNT_ID])
        else:
            self.account_edit.setText(profile.account_id)
        self.account_edit.setReadOnly(ENV_ACCOUNT_ID in env)
        self.account_note.setText(env_note(ENV_ACCOUNT_ID))
        self.account_note.setVisible(ENV_ACCOUNT_ID in env)
        self.url_edit.setReadOnly(profile.kind != "custom" or ENV_BASE_URL in env)
        self.url_note.setText(env_note(ENV_BASE_URL))
        self.url_note.setVisible(ENV_BASE_URL in env)
        self._update_url(profile)
        self._show_token_state(profile)
        self._show_background(profile)
        self.delete_button.setEnabled(len(self._profiles) > 1)
        self.activate_button.setEnabled(profile.id != self._active)
        self.test_result.clear()
        self._loading = False

    def _update_url(self, profile: Profile) -> None:
        env = self._env(profile)
        if ENV_BASE_URL in env:
            self.url_edit.setText(env[ENV_BASE_URL].rstrip("/"))
        elif profile.kind == "cloudflare":
            account = env.get(ENV_ACCOUNT_ID, profile.account_id)
            self.url_edit.setText(cloudflare_base_url(account) if account else "")
            self.url_edit.setPlaceholderText("Derived from the account ID")
        elif profile.kind == "openai":
            self.url_edit.setText(profile.effective_base_url())
        else:
            self.url_edit.setText(profile.base_url)
            self.url_edit.setPlaceholderText("http://localhost:8080/v1")

    def _show_background(self, profile: Profile) -> None:
        self.keep_running.setChecked(profile.keep_running)
        self.keep_running_note.setText(background_note(profile))
        self.keep_running_note.setVisible(True)

    def _show_token_state(self, profile: Profile) -> None:
        env = self._env(profile)
        usable = self.store.available
        from_env = ENV_API_TOKEN in env
        self.token_edit.setText("" if from_env else self._tokens.get(profile.id, ""))
        self.token_edit.setReadOnly(from_env)
        self.token_edit.setEnabled(usable or from_env)
        self.show_token.setEnabled(usable and not from_env)
        self.token_note.setText(env_note(ENV_API_TOKEN))
        self.token_note.setVisible(from_env)
        stored = self._has_stored(profile.id)
        forgetting = profile.id in self._forget
        self.forget_button.setEnabled(
            usable and not from_env and (stored or profile.id in self._tokens) and not forgetting
        )
        if from_env:
            self.token_edit.setPlaceholderText("From CLOUDFLARE_API_TOKEN")
            status = ""
        elif forgetting:
            self.token_edit.setPlaceholderText("Paste your API token")
            status = "The saved token will be forgotten when you press OK or Apply."
        elif profile.id in self._tokens:
            status = f"Will be saved in {self._store_words()} when you press OK or Apply."
        elif stored:
            self.token_edit.setPlaceholderText("Saved \u2014 type to replace it")
            status = f"A token is saved in {self._store_words()}."
        elif usable:
            self.token_edit.setPlaceholderText("Paste your API token")
            status = "No token saved yet."
        else:
            self.token_edit.setPlaceholderText("No keyring available")
            status = ""
        self.token_status.setText(status)
        self.token_status.setVisible(bool(status))

    def _store_words(self) -> str:
        if isinstance(self.store, SessionSecrets):
            return "memory for this session only"
        return f"the system keyring ({self.store.backend_name})"

    # ----- edits --------------------------------------------------------------
    def _replace_selected(self, profile: Profile) -> None:
        self._profiles[self.list.currentRow()] = profile
        self.changed.emit()

    def _name_edited(self, text: str) -> None:
        profile = replace(self.selected(), name=text.strip() or self.selected().name)
        self._replace_selected(profile)
        self.details.setTitle(profile.name)
        item = self.list.currentItem()
        if item is not None:
            suffix = "  \u2014 in use" if profile.id == self._active else ""
            item.setText(profile.name + suffix)

    def _account_edited(self, text: str) -> None:
        try:
            account = validate_account_id(text)
            self.account_message.show_message(None)
        except ValueError as exc:
            self.account_message.show_message(str(exc))
            self.changed.emit()
            return
        profile = replace(self.selected(), account_id=account)
        self._replace_selected(profile)
        self._update_url(profile)

    def _url_edited(self, text: str) -> None:
        try:
            url = validate_base_url(text)
            self.url_message.show_message(None)
        except ValueError as exc:
            self.url_message.show_message(str(exc))
            self.changed.emit()
            return
        # Another server: whether it keeps answers running is learned again.
        self._replace_selected(
            replace(self.selected(), base_url=url, background_support="unknown", background_note="")
        )
        self.keep_running_note.setText(background_note(self.selected()))

    def _keep_running_toggled(self, on: bool) -> None:
        if self._loading:
            return
        profile = replace(self.selected(), keep_running=on)
        if on and profile.background_support == "no":
            # Turned on again: the next answer asks the server anew.
            profile = replace(profile, background_support="unknown", background_note="")
        self._replace_selected(profile)
        self.keep_running_note.setText(background_note(profile))

    def _token_edited(self, text: str) -> None:
        profile = self.selected()
        token = text.strip()
        if token:
            self._tokens[profile.id] = token
            self._forget.discard(profile.id)
        else:
            self._tokens.pop(profile.id, None)
        self.changed.emit()
        self.token_status.setText(
            f"Will be saved in {self._store_words()} when you press OK or Apply." if token else ""
        )
        self.token_status.setVisible(bool(token))
        self.forget_button.setEnabled(bool(token) or self._has_stored(profile.id))

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token_edit.setEchoMode(mode)
        self.show_token.setText("Hide" if shown else "Show")
        self.show_token.setAccessibleName("Hide token" if shown else "Show token")

    def _session_toggled(self, on: bool) -> None:
        self._session = SessionSecrets() if on else None
        self._stored.clear()
        self._tokens.clear()
        self._show_token_state(self.selected())
        self.changed.emit()

    def add_profile(self, kind: ProfileKind) -> Profile:
        name = KIND_LABELS[kind]
        taken_names = {p.name for p in self._profiles}
        base, n = name, 2
        while name in taken_names:
            name, n = f"{base} {n}", n + 1
        taken_ids = {p.id for p in self._profiles} | self._deleted
        profile = Profile(unique_id(name, taken_ids), name, kind)
        self._profiles.append(profile)
        self._fill_list()
        self.list.setCurrentRow(len(self._profiles) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        self.changed.emit()
        return profile

    def delete_selected(self) -> None:
        if len(self._profiles) <= 1:
            return
        row = self.list.currentRow()
        profile = self._profiles.pop(row)
        self._deleted.add(profile.id)
        self._tokens.pop(profile.id, None)
        if profile.id == self._active:
            self._active = self._profiles[0].id
        self._fill_list()
        self.list.setCurrentRow(min(row, len(self._profiles) - 1))
        self._show_selected()
        self.changed.emit()

    def activate_selected(self) -> None:
        self._active = self.selected().id
        self._fill_list()
        self._show_selected()
        self.changed.emit()

    def forget_token(self) -> None:
        profile = self.selected()
        self._tokens.pop(profile.id, None)
        if self._has_stored(profile.id):
            self._forget.add(profile.id)
        self._show_token_state(profile)
        self.changed.emit()

    def _test(self) -> None:
        profile = self.selected()
        env = self._env(profile)
        base_url = self.url_edit.text().strip().rstrip("/")
        token: str | None = env.get(ENV_API_TOKEN) or self._tokens.get(profile.id)
        if token is None and profile.id not in self._forget and self._has_stored(profile.id):
            try:
                token = self.store.get(profile.id)
            except SecretStoreError as exc:
                self.error_label.show_message(str(exc))
        self.test_clicked.emit(base_url, token)

    def set_testing(self, testing: bool) -> None:
        self.test_button.setEnabled(not testing)
        if testing:
            self.test_result.setStyleSheet(NOTE_STYLE)
            self.test_result.setText("Testing\u2026")

    def show_result(self, ok: bool, message: str) -> None:
        self.set_testing(False)
        mark = "\u2713" if ok else "\u2717"
        self.test_result.setStyleSheet("color: #2e7d32;" if ok else "color: #d13438;")
        self.test_result.setText(f"{mark} {message}")

    # ----- validity and saving ------------------------------------------------
    def error(self) -> str | None:
        for message in (self.account_message, self.url_message):
            if message.text():
                return message.text()
        return None

    def apply(self, settings: Settings) -> bool:
        """Write profiles to `settings` (not saved yet) and tokens to the secret
        store. False, with the reason shown, if the secret store failed."""
        store = self.store
        try:
            if store.available:
                for profile_id in sorted(self._deleted | self._forget):
                    store.delete(profile_id)
                for profile_id, token in self._tokens.items():
                    store.set(profile_id, token)
        except SecretStoreError as exc:
            self.error_label.show_message(str(exc))
            return False
        self.error_label.show_message(None)
        for profile_id in self._tokens:
            self._stored[profile_id] = True
        for profile_id in self._forget | self._deleted:
            self._stored[profile_id] = False
        self._tokens.clear()
        self._forget.clear()
        self._deleted.clear()
        profiles = Profiles(settings)
        profiles.replace_all(self._profiles)
        profiles.set_active(self._active)
        self._show_selected()
        return True


def background_note(profile: Profile) -> str:
    """What is known about the profile's server keeping answers running, in a sentence."""
    if not profile.keep_running:
        return "Answers stream over the connection only: a dropped connection ends them."
    if profile.background_support == "no":
        reason = profile.background_note or "it did not keep the answer"
        return (
            f"This server does not keep answers running: {reason}. Answers stream the "
            "ordinary way; untick and tick again to ask the server anew."
        )
    if profile.background_support == "yes":
        return "This server keeps answers running."
    return "Parley finds out with the next answer whether this server keeps answers running."
