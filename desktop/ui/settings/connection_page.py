"""The Connection page: connection profiles, the API token (written to the secret
store only when the dialog applies), environment overrides and the connection test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config.connection import (
    ENV_ACCOUNT_ID,
    ENV_API_TOKEN,
    ENV_BASE_URL,
    env_overrides,
)
from desktop.config.profiles import (
    KIND_LABELS,
    KINDS,
    Profile,
    ProfileKind,
    Profiles,
    cloudflare_base_url,
    unique_id,
    validate_account_id,
    validate_base_url,
)
from desktop.config.schema import setting
from desktop.config.secrets import SecretStore, SecretStoreError, SessionSecrets
from desktop.config.settings import Settings
from desktop.ui.settings.fields import InlineMessage

_TOKEN_HELP = setting("api_token").help
_NOTE_STYLE = "color: palette(placeholder-text);"


def _env_note(name: str) -> str:
    return f"Set by {name} for this session; not saved."


def _notice(text: str, parent: QWidget) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName("notice")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet(
        "#notice { background: palette(alternate-base); border: 1px solid palette(mid);"
        " border-radius: 6px; }"
    )
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    label = QLabel(text, frame)
    label.setWordWrap(True)
    layout.addWidget(label)
    return frame


class ConnectionPage(QWidget):
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
        super().__init__(parent)
        self._secrets = secrets
        self._session: SessionSecrets | None = None
        self._environ = dict(environ)
        profiles = Profiles(settings)
        self._active = profiles.active().id
        self._profiles: list[Profile] = list(profiles.all())
        self._tokens: dict[str, str] = {}
        self._forget: set[str] = set()
        self._deleted: set[str] = set()
        self._stored: dict[str, bool] = {}
        self._loading = False
        self._build()
        self._fill_list()
        self.list.setCurrentRow(self._index_of(self._active))

    # ----- layout -------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 16, 16, 16)
        outer.setSpacing(12)
        self._build_notices(outer)

        body = QHBoxLayout()
        body.setSpacing(16)
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        left.setSpacing(6)
        heading = QLabel("&Profiles", self)
        left.addWidget(heading)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Connection profiles")
        self.list.setToolTip(setting("profiles").help)
        self.list.setMinimumWidth(200)
        self.list.currentRowChanged.connect(self._show_selected)
        heading.setBuddy(self.list)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add", self)
        self.add_button.setToolTip(
            "Add a connection profile: Cloudflare, OpenAI or a server of yours."
        )
        self.add_button.setAccessibleName("Add profile")
        menu = QMenu(self.add_button)
        self.add_actions = {}
        for kind in KINDS:
            action = menu.addAction(KIND_LABELS[kind])
            action.triggered.connect(lambda _=False, k=kind: self.add_profile(k))
            self.add_actions[kind] = action
        self.add_button.setMenu(menu)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setToolTip("Delete the selected profile and, on OK, its saved token.")
        self.delete_button.setAccessibleName("Delete profile")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        self.activate_button = QPushButton("&Use for new requests", self)
        self.activate_button.setToolTip(setting("active_profile").help)
        self.activate_button.clicked.connect(self.activate_selected)
        left.addWidget(self.activate_button)
        body.addLayout(left)

        self.details = QGroupBox(self)
        form = QFormLayout(self.details)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        self.form = form

        self.name_edit = QLineEdit(self.details)
        self.name_edit.setAccessibleName("Profile name")
        self.name_edit.setToolTip(
            "The name shown in the profile list. Renaming keeps the saved token."
        )
        self.name_edit.textEdited.connect(self._name_edited)
        form.addRow("&Name", self.name_edit)
        self.kind_label = QLabel(self.details)
        self.kind_label.setAccessibleName("Profile kind")
        form.addRow("Kind", self.kind_label)

        self.account_edit = QLineEdit(self.details)
        self.account_edit.setAccessibleName("Cloudflare account ID")
        self.account_edit.setToolTip(
            "Your Cloudflare account ID (32 characters), shown in the dashboard's address "
            "and on the Workers AI page."
        )
        self.account_edit.setPlaceholderText("32-character account ID")
        self.account_edit.textEdited.connect(self._account_edited)
        self.account_message = InlineMessage(self.details)
        self.account_note = self._note()
        self.account_box = self._stack(self.account_edit, self.account_message, self.account_note)
        form.addRow("A&ccount ID", self.account_box)

        self.url_edit = QLineEdit(self.details)
        self.url_edit.setAccessibleName("Base URL")
        self.url_edit.setToolTip(
            "The address requests go to, up to but not including /responses, "
            "e.g. http://localhost:8080/v1 for a local server."
        )
        self.url_edit.setPlaceholderText("http://localhost:8080/v1")
        self.url_edit.textEdited.connect(self._url_edited)
        self.url_message = InlineMessage(self.details)
        self.url_note = self._note()
        form.addRow("&Base URL", self._stack(self.url_edit, self.url_message, self.url_note))

        token_row = QHBoxLayout()
        token_row.setSpacing(6)
        self.token_edit = QLineEdit(self.details)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setAccessibleName("API token")
        self.token_edit.setToolTip(_TOKEN_HELP)
        self.token_edit.textEdited.connect(self._token_edited)
        self.show_token = QToolButton(self.details)
        self.show_token.setText("Show")
        self.show_token.setCheckable(True)
        self.show_token.setAccessibleName("Show token")
        self.show_token.setToolTip("Show or hide the token you are typing.")
        self.show_token.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_token.toggled.connect(self._toggle_echo)
        self.forget_button = QPushButton("&Forget token", self.details)
        self.forget_button.setToolTip("Remove this profile's token from the keyring on OK.")
        self.forget_button.clicked.connect(self.forget_token)
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.show_token)
        token_row.addWidget(self.forget_button)
        self.token_status = self._note()
        self.token_note = self._note()
        token_box = QWidget(self.details)
        token_layout = QVBoxLayout(token_box)
        token_layout.setContentsMargins(0, 0, 0, 0)
        token_layout.setSpacing(2)
        token_layout.addLayout(token_row)
        token_layout.addWidget(self.token_status)
        token_layout.addWidget(self.token_note)
        token_box.setFocusProxy(self.token_edit)
        form.addRow("API &token", token_box)
        # A label's Alt+letter focuses its buddy only if the buddy itself takes focus,
        # so point each row's label at the field inside its box.
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if isinstance(label, QLabel) and field is not None and field.focusProxy():
                label.setBuddy(field.focusProxy())

        test_row = QHBoxLayout()
        self.test_button = QPushButton("T&est connection", self.details)
        self.test_button.setToolTip(
            "Send a tiny request with these details (including a token you typed but "
            "have not saved yet) and report what the server says."
        )
        self.test_button.clicked.connect(self._test)
        self.test_result = QLabel(self.details)
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName("Connection test result")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        self.error_label = InlineMessage(self.details)
        form.addRow("", self.error_label)
        body.addWidget(self.details, 1)

    def _build_notices(self, outer: QVBoxLayout) -> None:
        self.session_box: QCheckBox | None = None
        if isinstance(self._secrets, SessionSecrets):
            outer.addWidget(
                _notice(
                    "Tokens are kept for this session only: Parley forgets them when it "
                    "quits, because no system keyring is available.",
                    self,
                )
            )
        elif not self._secrets.available:
            frame = _notice(
                f"{self._secrets.problem} You can still use Parley: keep the token in "
                "memory until Parley quits, or set CLOUDFLARE_API_TOKEN.",
                self,
            )
            self.session_box = QCheckBox("&Keep the token for this session only", frame)
            self.session_box.setToolTip(
                "Parley keeps the token in memory and forgets it when it quits. "
                "It is never written to a file."
            )
            self.session_box.toggled.connect(self._session_toggled)
            layout = frame.layout()
            assert layout is not None
            layout.addWidget(self.session_box)
            outer.addWidget(frame)
        names = sorted(
            n
            for n in (ENV_ACCOUNT_ID, ENV_API_TOKEN, ENV_BASE_URL)
            if self._environ.get(n, "").strip()
        )
        if names:
            outer.addWidget(
                _notice(
                    "Set in the environment for this session: " + ", ".join(names) + ". "
                    "They apply to the profile used for new requests and are never saved.",
                    self,
                )
            )

    def _note(self) -> QLabel:
        label = QLabel(self.details)
        label.setWordWrap(True)
        label.setStyleSheet(_NOTE_STYLE)
        label.hide()
        return label

    def _stack(self, *widgets: QWidget) -> QWidget:
        box = QWidget(self.details)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in widgets:
            layout.addWidget(widget)
        box.setFocusProxy(widgets[0])
        return box

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
        self.account_note.setText(_env_note(ENV_ACCOUNT_ID))
        self.account_note.setVisible(ENV_ACCOUNT_ID in env)
        self.url_edit.setReadOnly(profile.kind != "custom" or ENV_BASE_URL in env)
        self.url_note.setText(_env_note(ENV_BASE_URL))
        self.url_note.setVisible(ENV_BASE_URL in env)
        self._update_url(profile)
        self._show_token_state(profile)
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

    def _show_token_state(self, profile: Profile) -> None:
        env = self._env(profile)
        usable = self.store.available
        from_env = ENV_API_TOKEN in env
        self.token_edit.setText("" if from_env else self._tokens.get(profile.id, ""))
        self.token_edit.setReadOnly(from_env)
        self.token_edit.setEnabled(usable or from_env)
        self.show_token.setEnabled(usable and not from_env)
        self.token_note.setText(_env_note(ENV_API_TOKEN))
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
        self._replace_selected(replace(self.selected(), base_url=url))

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
            self.test_result.setStyleSheet(_NOTE_STYLE)
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
