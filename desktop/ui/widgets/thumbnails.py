"""Attached images decoded for showing — page thumbnails, composer chips, the
viewer — on a worker thread, with a bound on the memory a decode may take.

A stored image can be far larger than one Parley would attach today (an old
history, a crafted import): a 59-megapixel PNG takes seconds and hundreds of
megabytes to decode, so no decode of attachment bytes runs on the GUI thread.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader

from desktop.attachments import MAX_PIXELS

log = logging.getLogger(__name__)

MB = 1024 * 1024
# Enough for the largest image attaching accepts, decoded at 4 bytes a pixel;
# Qt refuses (a null image) anything that would need more.
DECODE_LIMIT_MB = -(-MAX_PIXELS * 4 // MB)
PAGE_SIDE = 256  # longest side of a thumbnail in the conversation
CHIP_SIDE = 96  # longest side of a thumbnail in the composer


def read_image(data: bytes, longest: int | None = None) -> QImage:
    """The image in `data`, no longer than `longest` on its longest side (None: as
    is); a null QImage when it cannot be read or would exceed the decode limit.
    Safe on any thread; meant for worker threads."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    reader.setAllocationLimit(DECODE_LIMIT_MB)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_PIXELS:
        return QImage()
    if longest is not None and max(size.width(), size.height()) > longest:
        # JPEG decodes straight to a fraction of the size; other formats are
        # decoded whole and scaled by the reader.
        reader.setScaledSize(
            size.scaled(QSize(longest, longest), Qt.AspectRatioMode.KeepAspectRatio)
        )
    return reader.read()


def thumbnail_url(data: bytes, side: int = PAGE_SIDE) -> str:
    """A small JPEG/PNG data URL of an image for the page ("" when unreadable);
    the page never gets full images."""
    image = read_image(data, side)
    if image.isNull():
        return ""
    out = QByteArray()
    buffer = QBuffer(out)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    fmt, mime = ("PNG", "image/png") if image.hasAlphaChannel() else ("JPEG", "image/jpeg")
    image.save(buffer, fmt, 85)  # type: ignore[call-overload]  # the stubs want bytes; PySide6 6.12 mishandles them
    return f"data:{mime};base64,{base64.b64encode(bytes(out.data())).decode('ascii')}"


class _Relay(QObject):
    """Delivers a job's result to its callback on the GUI thread (a queued signal)."""

    done = Signal(object, object)


class ImageJobs(QObject):
    """Runs image decodes one at a time on a worker thread (one at a time bounds
    the memory they take together) and hands each result to its callback on the
    GUI thread. Deleting the owner waits for a running decode, then drops results."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        # The pool is created first, so it is destroyed (waiting for its job)
        # before the relay its job reports to.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(lambda callback, result: callback(result))

    def run(self, work: Callable[[], Any], callback: Callable[[Any], None]) -> None:
        relay = self._relay

        def job() -> None:
            try:
                result = work()
            except Exception:  # a bug: logged, and the callback still gets an answer
                log.exception("decoding an image failed")
                result = None
            relay.done.emit(callback, result)

        self._pool.start(job)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self._pool.waitForDone(timeout_ms)
