"""Turn a file the person attached (a path, or pasted bytes) into an Attachment to send.

The type is found from the content, not the name. Images are decoded, turned upright,
downscaled and re-encoded (which also drops their metadata, such as a photo's GPS
position); PDFs are checked; text is decoded. Each refusal is an `AttachmentError`
with one plain sentence. QImage needs no GUI thread, and a 12-megapixel photo takes a
noticeable fraction of a second, so call `prepare_attachment` on a worker thread.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QImageWriter, QPainter

from desktop.api.attachments import IMAGE_DETAILS, Attachment

MB = 1024 * 1024
MAX_IMAGE_INPUT = 20 * MB
MAX_PDF = 20 * MB
MAX_TEXT = 200 * 1024
MAX_SIDE = 2048  # longest side sent; the model sees no more detail than this anyway
MAX_PART = 1_000_000  # characters of an image's data: URL in the request
MAX_PIXELS = 60_000_000  # refuse to decode more (a 48-megapixel phone photo fits)
MAX_NAME = 120  # characters of a file name kept
FEW_COLOURS = 4096  # at most this many distinct colours: a screenshot or diagram -> PNG
JPEG_QUALITIES = (85, 75, 65, 55, 45)

TEXT_TYPES = {
    ".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv",
    ".json": "application/json", ".html": "text/html", ".htm": "text/html",
    ".xml": "application/xml", ".py": "text/x-python", ".js": "text/javascript",
    ".css": "text/css", ".svg": "image/svg+xml", ".yaml": "application/yaml",
    ".yml": "application/yaml", ".toml": "application/toml",
}  # fmt: skip
IMAGE_KINDS = ("png", "jpeg", "gif", "webp", "bmp", "tiff")
UNSAFE_IN_NAMES = re.compile(r'[<>:"|?*]')


class AttachmentError(Exception):
    """A file that cannot be attached; `user_message` says which and why."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def prepare_attachment(
    source: str | os.PathLike[str] | bytes, name: str | None = None, detail: str = "auto"
) -> Attachment:
    """An Attachment ready to send, from a file path or from bytes (a paste or a drop).

    `name` defaults to the file's own name; it is sanitised either way. `detail` is the
    image detail sent with images ("auto", "low", "high" or "original").
    """
    if detail not in IMAGE_DETAILS:
        raise ValueError(f"image detail must be one of {', '.join(IMAGE_DETAILS)}")
    if isinstance(source, bytes):
        data = source
        shown = safe_name(name or "Pasted file")
    else:
        path = Path(source)
        shown = safe_name(name or path.name)
        data = _read(path, shown)
    kind = sniff(data)
    if kind == "pdf":
        return _pdf(data, shown)
    if kind in IMAGE_KINDS:
        if len(data) > MAX_IMAGE_INPUT:
            raise _too_large(shown, len(data), "images", MAX_IMAGE_INPUT)
        return _image(data, shown, detail)
    if kind in ("heic", "avif"):
        raise AttachmentError(
            f"“{shown}” is a {kind.upper()} image, which Parley cannot read; "
            "convert it to JPEG or PNG first."
        )
    text = _text(data) if kind is None else None
    if text is None:
        raise AttachmentError(
            f"Parley can attach images, PDF files and text files; “{shown}” is none of these."
        )
    if len(data) > MAX_TEXT:
        raise _too_large(shown, len(data), "text files", MAX_TEXT)
    mime = TEXT_TYPES.get(Path(shown).suffix.lower(), "text/plain")
    return Attachment("text", shown, mime, text.encode("utf-8"))


def check_limits(attachment: Attachment) -> None:
    """Raise the AttachmentError attaching would give for bytes that never went through
    `prepare_attachment` (an imported conversation's): the same size and megapixel
    limits and the same content checks. Reads an image's header only, so it is cheap."""
    data, shown = attachment.data, attachment.name
    kind = sniff(data)
    if attachment.kind == "text":
        if len(data) > MAX_TEXT:
            raise _too_large(shown, len(data), "text files", MAX_TEXT)
        return
    if attachment.kind == "file":
        if kind != "pdf":
            raise AttachmentError(f"“{shown}” is not the PDF file it says it is.")
        _pdf(data, shown)
        return
    if len(data) > MAX_IMAGE_INPUT:
        raise _too_large(shown, len(data), "images", MAX_IMAGE_INPUT)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    size = QImageReader(buffer).size()
    if kind not in IMAGE_KINDS or not size.isValid():
        raise AttachmentError(f"“{shown}” looks like a damaged image; Parley could not read it.")
    _check_pixels(size, shown)


def safe_name(name: str, default: str = "attachment") -> str:
    """A file name fit to show and to send: no folders, no control or bidirectional
    formatting characters (which can disguise an extension), at most MAX_NAME long."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = UNSAFE_IN_NAMES.sub("_", name).strip().rstrip(". ")
    if not name.strip("."):
        return default
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and stem and len(ext) <= 16 else ""
        name = name[: MAX_NAME - len(ext) - 1].rstrip() + "…" + ext
    return name


def sniff(data: bytes) -> str | None:
    """The file type from its first bytes ("png", "pdf", "zip", …), or None (maybe text)."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(data) > 26 and b"\x00" in head[6:10]:
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "heic"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "avif"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ")):
        return "binary"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return None


def _read(path: Path, shown: str) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise AttachmentError(f"“{shown}” is a folder; attach the files inside it instead.")
        if not stat.S_ISREG(info.st_mode):
            raise AttachmentError(f"“{shown}” is not an ordinary file, so it cannot be attached.")
        if info.st_size > MAX_IMAGE_INPUT:
            raise _too_large(shown, info.st_size, "files", MAX_IMAGE_INPUT)
        with open(path, "rb") as source:
            # Bounded, in case the file grows while it is read.
            data = source.read(MAX_IMAGE_INPUT + 1)
    except OSError as exc:
        reason = (exc.strerror or "it could not be opened").lower()
        raise AttachmentError(f"Parley could not read “{shown}”: {reason}.") from exc
    if len(data) > MAX_IMAGE_INPUT:
        raise _too_large(shown, len(data), "files", MAX_IMAGE_INPUT)
    return data


def _too_large(shown: str, size: int, what: str, limit: int) -> AttachmentError:
    return AttachmentError(
        f"“{shown}” is too large to attach ({_size(size)}; the limit for {what} is {_size(limit)})."
    )


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB else f"{max(1, round(count / 1024))} KB"


def _pdf(data: bytes, shown: str) -> Attachment:
    if len(data) > MAX_PDF:
        raise _too_large(shown, len(data), "PDF files", MAX_PDF)
    if b"%%EOF" not in data[-2048:]:
        raise AttachmentError(f"“{shown}” looks like a damaged or incomplete PDF file.")
    return Attachment("file", _with_suffix(shown, ".pdf", (".pdf",)), "application/pdf", data)


def _text(data: bytes) -> str | None:
    """The text of a text file (UTF-8, UTF-16 with BOM, or Windows-1252), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:65536] if c < " " and c not in "\t\n\r\f")
        return text if controls <= len(text[:65536]) // 100 else None
    return None


def _with_suffix(name: str, suffix: str, accepted: tuple[str, ...]) -> str:
    """The name with an extension that says what the (re-encoded) bytes are."""
    path = Path(name)
    if path.suffix.lower() in accepted:
        return name
    return path.stem + suffix if path.suffix else name + suffix


# -- images -------------------------------------------------------------------------------


def _image(data: bytes, shown: str, detail: str) -> Attachment:
    image = _decode(data, shown)
    budget = MAX_PART * 3 // 4 - 64  # bytes whose base64 data: URL fits in MAX_PART
    if _has_transparency(image) or _few_colours(image):
        encoded = _png_within(image, budget)
        if encoded is not None:
            return Attachment(
                "image", _with_suffix(shown, ".png", (".png",)), "image/png", encoded, detail
            )
    encoded = _jpeg_within(_flattened(image), budget)
    name = _with_suffix(shown, ".jpg", (".jpg", ".jpeg"))
    return Attachment("image", name, "image/jpeg", encoded, detail)


def _decode(data: bytes, shown: str) -> QImage:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # a phone photo's EXIF orientation
    reader.setAllocationLimit(1024)  # MB; MAX_PIXELS below is the real guard
    size = reader.size()
    if not reader.canRead() or not size.isValid():
        raise AttachmentError(f"“{shown}” looks like a damaged image; Parley could not read it.")
    _check_pixels(size, shown)
    longest = max(size.width(), size.height())
    if longest > MAX_SIDE and reader.format() == b"jpeg":
        # libjpeg decodes straight to a fraction of the size: much faster, far less memory.
        reader.setScaledSize(_fit(size, MAX_SIDE))
    image = reader.read()
    if image.isNull():
        raise AttachmentError(f"“{shown}” looks like a damaged image; Parley could not read it.")
    if max(image.width(), image.height()) > MAX_SIDE:
        image = _scaled(image, MAX_SIDE)
    return image


def _check_pixels(size: QSize, shown: str) -> None:
    if size.width() * size.height() > MAX_PIXELS:
        megapixels = size.width() * size.height() / 1e6
        raise AttachmentError(
            f"“{shown}” is too large to attach ({megapixels:.0f} megapixels; the limit "
            f"is {MAX_PIXELS // 1_000_000})."
        )


def _fit(size: QSize, longest: int) -> QSize:
    factor = longest / max(size.width(), size.height())
    return QSize(max(1, round(size.width() * factor)), max(1, round(size.height() * factor)))


def _scaled(image: QImage, longest: int) -> QImage:
    # _fit already kept the proportions; Qt's own rounding could lose a pixel.
    return image.scaled(
        _fit(image.size(), longest),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _has_transparency(image: QImage) -> bool:
    if not image.hasAlphaChannel():
        return False
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    pixels = bytes(argb.constBits())
    # ARGB32 words in native byte order; alpha is the high byte of each word.
    alpha = pixels[3::4] if sys.byteorder == "little" else pixels[0::4]
    return bool(alpha.strip(b"\xff"))


def _few_colours(image: QImage) -> bool:
    """True for screenshots, diagrams and icons, which PNG keeps sharp and small."""
    sample = image
    if max(image.width(), image.height()) > 256:
        # Nearest-neighbour sampling keeps exact colours (smoothing would invent new ones).
        sample = image.scaled(256, 256, Qt.AspectRatioMode.KeepAspectRatio)
    rgb = sample.convertToFormat(QImage.Format.Format_RGB32)
    words = memoryview(bytes(rgb.constBits())).cast("I")
    return len(set(words)) <= FEW_COLOURS


def _flattened(image: QImage) -> QImage:
    """The image on white, as JPEG has no transparency (it would otherwise turn black)."""
    if not image.hasAlphaChannel():
        return image
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor("white"))
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat


def _encode(image: QImage, fmt: bytes, quality: int = -1) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # QImageWriter, not QImage.save: PySide6 6.12's save() refuses a bytes format.
    writer = QImageWriter(buffer, fmt)
    writer.setQuality(quality)
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a {image.width()}x{image.height()} {fmt!r}")
    return bytes(buffer.data().data())


def _png_within(image: QImage, budget: int) -> bytes | None:
    """PNG, shrunk until it fits, or None when only a lossy format would (a photo
    with transparency, say)."""
    for _ in range(4):
        encoded = _encode(image, b"PNG")
        if len(encoded) <= budget:
            return encoded
        if max(image.width(), image.height()) <= 768:
            return None
        image = _scaled(image, max(image.width(), image.height()) * 3 // 4)
    return None


def _jpeg_within(image: QImage, budget: int) -> bytes:
    """JPEG at the best quality that fits; shrink the image when even the lowest does not."""
    while True:
        for quality in JPEG_QUALITIES:
            encoded = _encode(image, b"JPEG", quality)
            if len(encoded) <= budget:
                return encoded
        longest = max(image.width(), image.height())
        if longest <= 64:
            return encoded  # cannot happen for real images; never loop forever
        image = _scaled(image, longest * 3 // 4)
