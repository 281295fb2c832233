"""Attachments waiting to be sent: prepares each file on a worker thread
(decode, downscale, re-encode — a 12-megapixel photo must not stall the
window), keeps them in order and tells the composer what to show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from desktop.ui.widgets.attachment_strip import Chip

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from desktop.api.attachments import Attachment

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    name: str
    attachment: Attachment | None = None  # None while it is being prepared
    thumbnail: QImage | None = None  # small image for the chip, decoded on the worker too


class _Relay(QObject):
    """Carries a worker's result back to the GUI thread (queued signals)."""

    ready = Signal(int, object, object)
    failed = Signal(int, str)


class AttachmentTray(QObject):
    """Signals: changed(chips) — what the composer shows; problem(sentence)."""

    changed = Signal(list)
    problem = Signal(str)

    def __init__(self, detail: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._detail = detail
        self._slots: dict[int, _Slot] = {}
        self._next = 0
        self._relay = _Relay(self)
        self._relay.ready.connect(self._on_ready)
        self._relay.failed.connect(self._on_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    # ----------------------------------------------------------------- adding
    def add_paths(self, paths: list[str]) -> None:
        for path in paths:
            self._start(path, None)

    def add_bytes(self, data: bytes, name: str) -> None:
        self._start(data, name)

    def _start(self, source: str | bytes, name: str | None) -> None:
        from pathlib import Path

        key = self._next
        self._next += 1
        shown = name or Path(str(source)).name if isinstance(source, str) else name or "Pasted"
        self._slots[key] = _Slot(str(shown))
        detail = self._detail()
        relay = self._relay

        def job() -> None:
            from desktop.attachments import AttachmentError, prepare_attachment
            from desktop.ui.widgets.thumbnails import CHIP_SIDE, read_image

            try:
                attachment = prepare_attachment(source, name, detail)
                thumb = (
                    read_image(attachment.data, CHIP_SIDE) if attachment.kind == "image" else None
                )
                relay.ready.emit(key, attachment, thumb)
            except AttachmentError as error:
                relay.failed.emit(key, error.user_message)
            except Exception:  # a bug must reach the person as a sentence, not kill the worker
                log.exception("preparing an attachment failed")
                relay.failed.emit(key, "Something went wrong; details are in the log.")

        self._pool.start(job)
        self._emit()

    def _on_ready(self, key: int, attachment: Attachment, thumbnail: QImage | None) -> None:
        slot = self._slots.get(key)
        if slot is None:  # removed while it was being prepared
            return
        slot.attachment = attachment
        slot.thumbnail = thumbnail
        self._emit()

    def _on_failed(self, key: int, message: str) -> None:
        self._slots.pop(key, None)
        self.problem.emit(message)
        self._emit()

    # ------------------------------------------------------------- using them
    def remove(self, index: int) -> None:
        keys = list(self._slots)
        if 0 <= index < len(keys):
            del self._slots[keys[index]]
            self._emit()

    @property
    def preparing(self) -> bool:
        return any(slot.attachment is None for slot in self._slots.values())

    def __len__(self) -> int:
        return len(self._slots)

    def ready(self) -> list[Attachment]:
        """The prepared attachments, in the order given; the tray keeps them."""
        return [slot.attachment for slot in self._slots.values() if slot.attachment]

    def take(self) -> list[Attachment]:
        """The prepared attachments, in the order given; the tray is emptied."""
        ready = self.ready()
        self._slots.clear()
        self._emit()
        return ready

    def wait(self, timeout_ms: int = 5000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _emit(self) -> None:
        chips = []
        for slot in self._slots.values():
            att = slot.attachment
            if att is None:
                chips.append(Chip(slot.name, "pending"))
            else:
                chips.append(Chip(att.name, att.kind, slot.thumbnail, _size(att.size)))
        self.changed.emit(chips)


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{max(1, round(count / 1024))} KB"
    return f"{count / 1024 / 1024:.1f} MB"
