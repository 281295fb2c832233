"""The main window: lays out the side bar, conversation view, composer, banner and
status bar, builds the controllers that drive them (`desktop.ui.flows`) and
connects their signals. It holds no job's state: the conversation shown is
`CurrentConversation`, answers in flight are `ChatFlow`'s, what the page shows is
`DisplayFlow`'s."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSplitter,
)

from desktop import APP_NAME
from desktop.ui.flows.appearance import THEMES, Appearance
from desktop.ui.flows.chat import ChatFlow
from desktop.ui.flows.current import CurrentConversation
from desktop.ui.flows.display import DisplayFlow
from desktop.ui.flows.find import FindFlow
from desktop.ui.flows.panel import PanelFlow
from desktop.ui.widgets.about import show_about
from desktop.ui.widgets.actions import ACTIONS, MENUS, build_actions
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.sidebar import Sidebar
from desktop.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from desktop.config.window_config import WindowConfig
    from desktop.store import Store
    from desktop.ui.flows.settings import SettingsFlow
    from desktop.ui.widgets.command_palette import CommandPalette
    from desktop.ui.widgets.settings.conversation_panel import ConversationSettingsPanel

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Signals: settings_requested() — the window cannot reach the dialog itself;
    first_painted() — once, when the page has painted the first conversation shown
    (or did not report a frame within a second of loading): start-up's deferred
    work (keyring, first-run checks) waits for it so as not to delay that frame."""

    settings_requested = Signal()
    first_painted = Signal()

    def __init__(
        self,
        store: Store,
        config: WindowConfig,
        state: QSettings,
        panel: Callable[[], ConversationSettingsPanel] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self._config = config
        self._state = state
        self.settings_flow: SettingsFlow | None = None
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")

        self.sidebar = Sidebar(
            self, fetch=lambda offset, limit: store.list_conversations(limit, offset)
        )
        pane = ConversationPane(self)
        self.view, self.banner, self.find_bar = pane.view, pane.banner, pane.find_bar
        self.composer = pane.composer
        self.current = CurrentConversation(self)
        from desktop.ui.widgets.attachment_tray import AttachmentTray

        self.tray = AttachmentTray(lambda: config.image_detail(self.current.id), self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._lay_out(pane)
        self.panel_dock = QDockWidget("This conversation", self)
        self.panel_dock.setObjectName("conversationSettingsDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.panel_dock.hide()

        parts = (self.view, self.composer)
        self.chat = ChatFlow(
            self.current, store, config, *parts, self.tray, self.banner, self.status, self
        )
        self.display = DisplayFlow(
            self.current, store, config, self.chat, *parts, self.banner, self.status, self
        )
        self.appearance = Appearance(self.view, config.theme, config.font_px, self)
        self.finder = FindFlow(self.find_bar, self.view, self.composer, self)
        self.panel_flow = PanelFlow(self.panel_dock, panel, self.current, store)
        from desktop.ui.flows.history import HistoryFlow

        self.history = HistoryFlow(
            self.current,
            store,
            self.sidebar,
            self.banner,
            self.status,
            self.appearance.is_dark,
            self,
        )
        self.actions_by_id = build_actions(self, self._handlers())
        self._build_menus()
        self._command_palette: CommandPalette | None = None  # built on first use (Ctrl+K)
        self._wire()
        self.appearance.again()
        self._restore_geometry()
        self.refresh_list()
        conversations = self.sidebar.ids()
        # Drawn once the event loop runs, so the window shows while the page loads.
        first = conversations[0] if conversations else None
        QTimer.singleShot(0, lambda: self._open_first(first))
        self.display.show_model()
        QTimer.singleShot(0, self.composer.focus)

    def _open_first(self, conv_id: int | None) -> None:
        # Answers left running on the server continue first, so that they are drawn
        # as streaming, not as interrupted with Retry.
        self.chat.resume_left_running()
        self.display.show(conv_id)

    # ------------------------------------------------------------ set-up
    def _lay_out(self, pane: ConversationPane) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([250, 950])
        self.setCentralWidget(self.splitter)
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

    def _wire(self) -> None:
        composer, tray, sidebar, view = self.composer, self.tray, self.sidebar, self.view
        chat, display, history = self.chat, self.display, self.history
        routes: list[tuple[SignalInstance, Callable[..., object]]] = [
            (composer.send_requested, chat.send),
            (composer.stop_requested, chat.stop),
            (composer.edit_last_requested, chat.edit_last_question),
            (composer.attach_requested, chat.choose_attachments),
            (composer.files_given, tray.add_paths),
            (composer.image_given, partial(tray.add_bytes, name="Pasted image.png")),
            (composer.remove_attachment, tray.remove),
            (composer.scroll_requested, display.scroll),
            (tray.changed, composer.set_attachments),
            (tray.problem, partial(self.banner.show_message, kind="warn")),
            (sidebar.conversation_selected, self.open_conversation),
            (sidebar.new_requested, self.new_conversation),
            (sidebar.delete_requested, self.delete_conversation),
            (self.banner.retry_requested, chat.retry),
            (self.banner.settings_requested, self.settings_requested.emit),
            (chat.list_changed, self.refresh_list),
            (history.list_changed, self.refresh_list),
            (history.open_requested, self.open_conversation),
            (history.message_requested, self.open_message),
            (history.sidebar_wanted, self.toggle_sidebar),
            (sidebar.rename_requested, history.rename),
            (sidebar.pin_requested, history.pin),
            (sidebar.export_requested, history.export),
            (sidebar.undo_requested, history.undo_delete),
            (sidebar.undo_expired, history.forget_deleted),
            (self.current.changed, sidebar.select),
            (self.current.changed, display.show_model),
            (self.panel_flow.changed, display.show_model),
            (chat.redraw, display.show),
            (view.version_requested, display.switch_version),
            (view.attachment_requested, display.open_attachment),
            (view.copy_answer_requested, display.copy_answer),
            (view.link_hovered, self.status.show_link),
            (display.first_painted, self.first_painted.emit),
            # The page lost everything (its process ended, or it was reloaded).
            (view.reloaded, self.appearance.again),
            (view.reloaded, display.reloaded),
            (self.appearance.applied, self._check_theme),
        ]
        for signal, slot in routes:
            signal.connect(slot)

    def _handlers(self) -> dict[str, Callable[[], object]]:
        flows = (self.chat, self.display, self.history, self.finder, self.appearance)
        return {
            **{name: run for flow in flows for name, run in flow.commands().items()},
            "new": self.new_conversation,
            "settings": self.settings_requested.emit,
            "quit": self.close,
            "focus_composer": self.composer.focus,
            "toggle_sidebar": self.toggle_sidebar,
            "previous_conversation": lambda: self._step_conversation(-1),
            "next_conversation": lambda: self._step_conversation(+1),
            "delete_conversation": lambda: self.delete_conversation(self.current.id),
            "conversation_settings": self.panel_flow.toggle,
            "palette": self.show_palette,
            "shortcuts": self.show_shortcuts,
            "about": lambda: show_about(self),
        }

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        for spec in ACTIONS:
            menus[spec.menu].addAction(self.actions_by_id[spec.id])
        self.actions_by_id["toggle_sidebar"].setChecked(True)

    def _check_theme(self, theme: str) -> None:
        for name in THEMES:
            self.actions_by_id[f"theme_{name}"].setChecked(name == theme)

    # ------------------------------------------------------------- state
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

    def connection_changed(self) -> None:
        """Settings changed: refresh what depends on the connection and globals."""
        self.panel_flow.refresh_globals()
        self.display.show_model()
        self.display.show_hint()
        if not self._config.connection().problem and self.banner.settings.isVisible():
            self.banner.hide()

    # ------------------------------------------------------ conversations
    def refresh_list(self) -> None:
        if self.chat.closing:
            return  # a refresh queued before closing: the store may be gone
        self.sidebar.reload(self.current.id)

    def open_message(self, conv_id: int, message_id: int) -> None:
        """Opens a conversation scrolled to one message (a search hit)."""
        self.display.open(conv_id, focus=message_id)

    def new_conversation(self) -> None:
        self.display.open(None)
        self.sidebar.select(None)
        self.composer.focus()

    def open_conversation(self, conv_id: int) -> None:
        if conv_id != self.current.id:
            self.display.open(conv_id)

    def _step_conversation(self, step: int) -> None:
        ids = self.sidebar.ids()
        if not ids:
            return
        if self.current.id in ids:
            index = (ids.index(self.current.id) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self.open_conversation(ids[index])

    def delete_conversation(self, conv_id: int | None) -> None:
        if conv_id is None:
            return
        self.chat.shutdown(conv_id)
        ids = self.sidebar.ids()
        title = self.store.conversation(conv_id).title
        self.store.delete_conversation(conv_id)
        self.refresh_list()
        if conv_id == self.current.id:
            remaining = [i for i in ids if i != conv_id]
            self.display.show(remaining[0] if remaining else None)
        self.history.deleted(conv_id, title)

    # ------------------------------------------------------ small views
    @property
    def command_palette(self) -> CommandPalette:
        """The Ctrl+K palette, built the first time it is asked for."""
        if self._command_palette is None:
            from desktop.ui.widgets.command_palette import CommandPalette

            self._command_palette = CommandPalette(
                list(self.actions_by_id.values()),
                lambda: [(c.id, c.title) for c in self.store.list_conversations(limit=500)],
                self,
            )
            self._command_palette.conversation_chosen.connect(self.open_conversation)
        return self._command_palette

    def show_palette(self) -> None:
        self.command_palette.popup()

    def show_shortcuts(self) -> None:
        from desktop.ui.widgets.shortcut_sheet import ShortcutSheet

        sheet = ShortcutSheet(list(self.actions_by_id.values()), self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()

    def toggle_sidebar(self) -> None:
        visible = not self.sidebar.isVisible()
        self.sidebar.setVisible(visible)
        self.actions_by_id["toggle_sidebar"].setChecked(visible)

    # --------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        self.display.save_draft()
        self._state.setValue("window/geometry", self.saveGeometry())
        self._state.setValue("window/splitter", self.splitter.saveState())
        self._state.sync()
        self.chat.shutdown()
        if self.settings_flow is not None:
            self.settings_flow.shutdown()  # a connection test still running ends first
        super().closeEvent(event)
