"""Starts the Qt application: environment for QtWebEngine, logging, the
settings, keyring and history, then the main window.

Heavy modules (QtWebEngine, the renderer, the API client) are imported here,
not at package import, so `parley ask` stays light.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from desktop import APP_ID, APP_NAME, __version__, process

if TYPE_CHECKING:
    from desktop.config.lazy_secrets import LazyKeyringSecrets
    from desktop.config.secrets import SecretStore
    from desktop.config.settings import Settings
    from desktop.store import Store
    from desktop.ui.main_window import MainWindow
    from desktop.ui.widgets.settings.conversation_panel import ConversationSettingsPanel

log = logging.getLogger(__name__)
# The open window, so that the exception hook can tell the person something failed.
_windows: list[MainWindow] = []


def _chromium_flags() -> None:
    """QtWebEngine refuses to start as root unless its sandbox is off."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    wanted = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        wanted.append("--no-sandbox")
    if wanted:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([flags, *wanted]).strip()


def _route_qt_messages_to_log() -> None:
    """Qt's own warnings (GPU probing and the like) go to the log, not the terminal."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qt_log = logging.getLogger("qt")
    expected = expected_qt_messages()

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        level = levels.get(kind, logging.WARNING)
        if level < logging.CRITICAL and message.startswith(expected):
            level = logging.DEBUG
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


# What Qt reports at every start when OpenGL is off (see rendering_defaults): QtWebEngine
# still asks an OpenGL QRhi which GPU there is, that probe fails as intended, and
# Chromium then has no GPU details.
NO_OPENGL_MESSAGES = (
    "QXcbIntegration: Cannot create platform OpenGL context",
    "QXcbIntegration: Cannot create platform offscreen surface",
    "QRhiGles2: Failed to create",
    "Failed to create RHI for backend: OpenGL",
    "GPUInfo not initialized",
)


def opengl_off() -> bool:
    """Whether Qt runs without OpenGL because Parley draws in software."""
    return (
        os.environ.get("QT_QUICK_BACKEND") == "software"
        and os.environ.get("QT_XCB_GL_INTEGRATION") == "none"
    )


def expected_qt_messages() -> tuple[str, ...]:
    """Prefixes of Qt messages that are expected in this configuration, not news."""
    return NO_OPENGL_MESSAGES if opengl_off() else ()


def rendering_defaults() -> list[str]:
    """Qt Quick's software renderer for the web view unless the person chose one,
    and then no OpenGL at all on X11.

    Measured on a 2-core machine without a GPU (Mesa llvmpipe): with OpenGL the GUI
    thread was busy 100 % compositing a streaming answer (event-loop p99 89 ms);
    with the software renderer it idles (p99 6 ms) and the app uses half the CPU.
    A chat transcript gains nothing from GPU compositing.

    With the software renderer nothing draws through OpenGL, yet Qt still loaded the
    GL driver at start (Mesa with LLVM here) for QtWebEngine's GPU probe and a shared
    context: ~0.2 s of a 0.85 s start and ~38 MB. `QT_XCB_GL_INTEGRATION=none` skips
    that; streaming costs the same CPU either way (tests/bench/bench_ui.py).

    Returns the names of the variables it set, for `restore_environment`.
    """
    chosen: list[str] = []
    if "QT_QUICK_BACKEND" not in os.environ:
        os.environ["QT_QUICK_BACKEND"] = "software"
        chosen.append("QT_QUICK_BACKEND")
    if os.environ["QT_QUICK_BACKEND"] == "software" and "QT_XCB_GL_INTEGRATION" not in os.environ:
        os.environ["QT_XCB_GL_INTEGRATION"] = "none"
        chosen.append("QT_XCB_GL_INTEGRATION")
    return chosen


def restore_environment(names: list[str]) -> None:
    """Takes back what `rendering_defaults` set, once Qt has read it (its renderer and
    OpenGL choices are made once per process, by the first paint), so that programs
    Parley starts later, such as a browser opened for a link, do not inherit them."""
    for name in names:
        os.environ.pop(name, None)


def _chromium_quiet() -> None:
    """Chromium's own logging goes to stderr: keep only fatal messages there.
    Also expose V8's gc() to our page, which the view calls after each answer
    (the page runs only our own script, under a strict content policy)."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--log-level" not in flags:
        flags = f"{flags} --log-level=3"
    if "--expose-gc" not in flags:
        if "--js-flags=" in flags:
            flags = flags.replace("--js-flags=", "--js-flags=--expose-gc,", 1)
        else:
            flags = f"{flags} --js-flags=--expose-gc"
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.strip()


def _install_excepthook() -> None:
    """A bug in a slot must not end the app with a traceback on the terminal."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        from desktop.store.errors import StoreError

        if isinstance(error, StoreError):
            # An expected failure some path did not catch: still said, never silent.
            log.warning("history failure: %s", error, exc_info=(kind, error, tb))
            for window in _windows:
                window.banner.show_message(error.user_message)
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        for window in _windows:
            window.statusBar().showMessage("Something went wrong; details are in the log.", 8000)

    sys.excepthook = hook


def create_main_window(
    store: Store,
    settings: Settings,
    secrets: SecretStore,
    environ: Mapping[str, str],
    *,
    first_run_dialog: bool = True,
    notice: str | None = None,
) -> MainWindow:
    """The window wired to its collaborators (also used by the GUI tests).
    `notice` is shown in the banner once the first conversation is on screen."""
    from PySide6.QtCore import QSettings, Qt, QTimer

    from desktop.config.settings import config_dir
    from desktop.config.window_config import SecretsHolder, WindowConfig
    from desktop.private import private_dir, private_file
    from desktop.ui.flows.settings import SettingsFlow
    from desktop.ui.main_window import MainWindow

    config = WindowConfig(settings, SecretsHolder(secrets), environ, store.conversation_settings)
    # Qt rewrites the file keeping the mode it finds, so it is created private.
    window_ini = private_file(private_dir(config_dir()) / "window.ini")
    state = QSettings(str(window_ini), QSettings.Format.IniFormat)
    window = MainWindow(store, config, state, panel=lambda: _conversation_panel(settings))

    def applied() -> None:
        window.appearance.apply(config.theme, config.font_px)
        window.connection_changed()

    flow = SettingsFlow(window, settings, config.secrets, environ, applied)
    window.settings_flow = flow
    window.settings_requested.connect(flow.open)

    def check_token() -> None:
        if config.connection().problem:
            flow.open()

    if notice is not None:
        # After the first paint: showing a conversation hides the banner.
        window.first_painted.connect(
            lambda: window.banner.show_message(notice, kind="info"),
            Qt.ConnectionType.SingleShotConnection,
        )
    if first_run_dialog:
        # After the first frame: looking the token up may wait on the keyring.
        window.first_painted.connect(
            lambda: QTimer.singleShot(0, check_token), Qt.ConnectionType.SingleShotConnection
        )
    return window


def _warm_up_after_first_paint(
    window: MainWindow, secrets: LazyKeyringSecrets, environ: Mapping[str, str]
) -> None:
    """Opens the keyring on a background thread once the first conversation is on
    screen (its import would compete with that frame for the interpreter). Not at all
    when the token comes from the environment: then only Settings needs the keyring."""
    from PySide6.QtCore import Qt

    from desktop.config.environment import ENV_API_TOKEN

    if environ.get(ENV_API_TOKEN):
        return

    def warm_up() -> None:
        secrets.warm_up()

    window.first_painted.connect(warm_up, Qt.ConnectionType.SingleShotConnection)


def _conversation_panel(settings: Settings) -> ConversationSettingsPanel:
    from desktop.ui.widgets.settings.conversation_panel import ConversationSettingsPanel

    return ConversationSettingsPanel(settings)


def _report_ready_on(window: MainWindow) -> None:
    """For benchmarks: prints `parley-ready <ms since process start>` on stderr
    once the conversation page has loaded, and `parley-painted <ms>` once it has
    painted the first conversation (`MainWindow.first_painted`)."""
    import time

    def since_start_ms() -> float:
        try:
            fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
            started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
            return (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000
        except (OSError, ValueError, IndexError, AttributeError):
            # Not Linux: no process start time to measure from.
            return -1.0

    def report(what: str) -> None:
        print(f"parley-{what} {since_start_ms():.0f}", file=sys.stderr, flush=True)

    window.view.ready.connect(lambda: report("ready"))
    window.first_painted.connect(lambda: report("painted"))


def _after_start(window: MainWindow, chosen: list[str], fallback_ms: int = 5000) -> None:
    """Once the first conversation is painted (or after a few seconds, should that
    never happen): start-up is over for `desktop.process` (the collector resumes),
    and the environment variables Parley set for Qt are taken back."""
    from PySide6.QtCore import Qt, QTimer

    done = False

    def resume() -> None:
        nonlocal done
        if done:
            return
        done = True
        process.start_up_over()
        restore_environment(chosen)

    window.first_painted.connect(resume, Qt.ConnectionType.SingleShotConnection)
    QTimer.singleShot(fallback_ms, window, resume)


def run_gui(args: list[str]) -> int:
    process.configure()
    process.pause_collector_for_start_up()  # until the first paint, see _after_start
    try:
        return _run_gui(args)
    finally:
        process.start_up_over()  # had start-up ended early


def no_display(environ: Mapping[str, str], args: Sequence[str], platform: str) -> str | None:
    """A sentence when there is plainly no graphical session to open a window on
    (Qt would abort the process with only a log line), else None."""
    if not platform.startswith("linux") or "-platform" in args:
        return None
    if any(environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        return None
    return (
        "Parley needs a graphical desktop and found none (DISPLAY and WAYLAND_DISPLAY are "
        "not set). From a terminal, use 'parley ask'; on a server, run it under xvfb-run."
    )


def _run_gui(args: list[str]) -> int:
    missing = no_display(os.environ, args, sys.platform)
    if missing:
        sys.stderr.write(f"parley: {missing}\n")
        return 1
    from desktop.config.environment import take_environment

    # Before anything can start a child process; Parley reads its own copy.
    environ = take_environment()
    from desktop.memory import limit_malloc_arenas

    # Before any thread starts: each would otherwise get an arena of its own.
    arenas = limit_malloc_arenas()
    from desktop.history_open import start_check
    from desktop.store.paths import default_db_path

    # The history's integrity check runs while Qt starts (~1 s for 1 GB).
    history_check = start_check(default_db_path())
    chosen = rendering_defaults() + arenas
    _chromium_flags()
    _chromium_quiet()
    from desktop.logs import setup_logging

    log_file = setup_logging()
    _install_excepthook()
    from desktop.qtfix import guard_refcount_bugs

    guard_refcount_bugs()
    from desktop.qtfeature import speed_up_feature_scan

    speed_up_feature_scan()
    # QtWebEngineWidgets must be imported before the QApplication exists.
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    _route_qt_messages_to_log()
    app = QApplication([sys.argv[0], *args])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)
    app.setStyle("Fusion")
    from desktop.single_instance import SingleInstance, bring_forward
    from desktop.store.paths import data_dir

    instance = SingleInstance(data_dir(), app)
    if instance.hand_over():
        log.info("Parley already runs on this history: its window was brought forward")
        return 0
    instance.listen()
    from desktop.resources import resource

    icon = resource("icons", "parley.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    from PySide6.QtGui import QFontDatabase

    # The packaged app carries its math font; a source checkout uses the system's.
    for font in sorted(resource("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))

    from desktop.config.lazy_secrets import LazyKeyringSecrets
    from desktop.config.settings import Settings
    from desktop.history_open import open_history
    from desktop.store.errors import StoreError

    settings = Settings()
    secrets = LazyKeyringSecrets()
    try:
        store, notice = open_history(default_db_path(), history_check)
    except StoreError as error:
        QMessageBox.critical(None, APP_NAME, f"{error.user_message}\n\nThe log is at {log_file}.")
        return 1
    window = create_main_window(store, settings, secrets, environ, notice=notice)
    _windows.append(window)
    _after_start(window, chosen)
    _warm_up_after_first_paint(window, secrets, environ)
    if os.environ.get("PARLEY_REPORT_READY") == "1":
        _report_ready_on(window)
    window.show()
    instance.activated.connect(partial(bring_forward, window))
    if settings.warning:
        window.statusBar().showMessage(settings.warning, 10000)
    try:
        return app.exec()
    finally:
        from desktop.ui.widgets.web_page import release_web_engine

        _windows.clear()
        instance.activated.disconnect()  # it holds the window, which goes first
        del window
        release_web_engine()
        store.close()
