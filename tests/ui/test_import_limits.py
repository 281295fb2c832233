"""File ▸ Import meets the limits of attaching, and a large imported image never
stalls the window: its thumbnail is decoded on a worker thread."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

pytestmark = pytest.mark.gui


def _png(width: int, height: int) -> bytes:
    """An RGB PNG of the given size, small on disk but costly to decode: every row
    uses the Paeth filter and repeats one pattern (zlib finds the repeat, the
    decoder still unfilters every pixel)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x04" + bytes((i * 7 + i // 3) % 251 for i in range(width * 3))
    packer = zlib.compressobj(6)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _spy_page_calls(view: Any) -> list[str]:
    """The names of the page functions the view calls from now on (still called)."""
    names: list[str] = []
    call = view.call

    def spy(function: str, *args: Any) -> None:
        names.append(function)
        call(function, *args)

    view.call = spy
    return names


def _export(path: Path, images: list[tuple[str, bytes]]) -> Path:
    attachments = [
        {
            "kind": "image",
            "name": name,
            "mime": "image/png",
            "detail": "auto",
            "size": len(data),
            "data": base64.b64encode(data).decode("ascii"),
        }
        for name, data in images
    ]
    document = {
        "format": "parley.conversation",
        "version": 1,
        "conversation": {"title": "Crafted"},
        "messages": [
            {"id": 1, "parent_id": None, "role": "user", "text": "Look",
             "attachments": attachments},
            {"id": 2, "parent_id": 1, "role": "assistant", "text": "Seen."},
        ],
    }  # fmt: skip
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_oversize_attachment_is_left_out_with_a_sentence(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = make_window()
    small = _png(64, 48)
    # 61 megapixels, over the 60 attaching accepts (only the header is ever read).
    huge = _png(1, 1)[:8] + _header_chunk(7810, 7810) + _png(1, 1)[33:]
    path = _export(tmp_path / "crafted.json", [("small.png", small), ("huge.png", huge)])
    conv_id = window.history.read_import(path)
    assert conv_id is not None
    store = window.store
    messages = store.messages(conv_id)
    assert [m.text for m in messages] == ["Look", "Seen."]
    kept = store.attachments(messages[0].id)
    assert [a.name for a in kept] == ["small.png"]
    assert window.banner.isVisible()
    sentence = window.banner.message
    assert "“huge.png”" in sentence and "61 megapixels" in sentence
    assert sentence.endswith(".") and ". " not in sentence  # one sentence


def _header_chunk(width: int, height: int) -> bytes:
    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return struct.pack(">I", 13) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def test_large_imported_image_is_decoded_off_the_gui_thread(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = make_window()
    page_calls = _spy_page_calls(window.view)
    # 59 megapixels: within the limits, but about a second to decode.
    path = _export(tmp_path / "large.json", [("large.png", _png(7680, 7680))])
    ticks: list[float] = []
    monitor = QTimer()
    monitor.setInterval(5)
    monitor.timeout.connect(lambda: ticks.append(time.perf_counter()))
    monitor.start()
    qtbot.waitUntil(lambda: len(ticks) > 5, timeout=5000)
    QTimer.singleShot(0, lambda: window.history.read_import(path))
    # The thumbnails reach the page in one call, once decoded.
    qtbot.waitUntil(lambda: "attachments" in page_calls, timeout=20000)
    monitor.stop()
    lateness = max(b - a for a, b in zip(ticks, ticks[1:], strict=False))
    assert lateness < 0.5, f"the event loop stalled for {lateness * 1000:.0f} ms"
