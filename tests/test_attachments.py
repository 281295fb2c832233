"""Preparing attachments: types found by content, images shrunk and re-encoded within
budget, and a plain sentence for every file that cannot be attached."""

from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage, QImageWriter

from desktop.api.attachments import content_part
from desktop.attachments import (
    MAX_PART,
    MAX_SIDE,
    AttachmentError,
    prepare_attachment,
    safe_name,
    sniff,
)

GIF_1X1 = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def encoded(image: QImage, fmt: bytes, quality: int = -1) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, fmt)
    writer.setQuality(quality)
    assert writer.write(image), writer.errorString()
    return bytes(buffer.data().data())


def flat(width: int, height: int, colour: str = "#4f46e5") -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


def noise(width: int, height: int, alpha: bool = False) -> QImage:
    if alpha:
        raw = os.urandom(width * height * 4)
        return QImage(raw, width, height, width * 4, QImage.Format.Format_RGBA8888).copy()
    raw = os.urandom(width * height * 3)
    return QImage(raw, width, height, width * 3, QImage.Format.Format_RGB888).copy()


def decoded(data: bytes) -> QImage:
    image = QImage.fromData(data)
    assert not image.isNull()
    return image


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size (with hardly any pixel data)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("fmt", "name"), [(b"PNG", "a.png"), (b"JPEG", "a.jpg"), (b"WEBP", "a.webp")]
)
def test_small_images_are_re_encoded_as_png_or_jpeg(fmt: bytes, name: str) -> None:
    attachment = prepare_attachment(encoded(flat(320, 200), fmt, 90), name)
    assert attachment.kind == "image" and attachment.detail == "auto"
    assert attachment.mime == "image/png"  # one flat colour: kept sharp as PNG
    assert attachment.name == name.rsplit(".", 1)[0] + ".png"
    assert decoded(attachment.data).size().toTuple() == (320, 200)


def test_gif_first_frame_becomes_png() -> None:
    attachment = prepare_attachment(GIF_1X1, "tiny.gif")
    assert (attachment.mime, attachment.name) == ("image/png", "tiny.png")
    assert decoded(attachment.data).width() == 1


def test_photo_is_downscaled_to_jpeg_within_budget(tmp_path: Path) -> None:
    path = tmp_path / "holiday.JPG"
    path.write_bytes(encoded(noise(3000, 1500), b"JPEG", 95))
    attachment = prepare_attachment(path, detail="high")
    assert (attachment.mime, attachment.name, attachment.detail) == (
        "image/jpeg",
        "holiday.JPG",
        "high",
    )
    assert decoded(attachment.data).size().toTuple() == (MAX_SIDE, MAX_SIDE // 2)
    assert len(json.dumps(content_part(attachment))) <= MAX_PART + 100


def test_large_screenshot_stays_png() -> None:
    image = flat(3000, 2000, "#ffffff")
    for x in range(0, 3000, 100):
        image.setPixelColor(x, 1000, QColor("#000000"))
    attachment = prepare_attachment(encoded(image, b"PNG"), "screen.png")
    assert attachment.mime == "image/png"
    assert decoded(attachment.data).width() == MAX_SIDE


def test_transparency_is_kept_in_png_or_flattened_when_too_big() -> None:
    logo = QImage(400, 400, QImage.Format.Format_ARGB32)
    logo.fill(QColor(0, 0, 0, 0))
    logo.setPixelColor(200, 200, QColor(255, 0, 0, 255))
    kept = prepare_attachment(encoded(logo, b"PNG"), "logo.png")
    assert kept.mime == "image/png" and decoded(kept.data).hasAlphaChannel()
    grainy = prepare_attachment(encoded(noise(1200, 1200, alpha=True), b"PNG"), "grain.png")
    assert grainy.mime == "image/jpeg" and grainy.name == "grain.jpg"
    assert len(grainy.data) * 4 / 3 <= MAX_PART


def test_content_decides_the_type_not_the_name() -> None:
    disguised = prepare_attachment(encoded(flat(10, 10), b"PNG"), "notes.txt")
    assert disguised.kind == "image" and disguised.name == "notes.png"
    pdf = prepare_attachment(PDF, "scan.jpg")
    assert (pdf.kind, pdf.mime, pdf.name) == ("file", "application/pdf", "scan.pdf")
    assert pdf.data == PDF
    assert sniff(b"PK\x03\x04rest") == "binary"
    assert sniff(b"plain words") is None


def test_text_files_in_common_encodings() -> None:
    utf8 = prepare_attachment("héllo\n".encode(), "a.py")
    assert (utf8.kind, utf8.mime, utf8.data) == ("text", "text/x-python", "héllo\n".encode())
    bom = prepare_attachment("\ufeffhé".encode(), "b.md")
    assert (bom.mime, bom.text()) == ("text/markdown", "hé")
    utf16 = prepare_attachment("naïve\r\n".encode("utf-16"), "c.csv")
    assert utf16.text() == "naïve\r\n"
    latin = prepare_attachment("café".encode("cp1252"), "d.txt")
    assert (latin.mime, latin.text()) == ("text/plain", "café")


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, "broken.png", "damaged image"),
        pytest.param(
            encoded(flat(200, 200), b"JPEG")[:300],
            "cut.jpg",
            "damaged image",
            # Qt's JPEG plugin reports the damage as warnings too (in the app's log).
            marks=pytest.mark.qt_log_ignore("JPEG"),
        ),
        (png_header(30000, 30000), "bomb.png", "900 megapixels"),
        (b"%PDF-1.7\n no end", "half.pdf", "damaged or incomplete PDF"),
        (b"PK\x03\x04" + b"\x00" * 100, "report.docx", "none of these"),
        (b"\x7fELF\x02\x01", "tool", "none of these"),
        (b"\x00\x01\x02\x03" * 50, "blob.bin", "none of these"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "IMG_1.HEIC", "HEIC image"),
        (b"a" * (200 * 1024 + 1), "big.log", "too large to attach (200 KB; the limit for text"),
        (b"%PDF-1.7" + b"\x00" * (20 * 1024 * 1024), "big.pdf", "limit for PDF files is 20.0 MB"),
        (b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024), "big.jpg", "limit for images"),
    ],
)
def test_refusals_are_one_plain_sentence(data: bytes, name: str, words: str) -> None:
    with pytest.raises(AttachmentError) as info:
        prepare_attachment(data, name)
    message = info.value.user_message
    assert words in message and f"“{name}”" in message
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="could not read “missing.png”: no such file"):
        prepare_attachment(tmp_path / "missing.png")
    with pytest.raises(AttachmentError, match="is a folder"):
        prepare_attachment(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(AttachmentError, match="not an ordinary file"):
        prepare_attachment(fifo)
    huge = tmp_path / "huge.iso"
    with open(huge, "wb") as sparse:
        sparse.truncate(3 * 1024 * 1024 * 1024)
    with pytest.raises(AttachmentError, match=r"too large to attach \(3072.0 MB"):
        prepare_attachment(huge)
    locked = tmp_path / "secret.txt"
    locked.write_text("x")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        with pytest.raises(AttachmentError, match="could not read “secret.txt”: permission"):
            prepare_attachment(locked)
    finally:
        locked.chmod(0o600)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("a\x00b\nc\t.txt", "abc.txt"),
        ('what?<>|:"*.md', "what_______.md"),
        ("  trailing dots... ", "trailing dots"),
        ("..", "attachment"),
        ("", "attachment"),
        ("/", "attachment"),
        ("Ünïcödé ✓.txt", "Ünïcödé ✓.txt"),
    ],
)
def test_hostile_names_are_sanitised(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_very_long_names_keep_their_extension() -> None:
    name = safe_name("x" * 500 + ".tar.gz")
    assert len(name) == 120 and name.endswith("…x.gz") is False and name.endswith("….gz")
    assert prepare_attachment(b"text", "n" * 300 + ".md").name.endswith("….md")
    assert prepare_attachment(b"text", "../x/notes.txt").name == "notes.txt"
    assert prepare_attachment(b"text").name == "Pasted file"


def test_invalid_detail_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(ValueError, match="detail"):
        prepare_attachment(GIF_1X1, "a.gif", detail="ultra")
