"""Where the person writes: a growing text box with a Send/Stop button.

Enter sends, Shift+Enter breaks the line, Esc stops a running answer, Up in an
empty box asks to edit the last question, and the page keys scroll the
conversation without leaving the box.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QImage, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.attachment_strip import AttachmentStrip, Chip

MAX_LINES = 12


PLACEHOLDER = "Ask anything…  (Enter to send, Shift+Enter for a new line)"
PLACEHOLDER_SHORT = "Ask anything…"


class _Editor(QPlainTextEdit):
    submit = Signal()
    stop = Signal()
    edit_last = Signal()
    scroll_key = Signal(str)  # "page-up", "page-down", "home", "end"
    files_given = Signal(list)  # local paths pasted or dropped
    image_given = Signal(bytes)  # an image pasted from the clipboard (PNG)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The keyboard hint only where it fits on the line, never cut off. (The
        # contents rect, not viewport(): wrapping the viewport makes PySide resolve
        # every QWidget subclass, ~50 ms, which start-up need not pay before its
        # first frame.)
        room = self.contentsRect().width() - 2 * int(self.document().documentMargin())
        fits = QFontMetrics(self.font()).horizontalAdvance(PLACEHOLDER) <= room
        self.setPlaceholderText(PLACEHOLDER if fits else PLACEHOLDER_SHORT)

    # Pasting or dropping an image or files attaches them instead of inserting text.
    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        paths = [url.toLocalFile() for url in source.urls() if url.isLocalFile()]
        if paths:
            self.files_given.emit(paths)
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                data = QByteArray()
                buffer = QBuffer(data)
                buffer.open(QIODevice.OpenModeFlag.WriteOnly)
                image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide6 6.12 mishandles them
                self.image_given.emit(bytes(data.data()))
                return
        super().insertFromMimeData(source)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        ctrl = Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
                self.insertPlainText("\n")
                return
            if not (mods & ctrl):
                self.submit.emit()
                return
        if key == Qt.Key.Key_Escape:
            self.stop.emit()
            return
        if key == Qt.Key.Key_Up and not mods and not self.toPlainText():
            self.edit_last.emit()
            return
        if key == Qt.Key.Key_PageUp:
            self.scroll_key.emit("page-up")
            return
        if key == Qt.Key.Key_PageDown:
            self.scroll_key.emit("page-down")
            return
        if mods & ctrl and key == Qt.Key.Key_Home and not self.toPlainText():
            self.scroll_key.emit("home")
            return
        if mods & ctrl and key == Qt.Key.Key_End and not self.toPlainText():
            self.scroll_key.emit("end")
            return
        super().keyPressEvent(event)


class Composer(QFrame):
    """Signals: send_requested(text), stop_requested(), edit_last_requested(),
    scroll_requested(kind), draft_changed(text), attach_requested() (the Attach
    button), files_given(paths), image_given(png_bytes), remove_attachment(index)."""

    send_requested = Signal(str)
    stop_requested = Signal()
    edit_last_requested = Signal()
    scroll_requested = Signal(str)
    draft_changed = Signal(str)
    attach_requested = Signal()
    files_given = Signal(list)
    image_given = Signal(bytes)
    remove_attachment = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._busy = False
        self.editor = _Editor(self)
        self.editor.setObjectName("composerEditor")
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.editor.setAccessibleName("Message")
        self.editor.setAccessibleDescription("Type your question; Enter sends it")
        self.editor.setTabChangesFocus(True)
        self.editor.setFrameShape(QFrame.Shape.NoFrame)
        self.editor.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button = QPushButton("Send", self)
        self.button.setObjectName("sendButton")
        self.button.setAccessibleName("Send")
        self.button.setToolTip("Send (Enter)")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setEnabled(False)
        self.attach_button = QPushButton("+", self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAccessibleName("Attach files")
        self.attach_button.setToolTip(
            "Attach images, PDF or text files (Ctrl+O); or paste or drop them"
        )
        self.attach_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.strip = AttachmentStrip(self)
        self._attachments = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 8, 8)
        outer.setSpacing(6)
        outer.addWidget(self.strip)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.editor, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(row)
        self.attach_button.clicked.connect(self.attach_requested)
        self.editor.files_given.connect(self.files_given)
        self.editor.image_given.connect(self.image_given)
        self.strip.remove_requested.connect(self.remove_attachment)
        self.editor.submit.connect(self._submit)
        self.editor.stop.connect(self.stop_requested)
        self.editor.edit_last.connect(self.edit_last_requested)
        self.editor.scroll_key.connect(self.scroll_requested)
        self.editor.textChanged.connect(self._on_text_changed)
        self.button.clicked.connect(self._on_button)
        self._fit()

    # ----------------------------------------------------------------- state
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def clear(self) -> None:
        self.editor.clear()

    def set_busy(self, busy: bool) -> None:
        """While an answer streams the button stops it instead of sending."""
        self._busy = busy
        self.button.setText("Stop" if busy else "Send")
        self.button.setAccessibleName("Stop" if busy else "Send")
        self.button.setToolTip("Stop the answer (Esc)" if busy else "Send (Enter)")
        self.button.setProperty("busy", busy)
        self.button.style().unpolish(self.button)
        self.button.style().polish(self.button)
        self._update_button()

    @property
    def busy(self) -> bool:
        return self._busy

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --------------------------------------------------------------- private
    def set_attachments(self, chips: list[Chip]) -> None:
        """Shows the attachments waiting to be sent."""
        self._attachments = len(chips)
        self.strip.set_chips(chips)
        self._update_button()

    def _submit(self) -> None:
        text = self.text()
        if self._busy or not (text.strip() or self._attachments):
            return
        self.send_requested.emit(text)

    def _on_button(self) -> None:
        if self._busy:
            self.stop_requested.emit()
        else:
            self._submit()

    def _on_text_changed(self) -> None:
        self._update_button()
        self._fit()
        self.draft_changed.emit(self.text())

    def _update_button(self) -> None:
        self.button.setEnabled(self._busy or bool(self.text().strip()) or self._attachments > 0)

    def _fit(self) -> None:
        """Grows with the text up to MAX_LINES, then scrolls."""
        metrics = QFontMetrics(self.editor.font())
        doc = self.editor.document()
        lines = max(1, min(MAX_LINES, int(doc.size().height())))
        margins = self.editor.contentsMargins()
        height = (
            lines * metrics.lineSpacing()
            + int(doc.documentMargin() * 2)
            + margins.top()
            + margins.bottom()
            + 2 * self.editor.frameWidth()
            + 6
        )
        self.editor.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        strip = self.strip.sizeHint().height() + 6 if self.strip.isVisible() else 0
        return QSize(400, self.editor.height() + 16 + strip)
