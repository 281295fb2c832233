"""One Parley per user and history: launching it again (a double-click, the
.desktop entry) brings the running window forward and exits, rather than
starting a second process writing the same history."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
MESSAGE = b"activate\n"


def server_name(data_dir: Path) -> str:
    """Per user and per history folder, so that isolated XDG folders (tests, a
    second profile) each get their own Parley."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"parley-{user}-{digest}"


class SingleInstance(QObject):
    """Signals: activated() when another launch asked this window to come forward."""

    activated = Signal()

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
        socket.write(MESSAGE)
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
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if MESSAGE.strip() in data:
            log.info("another launch asked this window to come forward")
            self.activated.emit()


def bring_forward(window: QWidget) -> None:
    """Shows the window above the others with keyboard focus (as far as the
    window manager allows one program to raise itself)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
