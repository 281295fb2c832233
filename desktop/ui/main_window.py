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
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.store.errors import StoreError
from desktop.ui.actions import ACTIONS, MENUS, build_actions
from desktop.ui.banner import Banner
from desktop.ui.composer import Composer
from desktop.ui.conversation_view import ConversationView
from desktop.ui.find_bar import FindBar
from desktop.ui.sidebar import Sidebar
from desktop.ui.status_bar import StatusBar
from desktop.ui.theme import apply_theme, is_dark
from desktop.ui.unsaved import UnsavedAnswers
from desktop.ui.window_display import DisplayMixin
from desktop.ui.window_panel import PanelMixin
from desktop.ui.window_send import SendMixin

if TYPE_CHECKING:
    # Imported for real only when first used: the API client (httpx) and the
    # renderer are not needed to show the window, and start-up is a budget.
    from desktop.api.events import Usage
    from desktop.config.connection import Connection
    from desktop.store import Store
    from desktop.ui.answer import AnswerStream

log = logging.getLogger(__name__)

DRAFT_SAVE_MS = 800


class MainWindow(DisplayMixin, SendMixin, PanelMixin, QMainWindow):
    """Signals: settings_requested() — the window cannot reach the dialog itself;
    first_painted() — once, when the page has painted the first conversation shown
    (or did not report a frame within a second of loading): start-up's deferred
    work (keyring, first-run checks) waits for it so as not to delay that frame."""

    settings_requested = Signal()
    first_painted = Signal()

    def __init__(
        self,
        store: Store,
        connection: Callable[[], Connection],
        options: Callable[[int | None], dict[str, Any]],
        state: QSettings,
        theme: str = "system",
        font_px: int = 15,
        panel: Callable[[], Any] | None = None,
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
        # Answers done whose final save waits for the page's last frame (window_send).
        self._finishing: dict[int, tuple[AnswerStream, Any]] = {}
        self._last_usage: dict[int, Usage] = {}
        self._closing = False
        self._pending_overrides: dict[str, Any] = {}
        self._editing: int | None = None  # id of the question being edited
        self._older: list[Any] = []
        self._paint_wait: tuple[int, Callable[[], None]] | None = None
        self._painted_once = False
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

        # Per-conversation model and parameters, in a dock at the right (window_panel.py).
        self._panel_factory = panel
        self._panel: Any = None
        self.panel_dock = QDockWidget("This conversation", self)
        self.panel_dock.setObjectName("conversationSettingsDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.panel_dock.hide()

        self.actions_by_id = build_actions(self, self._handlers())
        self._build_menus()
        self._command_palette: Any = None  # built on first use (Ctrl+K)
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
        self._unsaved = UnsavedAnswers(self)
        self._unsaved.failed.connect(self.banner.show_message)
        self._unsaved.saved.connect(lambda: self.status.showMessage("The answer is saved.", 4000))
        self.banner.settings_requested.connect(self.settings_requested)
        self.view.copy_answer_requested.connect(self._copy_answer_by_turn)
        self.view.version_requested.connect(self._switch_version)
        self.view.attachment_requested.connect(self._open_attachment)
        self.view.link_hovered.connect(self.status.show_link)
        self.composer.edit_last_requested.connect(self.edit_last_question)
        self.first_painted.connect(self._show_empty_hint)
        self.view.turns_painted.connect(self._turns_painted)
        self.view.reloaded.connect(self._page_reloaded)
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

    def _page_reloaded(self) -> None:
        """The page lost everything (its process ended, or it was reloaded): draw the
        appearance and the conversation again, an answer in flight included, keeping
        what is in the composer."""
        log.info("the conversation page loaded again: drawing the conversation anew")
        typed = self.composer.text()
        self.apply_appearance(self._theme, self._font_px)
        self._show_empty_hint()
        self._show_conversation(self._current)
        self.composer.set_text(typed)

    def _show_empty_hint(self) -> None:
        # After the first frame, not before: the hint may look the token up in the keyring.
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
        if self._closing:
            return  # a refresh queued before closing: the store may be gone
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

    @property
    def command_palette(self) -> Any:
        """The Ctrl+K palette, built the first time it is asked for."""
        if self._command_palette is None:
            from desktop.ui.command_palette import CommandPalette

            self._command_palette = CommandPalette(
                list(self.actions_by_id.values()),
                lambda: [(c.id, c.title) for c in self._store.list_conversations(limit=500)],
                self,
            )
            self._command_palette.conversation_chosen.connect(self.open_conversation)
        return self._command_palette

    def show_palette(self) -> None:
        self.command_palette.popup()

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

    def connection_changed(self) -> None:
        """Settings changed: refresh what depends on the connection and globals."""
        if self._panel is not None:
            self._panel.refresh_globals()
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
            try:
                self._store.save_draft(self._current, self.composer.text())
            except StoreError as err:
                # The text is still in the composer; the next change saves it again.
                log.warning("could not save the draft: %s", err)

    def _scroll(self, kind: str) -> None:
        if kind == "page-up":
            self.view.scroll_page(-1)
        elif kind == "page-down":
            self.view.scroll_page(+1)
        else:
            self.view.scroll_to_edge(kind == "end")

    # --------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self._save_draft()
        self._state.setValue("window/geometry", self.saveGeometry())
        self._state.setValue("window/splitter", self.splitter.saveState())
        self._state.sync()
        self.save_all_before_closing()
        super().closeEvent(event)
