"""Attachment benchmark: preparing a 12-megapixel photo-like image (noise over gradients,
the worst case for JPEG), a screenshot and a transparent image, and the size of each
one's request part. Run: .venv/bin/python -m tests.bench.bench_attach

The GUI half (no frame longer than 50 ms while a photo is prepared) needs the window:
it runs `prepare_attachment` on a worker thread, so the GUI thread only shows the chip.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRect
from PySide6.QtGui import QColor, QImage, QImageWriter, QLinearGradient, QPainter, QRadialGradient

from desktop.api.attachments import Attachment, content_part
from desktop.attachments import MAX_PART, prepare_attachment

RUNS = 5


def photo_like(width: int = 4000, height: int = 3000) -> bytes:
    """A JPEG (quality 92) of smooth gradients under strong per-pixel noise."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(QPointF(0, 0), QPointF(width * 0.3, height))
    sky.setColorAt(0, QColor(40, 90, 170))
    sky.setColorAt(0.55, QColor(230, 190, 140))
    sky.setColorAt(1, QColor(30, 60, 25))
    painter.fillRect(image.rect(), sky)
    sun = QRadialGradient(QPointF(width * 0.7, height * 0.35), height * 0.3)
    sun.setColorAt(0, QColor(255, 245, 200, 230))
    sun.setColorAt(1, QColor(255, 200, 120, 0))
    painter.fillRect(image.rect(), sun)
    noise = QImage(
        os.urandom(width * height * 3), width, height, width * 3, QImage.Format.Format_RGB888
    )
    painter.setOpacity(0.22)
    painter.drawImage(0, 0, noise)
    painter.end()
    return encode(image, b"JPEG", 92)


def screenshot_like(width: int = 2880, height: int = 1800) -> bytes:
    """A PNG of flat panels and text-like bars, as a HiDPI window screenshot is."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f6f8fa"))
    painter = QPainter(image)
    painter.fillRect(QRect(0, 0, 520, height), QColor("#20232a"))
    palette = [QColor("#1f2328"), QColor("#4f46e5"), QColor("#656d76"), QColor("#b42318")]
    for row in range(60, height - 40, 34):
        for col in range(600, width - 200, 260):
            length = 60 + (row * 7 + col * 3) % 190
            painter.fillRect(QRect(col, row, length, 14), palette[(row + col) % 4])
    painter.end()
    return encode(image, b"PNG")


def transparent_like(size: int = 3000) -> bytes:
    """A PNG logo-like drawing with an alpha channel and soft edges."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    glow = QRadialGradient(QPointF(size / 2, size / 2), size / 2)
    glow.setColorAt(0, QColor(79, 70, 229, 255))
    glow.setColorAt(1, QColor(6, 182, 212, 0))
    painter.setBrush(glow)
    painter.drawEllipse(QRect(0, 0, size, size))
    painter.end()
    return encode(image, b"PNG")


def encode(image: QImage, fmt: bytes, quality: int = -1) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, fmt)
    writer.setQuality(quality)
    writer.write(image)
    return bytes(buffer.data().data())


def timed(data: bytes, name: str) -> tuple[float, Attachment]:
    """The median time of RUNS preparations, and the last result."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        attachment = prepare_attachment(data, name)
        times.append(time.perf_counter() - start)
    return statistics.median(times), attachment


def main() -> int:
    from desktop.qtfix import guard_refcount_bugs

    guard_refcount_bugs()  # QPainter calls below: see desktop/qtfix.py
    cases = {
        "12 MP photo (JPEG)": ("photo.jpg", photo_like()),
        "HiDPI screenshot (PNG)": ("screenshot.png", screenshot_like()),
        "transparent 9 MP (PNG)": ("logo.png", transparent_like()),
    }
    failed = False
    for label, (name, data) in cases.items():
        seconds, attachment = timed(data, name)
        part = json.dumps(content_part(attachment))
        image = QImage.fromData(attachment.data)
        ok = len(part) <= MAX_PART + 100  # the part's JSON keys and quotes
        failed |= not ok
        print(
            f"{label:24} input {len(data) / 1e6:5.1f} MB -> {attachment.mime:10}"
            f" {image.width()}x{image.height()}, part {len(part) / 1e6:.2f} MB,"
            f" median {seconds * 1000:.0f} ms of {RUNS}{'' if ok else '  OVER BUDGET'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
