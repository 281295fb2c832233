"""The Connection page's widgets and their layout (connection_page.py gives them
behaviour): the profile list and its buttons, the selected profile's fields, the
token row, the connection test, and notices about the keyring and environment."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config.connection import ENV_ACCOUNT_ID, ENV_BASE_URL
from desktop.config.environment import ENV_API_TOKEN
from desktop.config.profiles import KIND_LABELS, KINDS
from desktop.config.schema import setting
from desktop.config.secrets import SecretStore, SessionSecrets
from desktop.ui.widgets.settings.fields import InlineMessage

_TOKEN_HELP = setting("api_token").help
NOTE_STYLE = "color: palette(placeholder-text);"


def env_note(name: str) -> str:
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


class ConnectionForm(QWidget):
    """Builds the widgets; signals are connected by `ConnectionPage`."""

    def __init__(
        self, secrets: SecretStore, environ: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self._environ = dict(environ)
        self._build()

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
            self.add_actions[kind] = action
        self.add_button.setMenu(menu)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setToolTip("Delete the selected profile and, on OK, its saved token.")
        self.delete_button.setAccessibleName("Delete profile")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        self.activate_button = QPushButton("&Use for new requests", self)
        self.activate_button.setToolTip(setting("active_profile").help)
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
        form.addRow("&Name", self.name_edit)
        self.kind_label = QLabel(self.details)
        self.kind_label.setAccessibleName("Profile kind")
        form.addRow("Kind", self.kind_label)

        self.account_edit, self.account_message, self.account_note, self.account_box = (
            self._checked_field(
                "Cloudflare account ID",
                "Your Cloudflare account ID (32 characters), shown in the dashboard's address "
                "and on the Workers AI page.",
                "32-character account ID",
            )
        )
        form.addRow("A&ccount ID", self.account_box)

        self.url_edit, self.url_message, self.url_note, url_box = self._checked_field(
            "Base URL",
            "The address requests go to, up to but not including /responses, "
            "e.g. http://localhost:8080/v1 for a local server.",
            "http://localhost:8080/v1",
        )
        form.addRow("&Base URL", url_box)

        token_row = QHBoxLayout()
        token_row.setSpacing(6)
        self.token_edit = QLineEdit(self.details)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setAccessibleName("API token")
        self.token_edit.setToolTip(_TOKEN_HELP)
        self.show_token = QToolButton(self.details)
        self.show_token.setText("Show")
        self.show_token.setCheckable(True)
        self.show_token.setAccessibleName("Show token")
        self.show_token.setToolTip("Show or hide the token you are typing.")
        self.show_token.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.forget_button = QPushButton("&Forget token", self.details)
        self.forget_button.setToolTip("Remove this profile's token from the keyring on OK.")
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
            proxy = field.focusProxy() if field is not None else None
            if isinstance(label, QLabel) and proxy is not None:
                label.setBuddy(proxy)

        self.keep_running = QCheckBox("&Keep answers running on the server", self.details)
        self.keep_running.setToolTip(
            "The server goes on with an answer when the connection drops, the computer "
            "sleeps or Parley closes; Parley picks it up where it left off, without "
            "paying for it again. Stop ends it on the server too."
        )
        self.keep_running_note = self._note()
        self.keep_running_note.setAccessibleName("Server support")
        # Several lines in a row sized for fewer: they start under the box, not mid-row.
        self.keep_running_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addRow("", self._stack(self.keep_running, self.keep_running_note))

        test_row = QHBoxLayout()
        self.test_button = QPushButton("T&est connection", self.details)
        self.test_button.setToolTip(
            "Send a tiny request with these details (including a token you typed but "
            "have not saved yet) and report what the server says."
        )
        self.test_result = QLabel(self.details)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)  # the server's words
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

    def _checked_field(
        self, name: str, tip: str, placeholder: str
    ) -> tuple[QLineEdit, InlineMessage, QLabel, QWidget]:
        """A line edit with its inline message and environment note stacked under
        it; returns the three and the box holding them (the form's row)."""
        edit = QLineEdit(self.details)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        edit.setPlaceholderText(placeholder)
        message = InlineMessage(self.details)
        note = self._note()
        return edit, message, note, self._stack(edit, message, note)

    def _note(self) -> QLabel:
        label = QLabel(self.details)
        label.setWordWrap(True)
        label.setStyleSheet(NOTE_STYLE)
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
