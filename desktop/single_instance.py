"""One Parley per user and history: launching it again (a double-click, the
.desktop entry) brings the running window forward and exits, rather than
starting a second process writing the same history."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
MESSAGE = b"activate"
# What the launcher gave the new process so that its window may take the focus
# (Wayland's xdg-activation; X11 startup notification): handed to the running one.
ACTIVATION_VARIABLES = ("XDG_ACTIVATION_TOKEN", "DESKTOP_STARTUP_ID")
TOKEN = re.compile(r"[A-Za-z0-9_.:+=/-]{1,256}")


def server_name(data_dir: Path) -> str:
    """Per user and per history folder, so that isolated XDG folders (tests, a
    second profile) each get their own Parley."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"parley-{user}-{digest}"


class SingleInstance(QObject):
    """Signals: activated(token) when another launch asked this window to come
    forward; `token` is the launcher's activation token, or ""."""

    activated = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server: QLocalServer | None = None

    def hand_over(self) -> bool:
        """True when a Parley already runs on this history and was asked to come
        forward: then this process should exit."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False  # nobody listens, or a stale socket left by a crash
        socket.write(MESSAGE + b" " + activation_token(os.environ).encode() + b"\n")
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return sent

    def listen(self) -> bool:
        """Starts answering later launches. False (logged) when it cannot: Parley
        then runs as before, without the hand-over."""
        # A socket file left by a Parley that crashed would make listen() fail.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("cannot listen for other launches: %s", server.errorString())
            return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # A bound method, not a lambda holding `socket` and `self`: such a cycle
            # is freed by Python's collector at any moment, even inside a slot.
            socket.readyRead.connect(self._ready_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        words = bytes(socket.readAll().data()).decode("ascii", "replace").split()
        if words[:1] == [MESSAGE.decode()]:
            log.info("another launch asked this window to come forward")
            token = words[1] if len(words) > 1 and TOKEN.fullmatch(words[1]) else ""
            self.activated.emit(token)


def activation_token(environ: os._Environ[str] | dict[str, str]) -> str:
    """The activation token this process was launched with, or ""."""
    for name in ACTIVATION_VARIABLES:
        token = environ.get(name, "")
        if TOKEN.fullmatch(token):
            return token
    return ""


def bring_forward(window: QWidget, token: str = "") -> None:
    """Shows the window above the others with keyboard focus (as far as the
    window manager allows one program to raise itself). On Wayland the launcher's
    `token` is what allows it: Qt's Wayland plugin takes it from the environment
    when the window asks to be activated."""
    if token:
        os.environ["XDG_ACTIVATION_TOKEN"] = token
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
