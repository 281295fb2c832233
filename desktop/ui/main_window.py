"""The main window: wires the side bar, conversation view, composer, banner and
status bar together, and owns the answers in flight and the store writes.

Widgets never talk to each other directly; this window connects their signals.
Answers run in `AnswerStream`s keyed by conversation, so switching conversations
while one streams lets it finish into its own conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.store.errors import StoreError
from desktop.store.models import MessageStatus
from desktop.ui.actions import ACTIONS, MENUS, build_actions
from desktop.ui.banner import Banner
from desktop.ui.composer import Composer
from desktop.ui.conversation_view import ConversationView
from desktop.ui.find_bar import FindBar
from desktop.ui.sidebar import Sidebar
from desktop.ui.status_bar import StatusBar
from desktop.ui.theme import apply_theme, is_dark
from desktop.ui.turns import (
    cut_short_message,
    message_id_of,
    notice_for,
    title_from,
    to_message_usage,
    total_usage,
    turn_dict,
    turn_id,
)

if TYPE_CHECKING:
    # Imported for real only when first used: the API client (httpx) and the
    # renderer are not needed to show the window, and start-up is a budget.
    from desktop.api.events import Usage
    from desktop.config.connection import Connection
    from desktop.store import Store
    from desktop.ui.answer import AnswerOutcome, AnswerStream

log = logging.getLogger(__name__)

DRAFT_SAVE_MS = 800
# Turns drawn before the first paint when a conversation opens; older ones follow.
FIRST_PAINT_TURNS = 40
OLDER_CHUNK = 120
# Statuses whose text is part of the conversation sent back to the model.
SENDABLE = {"complete", "incomplete", "stopped", "interrupted"}


class MainWindow(QMainWindow):
    """Signals: settings_requested() — the window cannot reach the dialog itself."""

    settings_requested = Signal()

    def __init__(
        self,
        store: Store,
        connection: Callable[[], Connection],
        options: Callable[[int | None], dict[str, Any]],
        state: QSettings,
        theme: str = "system",
        font_px: int = 15,
        panel: Any = None,
        image_detail: Callable[[int | None], str] | None = None,
    ) -> None:
        super().__init__()
        self._store = store
        self._connection = connection
        self._options = options
        self._state = state
        self._theme = theme
        self._font_px = font_px
        self._current: int | None = None
        self._streams: dict[int, AnswerStream] = {}
        self._last_usage: dict[int, Usage] = {}
        self._closing = False
        self._pending_overrides: dict[str, Any] = {}
        self._editing: int | None = None  # id of the question being edited
        self._older: list[Any] = []
        self.settings_flow: Any = None
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")

        self.sidebar = Sidebar(
            self, fetch=lambda offset, limit: self._store.list_conversations(limit, offset)
        )
        self.view = ConversationView(self)
        self.banner = Banner(self)
        self.find_bar = FindBar(self)
        self.composer = Composer(self)
        from desktop.ui.attachment_tray import AttachmentTray

        detail = image_detail or (lambda _conv: "auto")
        self.tray = AttachmentTray(lambda: detail(self._current), self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)

        pane = QWidget(self)
        pane.setObjectName("conversationPane")
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.find_bar)
        column.addWidget(self.view, 1)
        bottom = QWidget(pane)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(16, 6, 16, 12)
        bottom_layout.setSpacing(8)
        bottom_layout.addWidget(self.banner)
        bottom_layout.addWidget(self.composer)
        column.addWidget(bottom)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([250, 950])
        self.setCentralWidget(self.splitter)

        # Per-conversation model and parameters, in a dock at the right.
        self.panel = panel
        self.panel_dock = QDockWidget("This conversation", self)
        self.panel_dock.setObjectName("conversationSettingsDock")
        if panel is not None:
            scroller = QScrollArea(self.panel_dock)
            scroller.setWidgetResizable(True)
            scroller.setAccessibleName("This conversation's settings")
            scroller.setWidget(panel)
            self.panel_dock.setWidget(scroller)
            panel.changed.connect(self._overrides_changed)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.panel_dock.hide()

        self.actions_by_id = build_actions(self, self._handlers())
        self._build_menus()
        from desktop.ui.command_palette import CommandPalette

        self.palette = CommandPalette(
            list(self.actions_by_id.values()),
            lambda: [(c.id, c.title) for c in self._store.list_conversations(limit=500)],
            self,
        )
        self.palette.conversation_chosen.connect(self.open_conversation)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_MS)
        self._draft_timer.timeout.connect(self._save_draft)

        self.composer.send_requested.connect(self.send)
        self.composer.attach_requested.connect(self.choose_attachments)
        self.composer.files_given.connect(self.tray.add_paths)
        self.composer.image_given.connect(
            lambda data: self.tray.add_bytes(data, "Pasted image.png")
        )
        self.composer.remove_attachment.connect(self.tray.remove)
        self.tray.changed.connect(self.composer.set_attachments)
        self.tray.problem.connect(lambda message: self.banner.show_message(message, kind="warn"))
        self.composer.stop_requested.connect(self.stop)
        self.composer.scroll_requested.connect(self._scroll)
        self.composer.draft_changed.connect(lambda _t: self._draft_timer.start())
        self.sidebar.conversation_selected.connect(self.open_conversation)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.delete_requested.connect(self.delete_conversation)
        self.banner.retry_requested.connect(self.retry)
        self.banner.settings_requested.connect(self.settings_requested)
        self.view.copy_answer_requested.connect(self._copy_answer_by_turn)
        self.view.version_requested.connect(self._switch_version)
        self.view.attachment_requested.connect(self._open_attachment)
        self.composer.edit_last_requested.connect(self.edit_last_question)
        self.view.ready.connect(self._on_page_ready)
        self.find_bar.search.connect(self._find)
        self.find_bar.closed.connect(self._find_closed)

        # Tab order follows the layout: message box, Send, the side bar, the page,
        # then round to the Attach button before the message box.
        chain = [
            self.composer.attach_button,
            self.composer.editor,
            self.composer.button,
            self.sidebar.new_button,
            self.sidebar.filter_edit,
            self.sidebar.list,
            self.sidebar.undo_button,
            self.view,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)
        from desktop.ui.history_flow import HistoryFlow

        self.history = HistoryFlow(self, store)

        self.apply_appearance(theme, font_px)
        # Follow the system's light/dark switch while the theme is "system".
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self._restore_geometry()
        self._refresh_list()
        conversations = self.sidebar.ids()
        # Drawn once the event loop runs, so the window shows while the page loads.
        first = conversations[0] if conversations else None
        QTimer.singleShot(0, lambda: self._show_conversation(first))
        self._update_model_label()
        QTimer.singleShot(0, self.composer.focus)

    # ------------------------------------------------------------ set-up
    def _handlers(self) -> dict[str, Callable[[], None]]:
        return {
            "new": self.new_conversation,
            "settings": self.settings_requested.emit,
            "quit": self.close,
            "focus_composer": self.composer.focus,
            "stop": self.stop,
            "copy_answer": self.copy_last_answer,
            "copy_code": self.copy_last_code,
            "zoom_in": lambda: self.view.zoom(+1),
            "zoom_out": lambda: self.view.zoom(-1),
            "zoom_reset": lambda: self.view.zoom(0),
            "toggle_sidebar": self._toggle_sidebar,
            "theme_system": lambda: self.apply_appearance("system", self._font_px),
            "theme_light": lambda: self.apply_appearance("light", self._font_px),
            "theme_dark": lambda: self.apply_appearance("dark", self._font_px),
            "scroll_top": lambda: self.view.scroll_to_edge(False),
            "scroll_bottom": lambda: self.view.scroll_to_edge(True),
            "previous_conversation": lambda: self._step_conversation(-1),
            "next_conversation": lambda: self._step_conversation(+1),
            "delete_conversation": lambda: self.delete_conversation(self._current),
            "retry": self.retry,
            "regenerate": self.retry,
            "edit_last": self.edit_last_question,
            "conversation_settings": self._toggle_panel,
            "find": self.find_bar.start,
            "palette": self.show_palette,
            "search": lambda: self.history.search(),
            "rename": lambda: self.history.rename_current(),
            "pin": lambda: self.history.toggle_pin_current(),
            "export_markdown": lambda: self.history.export_current("markdown"),
            "export_html": lambda: self.history.export_current("html"),
            "export_json": lambda: self.history.export_current("json"),
            "import_json": lambda: self.history.import_conversation(),
            "attach": self.choose_attachments,
            "shortcuts": self.show_shortcuts,
            "about": self.show_about,
            "find_next": lambda: self._find_step(+1),
            "find_previous": lambda: self._find_step(-1),
        }

    def _build_menus(self) -> None:
        menus: dict[str, Any] = {}
        for name in MENUS:
            menus[name] = self.menuBar().addMenu(f"&{name}")
        for spec in ACTIONS:
            menus[spec.menu].addAction(self.actions_by_id[spec.id])
        self.actions_by_id["toggle_sidebar"].setChecked(True)

    def _system_scheme_changed(self) -> None:
        if self._theme == "system":
            self.apply_appearance("system", self._font_px)

    def apply_appearance(self, theme: str, font_px: int) -> None:
        self._theme = theme
        self._font_px = font_px
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        dark = is_dark(app, theme)
        apply_theme(app, dark)
        for name in ("system", "light", "dark"):
            self.actions_by_id[f"theme_{name}"].setChecked(name == theme)
        self.view.set_theme(dark)
        self.view.set_font_size(font_px)

    def _restore_geometry(self) -> None:
        geometry = self._state.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            splitter = self._state.value("window/splitter")
            if isinstance(splitter, QByteArray):
                self.splitter.restoreState(splitter)
            return
        screen = QGuiApplication.primaryScreen().availableGeometry()
        width = min(1200, int(screen.width() * 0.85))
        height = min(820, int(screen.height() * 0.85))
        self.resize(width, height)
        self.move(screen.center().x() - width // 2, screen.center().y() - height // 2)

    def _on_page_ready(self) -> None:
        self.view.set_empty_hint(self._empty_hint())

    def _empty_hint(self) -> str:
        conn = self._connection()
        if conn.problem:
            return conn.problem
        return "Type a question below and press Enter. Shift+Enter starts a new line."

    def _update_model_label(self) -> None:
        self.status.set_model(self._effective_model())

    def _effective_model(self) -> str:
        if self._current is None and self._pending_overrides.get("model"):
            return str(self._pending_overrides["model"])
        options = self._options(self._current)
        return str(options.get("model") or self._connection().model)

    # ------------------------------------------------------ conversations
    def _refresh_list(self) -> None:
        self.sidebar.reload(self._current)

    def refresh_list(self) -> None:
        self._refresh_list()

    @property
    def current_conversation(self) -> int | None:
        return self._current

    @property
    def is_dark(self) -> bool:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return is_dark(app, self._theme)

    def open_message(self, conv_id: int, message_id: int) -> None:
        """Opens a conversation scrolled to one message (a search hit)."""
        self._save_draft()
        self._show_conversation(conv_id, focus=message_id)

    def new_conversation(self) -> None:
        self._save_draft()
        self._show_conversation(None)
        self.sidebar.select(None)
        self.composer.focus()

    def open_conversation(self, conv_id: int) -> None:
        if conv_id == self._current:
            return
        self._save_draft()
        self._show_conversation(conv_id)

    def _show_conversation(self, conv_id: int | None, focus: int | None = None) -> None:
        self._current = conv_id
        self._editing = None
        self._older = []
        self.banner.hide()
        self.view.clear_find()
        self._load_overrides(conv_id)
        if conv_id is None:
            self.view.load_turns([])
            self.composer.set_text("")
            self.composer.set_busy(False)
            self.status.show_usage(None, None)
            self.status.idle()
            self._update_model_label()
            return
        from desktop.render import RENDERER_VERSION

        # The visible end first (a cheap tail query); the rest, and the usage totals,
        # once the page has painted. A search hit is drawn with everything after it.
        recent = self._store.tail(conv_id, FIRST_PAINT_TURNS, RENDERER_VERSION)
        if focus is not None and all(m.id != focus for m in recent):
            every = self._store.messages(conv_id, RENDERER_VERSION)
            at = next((i for i, m in enumerate(every) if m.id == focus), None)
            if at is not None:
                recent = every[at:]
        turns = [turn_dict(m, self._store) for m in recent]
        stream = self._streams.get(conv_id)
        if stream is not None:
            # Draw the answer in flight from its own blocks, not the last save.
            for turn in turns:
                if turn["id"] == stream.turn_id:
                    turn["blocks"] = list(stream.blocks)
                    turn["reasoning"] = list(stream.reasoning_blocks)
                    turn["notice"] = ""
        self.view.load_turns(turns)
        self._decorate(recent)
        if focus is not None:
            self.view.scroll_to_turn(turn_id(focus))
        shown = len(recent)
        self._when_page_ready(lambda c=conv_id, n=shown: self._after_first_paint(c, n))
        if stream is not None and not stream.receiving:
            self.view.start_answer(stream.turn_id, stream.model)
        self.composer.set_text(self._store.draft(conv_id))
        self.composer.set_busy(stream is not None)
        if stream is None:
            self.status.idle()
            last = recent[-1] if recent else None
            if last is not None and last.status == MessageStatus.INTERRUPTED:
                self.banner.show_message(
                    "The last answer was interrupted when Parley closed unexpectedly; "
                    "what arrived is kept. Press Retry to ask again.",
                    retry=True,
                    kind="warn",
                )
        self._update_model_label()
        self.sidebar.select(conv_id)

    def _when_page_ready(self, callback: Callable[[], None]) -> None:
        """Runs `callback` after the next paint once the page has loaded."""
        if self.view.is_ready:
            QTimer.singleShot(0, callback)
        else:
            self.view.ready.connect(lambda: QTimer.singleShot(0, callback))

    def _after_first_paint(self, conv_id: int, shown: int) -> None:
        if conv_id != self._current:
            return
        from desktop.render import RENDERER_VERSION

        messages = self._store.messages(conv_id, RENDERER_VERSION)
        self.status.show_usage(self._last_usage.get(conv_id), total_usage(messages))
        self._older = messages[: max(0, len(messages) - shown)]
        if self._older:
            QTimer.singleShot(0, lambda: self._load_older(conv_id))

    def _load_older(self, conv_id: int) -> None:
        """Prepends older turns in chunks, newest first, between paints."""
        if conv_id != self._current or not self._older:
            return
        chunk, self._older = self._older[-OLDER_CHUNK:], self._older[:-OLDER_CHUNK]
        self.view.prepend_turns([turn_dict(m, self._store) for m in chunk])
        self._decorate(chunk)
        if self._older:
            QTimer.singleShot(16, lambda: self._load_older(conv_id))

    def _decorate(self, messages: list[Any]) -> None:
        """Attachments under questions, and tool calls and sources of answers."""
        questions = [m.id for m in messages if m.role == "user"]
        for message_id in self._store.attachment_counts(questions):
            try:
                files = self._store.attachments(message_id)
            except StoreError as error:
                self.banner.show_message(error.user_message, kind="warn")
                continue
            self.view.show_attachments(turn_id(message_id), files)
        for message in messages:
            if message.role != "assistant":
                continue
            data = self._store.response_data(message.id)
            if not isinstance(data, dict):
                continue
            if data.get("tools"):
                self.view.show_tools(turn_id(message.id), data["tools"])
            if data.get("citations"):
                self.view.show_citations(turn_id(message.id), data["citations"])

    def _open_attachment(self, tid: str, index: int) -> None:
        message_id = message_id_of(tid)
        if message_id is None:
            return
        try:
            files = self._store.attachments(message_id)
        except StoreError as error:
            self.banner.show_message(error.user_message, kind="warn")
            return
        if not 0 <= index < len(files):
            return
        attachment = files[index]
        if attachment.kind != "image":
            self.status.showMessage(f"{attachment.name} was sent with the question.", 4000)
            return
        from desktop.ui.image_viewer import ImageViewer

        viewer = ImageViewer(attachment.name, attachment.data, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()

    def _conversation_usage(self, conv_id: int) -> Usage | None:
        return total_usage(self._store.messages(conv_id))

    def _step_conversation(self, step: int) -> None:
        ids = self.sidebar.ids()
        if not ids:
            return
        if self._current in ids:
            index = (ids.index(self._current) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self.open_conversation(ids[index])

    def delete_conversation(self, conv_id: int | None) -> None:
        if conv_id is None:
            return
        stream = self._streams.get(conv_id)
        if stream is not None:
            stream.stop()
        ids = self.sidebar.ids()
        title = self._store.conversation(conv_id).title
        self._store.delete_conversation(conv_id)
        self._refresh_list()
        if conv_id == self._current:
            remaining = [i for i in ids if i != conv_id]
            self._show_conversation(remaining[0] if remaining else None)
        self.history.deleted(conv_id, title)

    def _find(self, text: str, step: int) -> None:
        def show(result: object) -> None:
            if isinstance(result, list) and len(result) == 2:
                self.find_bar.show_count(int(result[0]), int(result[1]))

        if not text:
            self.view.clear_find()
            self.find_bar.show_count(0, 0)
            return
        self.view.find(text, step, show)

    def _find_step(self, step: int) -> None:
        if not self.find_bar.isVisible():
            self.find_bar.start()
            return
        self._find(self.find_bar.edit.text(), step)

    def _find_closed(self) -> None:
        self.view.clear_find()
        self.composer.focus()

    def show_palette(self) -> None:
        self.palette.popup()

    def show_shortcuts(self) -> None:
        from desktop.ui.shortcut_sheet import ShortcutSheet

        sheet = ShortcutSheet(list(self.actions_by_id.values()), self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from desktop import __version__

        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText(f"<b>{APP_NAME} {__version__}</b>")
        box.setInformativeText(
            "A desktop chat client for the Responses API: Cloudflare Workers AI, "
            "OpenAI and local servers. Your API token stays in the system keyring."
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _toggle_panel(self) -> None:
        visible = not self.panel_dock.isVisible()
        self.panel_dock.setVisible(visible)
        if visible and self.panel is not None:
            self.panel.setFocus()

    def _load_overrides(self, conv_id: int | None) -> None:
        if self.panel is None:
            return
        self.panel.refresh_globals()
        if conv_id is None:
            self.panel.set_overrides(self._pending_overrides)
        else:
            self.panel.set_overrides(self._store.conversation_settings(conv_id))

    def _overrides_changed(self) -> None:
        overrides = self.panel.overrides()
        if self._current is None:
            self._pending_overrides = overrides
        else:
            self._store.set_conversation_settings(self._current, overrides)
        self._update_model_label()

    def connection_changed(self) -> None:
        """Settings changed: refresh what depends on the connection and globals."""
        if self.panel is not None:
            self.panel.refresh_globals()
        self._update_model_label()
        self.view.set_empty_hint(self._empty_hint())
        if not self._connection().problem and self.banner.settings.isVisible():
            self.banner.hide()

    def toggle_sidebar(self) -> None:
        self._toggle_sidebar()

    def _toggle_sidebar(self) -> None:
        visible = not self.sidebar.isVisible()
        self.sidebar.setVisible(visible)
        self.actions_by_id["toggle_sidebar"].setChecked(visible)

    def _save_draft(self) -> None:
        self._draft_timer.stop()
        if self._current is not None:
            self._store.save_draft(self._current, self.composer.text())

    def _scroll(self, kind: str) -> None:
        if kind == "page-up":
            self.view.scroll_page(-1)
        elif kind == "page-down":
            self.view.scroll_page(+1)
        else:
            self.view.scroll_to_edge(kind == "end")

    # --------------------------------------------------------------- send
    def choose_attachments(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(self, "Attach files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilters(
            [
                "Images, PDF and text files (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.txt *.md "
                "*.py *.js *.ts *.json *.csv *.html *.css *.c *.h *.cpp *.rs *.go *.java *.sh "
                "*.toml *.yaml *.yml *.xml *.sql)",
                "All files (*)",
            ]
        )
        dialog.filesSelected.connect(self.tray.add_paths)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def send(self, text: str) -> None:
        text = text.strip()
        if (not text and not len(self.tray)) or self._current in self._streams:
            return
        if self.tray.preparing:
            self.status.showMessage(
                "Still preparing the attachments; send again in a moment.", 4000
            )
            return
        connection = self._connection()
        if connection.problem:
            self.banner.show_message(connection.problem, settings=True)
            return
        if self._current is None:
            conversation = self._store.create_conversation(settings=self._pending_overrides)
            self._pending_overrides = {}
            self._store.set_auto_title(conversation.id, title_from(text))
            self._current = conversation.id
            self._refresh_list()
        conv_id = self._current
        editing, self._editing = self._editing, None
        # The question is saved before anything is sent: it survives any failure.
        if editing is not None:
            # An edited question is a new version; the old branch stays reachable.
            message = self._store.edit_question(editing, text)
            self.composer.clear()
            self._store.save_draft(conv_id, "")
            self._show_conversation(conv_id)
        else:
            attachments = self.tray.take()
            message = self._store.add_user_message(conv_id, text, attachments)
            self.composer.clear()
            self._store.save_draft(conv_id, "")
            self.view.add_user(turn_id(message.id), text)
            if attachments:
                self.view.show_attachments(turn_id(message.id), attachments)
        self._start_answer(conv_id, message.id, connection)

    def retry(self) -> None:
        """Answers the last question again (after an error, a stop or a crash)."""
        conv_id = self._current
        if conv_id is None or conv_id in self._streams:
            return
        connection = self._connection()
        if connection.problem:
            self.banner.show_message(connection.problem, settings=True)
            return
        messages = self._store.messages(conv_id)
        if not messages:
            return
        last = messages[-1]
        question_id = last.id
        if last.role == "assistant":
            # The old answer stays reachable as an earlier version.
            if last.parent_id is None:
                return
            question_id = last.parent_id
            self.view.remove_turn(turn_id(last.id))
        self._start_answer(conv_id, question_id, connection)

    def _request_body(self, conv_id: int) -> tuple[dict[str, Any], str]:
        from desktop.api.request import RequestOptions, Turn, build_request

        options = RequestOptions(**self._options(conv_id))
        turns = []
        previous_id: str | None = None
        messages = self._store.messages(conv_id)
        with_files = self._store.attachment_counts([m.id for m in messages if m.role == "user"])
        for message in messages:
            if message.status == MessageStatus.STREAMING:
                continue
            if message.role == "user":
                files = self._store.attachments(message.id) if message.id in with_files else []
                turns.append(Turn("user", message.text, tuple(files)))
            elif message.text and message.status in SENDABLE:
                turns.append(Turn("assistant", message.text))
                previous_id = message.response_id or previous_id
        body = build_request(turns, options, previous_id)
        return body, options.model

    def _start_answer(self, conv_id: int, question_id: int, connection: Connection) -> None:
        self.banner.hide()
        try:
            body, model = self._request_body(conv_id)
        except ValueError as error:
            self.banner.show_message(f"{error}. Open Settings to fix it.", settings=True)
            return
        from desktop.ui.answer import AnswerStream

        message = self._store.start_assistant_message(question_id, model, request=body)
        stream = AnswerStream(
            conv_id,
            turn_id(message.id),
            message.id,
            model,
            connection.base_url,
            connection.token,
            body,
            self,
        )
        stream.patch.connect(
            lambda t, s, b, c=conv_id: self._if_current(c, self.view.patch, t, s, b)
        )
        stream.reasoning_patch.connect(
            lambda t, s, b, c=conv_id: self._if_current(c, self.view.patch_reasoning, t, s, b)
        )
        stream.refusal.connect(
            lambda t, x, c=conv_id: self._if_current(c, self.view.show_refusal, t, x)
        )
        stream.tools.connect(
            lambda t, items, c=conv_id: self._if_current(c, self.view.show_tools, t, items)
        )
        stream.citations.connect(
            lambda t, items, c=conv_id: self._if_current(c, self.view.show_citations, t, items)
        )
        stream.first_byte.connect(lambda c=conv_id: self._if_current(c, self.status.streaming))
        stream.progress.connect(
            lambda text, reasoning, m=message.id: self._store.update_streaming(m, text, reasoning)
        )
        stream.done.connect(lambda outcome, s=stream: self._on_answer_done(s, outcome))
        self._streams[conv_id] = stream
        self.view.start_answer(stream.turn_id, model)
        self.composer.set_busy(True)
        self.status.waiting()
        stream.start()

    def _if_current(self, conv_id: int, func: Callable[..., None], *args: Any) -> None:
        if conv_id == self._current:
            func(*args)

    def stop(self) -> None:
        stream = self._streams.get(self._current) if self._current is not None else None
        if stream is not None:
            stream.stop()
        elif self._editing is not None:
            self._editing = None
            self.composer.clear()
            self.banner.hide()

    def edit_last_question(self) -> None:
        """Puts the last question in the composer; sending makes it a new version."""
        conv_id = self._current
        if conv_id is None or conv_id in self._streams:
            return
        questions = [m for m in self._store.messages(conv_id) if m.role == "user"]
        if not questions:
            return
        self._editing = questions[-1].id
        self.composer.set_text(questions[-1].text)
        self.composer.focus()
        self.banner.show_message(
            "Editing your last question: Enter sends it as a new version, Esc cancels.",
            kind="info",
        )

    def _switch_version(self, tid: str, step: int) -> None:
        message_id = message_id_of(tid)
        conv_id = self._current
        if message_id is None or conv_id is None or conv_id in self._streams:
            return
        versions = self._store.versions(message_id)
        ids = [v.id for v in versions]
        if message_id not in ids:
            return
        index = ids.index(message_id) + step
        if 0 <= index < len(ids):
            self._save_draft()
            self._store.switch_version(ids[index])
            self._show_conversation(conv_id)

    def _on_answer_done(self, stream: AnswerStream, outcome: AnswerOutcome) -> None:
        conv_id = stream.conversation_id
        self._streams.pop(conv_id, None)
        reply = outcome.reply
        error = outcome.failure.message if outcome.failure else ""
        if outcome.status == "incomplete" and reply is not None:
            reason = reply.incomplete_reason or "unknown"
            error = cut_short_message(reason)
        self._save_outcome(stream, outcome, error)
        if outcome.usage is not None:
            self._last_usage[conv_id] = outcome.usage
        if self._closing:
            return
        self._refresh_list()
        if conv_id != self._current:
            return
        self.composer.set_busy(False)
        notice, kind = notice_for(outcome.status, error)
        self.view.finish_answer(stream.turn_id, notice, kind)
        QTimer.singleShot(300, self.view.collect_garbage)
        self.status.show_usage(outcome.usage, self._conversation_usage(conv_id))
        if outcome.status == "complete":
            self.status.done(outcome.elapsed_s)
        elif outcome.status == "incomplete":
            self.status.done(outcome.elapsed_s, incomplete=True)
        elif outcome.status == "stopped":
            self.status.stopped()
        else:
            failure = outcome.failure
            message = failure.message if failure else "The answer failed."
            self.status.error("Failed")
            self.banner.show_message(
                message,
                retry=True,
                settings=bool(
                    failure
                    and (
                        failure.kind in {"authentication", "permissiondenied"}
                        or "Settings" in failure.message
                    )
                ),
            )

    def _save_outcome(self, stream: AnswerStream, outcome: AnswerOutcome, error: str) -> None:
        reply = outcome.reply
        try:
            self._store.finish_message(
                stream.message_id,
                MessageStatus(outcome.status),
                text=outcome.text or outcome.refusal,
                reasoning=outcome.reasoning,
                usage=to_message_usage(outcome.usage),
                model=(reply.model if reply and reply.model else stream.model),
                response_id=reply.response_id if reply else None,
                error=error or None,
                response={
                    "id": reply.response_id if reply else None,
                    "status": outcome.status,
                    "tools": list(stream.tool_items.values()),
                    "citations": stream.sources(),
                },
            )
        except StoreError as err:
            self.banner.show_message(err.user_message)
            log.error("could not save the answer: %s", err)

    # --------------------------------------------------------------- copy
    def copy_last_answer(self) -> None:
        if self._current is None:
            return
        for message in reversed(self._store.messages(self._current)):
            if message.role == "assistant" and message.text:
                QGuiApplication.clipboard().setText(message.text)
                self.status.showMessage("Copied the last answer.", 3000)
                return

    def _copy_answer_by_turn(self, tid: str) -> None:
        if self._current is None:
            return
        stream = self._streams.get(self._current)
        if stream is not None and stream.turn_id == tid:
            QGuiApplication.clipboard().setText(stream.text)
            return
        for message in self._store.messages(self._current):
            if turn_id(message.id) == tid:
                QGuiApplication.clipboard().setText(message.text)
                self.status.showMessage("Copied the answer as Markdown.", 3000)
                return

    def copy_last_code(self) -> None:
        def done(code: object) -> None:
            if isinstance(code, str):
                QGuiApplication.clipboard().setText(code)
                self.status.showMessage("Copied the last code block.", 3000)
            else:
                self.status.showMessage("There is no code block to copy.", 3000)

        self.view.last_code(done)

    # --------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self._save_draft()
        self._state.setValue("window/geometry", self.saveGeometry())
        self._state.setValue("window/splitter", self.splitter.saveState())
        self._state.sync()
        for stream in list(self._streams.values()):
            stream.stop()
        for stream in list(self._streams.values()):
            if not stream.join(2000):
                log.warning("a response thread did not stop within 2 s")
            # Save what arrived; the queued `done` will not be delivered after close.
            self._store.finish_message(
                stream.message_id,
                MessageStatus.STOPPED,
                text=stream.text,
                reasoning=stream.reasoning_text,
                usage=None,
                model=stream.model,
                response_id=None,
                error=None,
            )
        self._streams.clear()
        super().closeEvent(event)
