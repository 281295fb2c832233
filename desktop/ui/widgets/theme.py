"""Light and dark palettes for the widgets, following the system unless overridden."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

LIGHT = {
    "window": "#f6f7f9",
    "base": "#ffffff",
    "alt": "#f0f2f5",
    "text": "#1f2328",
    "muted": "#656d76",
    "button": "#ffffff",
    "border": "#d8dce1",
    "accent": "#4f46e5",
    "accent_text": "#ffffff",
    "sidebar": "#eef0f3",
    "selected": "#dfe3ff",
    "danger_bg": "#fef3f2",
    "danger": "#b42318",
    "page": "#ffffff",
}
DARK = {
    "window": "#16181b",
    "base": "#1b1d21",
    "alt": "#22252a",
    "text": "#e6e8eb",
    "muted": "#9aa2ad",
    "button": "#262a30",
    "border": "#33373e",
    "accent": "#8b8cf6",
    "accent_text": "#0f1020",
    "sidebar": "#131518",
    "selected": "#2b2f45",
    "danger_bg": "#3a1f1f",
    "danger": "#ff8a80",
    "page": "#1b1d21",
}


def system_is_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(app: QApplication, preference: str) -> bool:
    """preference: "system", "light" or "dark"."""
    if preference == "dark":
        return True
    if preference == "light":
        return False
    return system_is_dark(app)


def palette_for(colors: dict[str, str]) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    c = {k: QColor(v) for k, v in colors.items()}
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, role.Window, c["window"])
        pal.setColor(group, role.WindowText, c["text"])
        pal.setColor(group, role.Base, c["base"])
        pal.setColor(group, role.AlternateBase, c["alt"])
        pal.setColor(group, role.Text, c["text"])
        pal.setColor(group, role.Button, c["button"])
        pal.setColor(group, role.ButtonText, c["text"])
        pal.setColor(group, role.Highlight, c["accent"])
        pal.setColor(group, role.HighlightedText, c["accent_text"])
        pal.setColor(group, role.ToolTipBase, c["base"])
        pal.setColor(group, role.ToolTipText, c["text"])
        pal.setColor(group, role.PlaceholderText, c["muted"])
        pal.setColor(group, role.Link, c["accent"])
        pal.setColor(group, role.Mid, c["border"])
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, c["muted"])
    pal.setColor(disabled, role.Base, c["alt"])
    pal.setColor(disabled, role.Button, c["alt"])
    return pal


def stylesheet(colors: dict[str, str]) -> str:
    c = colors
    return f"""
    QMainWindow, QDialog {{ background: {c["window"]}; }}
    #sidebar {{ background: {c["sidebar"]}; border-right: 1px solid {c["border"]}; }}
    #sidebar QListView {{ background: transparent; border: none; outline: none; }}
    #sidebar QListView::item {{ padding: 7px 10px; border-radius: 7px; margin: 1px 6px; }}
    #sidebar QListView::item:selected {{ background: {c["selected"]}; color: {c["text"]}; }}
    #sidebar QListView::item:hover:!selected {{ background: {c["alt"]}; }}
    #sidebarTitle {{ font-weight: 600; color: {c["muted"]}; padding: 10px 14px 4px; }}
    #newChat {{ margin: 10px 8px 4px; padding: 7px; border: 1px solid {c["border"]};
               border-radius: 8px; background: {c["base"]}; }}
    #newChat:hover {{ border-color: {c["accent"]}; }}
    #composer {{ background: {c["base"]}; border: 1px solid {c["border"]}; border-radius: 12px; }}
    #composer:focus-within {{ border-color: {c["accent"]}; }}
    #composerEditor {{ background: transparent; }}
    #sendButton {{ background: {c["accent"]}; color: {c["accent_text"]}; border: none;
                  border-radius: 8px; padding: 7px 16px; font-weight: 600; min-width: 64px; }}
    #sendButton:disabled {{ background: {c["alt"]}; color: {c["muted"]}; }}
    #sendButton[busy="true"] {{ background: {c["danger"]}; color: {c["base"]}; }}
    #sendButton:focus {{ outline: 2px solid {c["text"]}; }}
    #attachButton {{ min-width: 30px; max-width: 30px; min-height: 30px; max-height: 30px;
                     padding: 0; border-radius: 15px; border: 1px solid {c["border"]};
                     background: {c["alt"]}; color: {c["muted"]}; font-size: 17px; }}
    #attachButton:hover {{ border-color: {c["accent"]}; color: {c["accent"]}; }}
    #attachButton:focus {{ border: 2px solid {c["accent"]}; }}
    #attachmentChip {{ background: {c["alt"]}; border: 1px solid {c["border"]};
                       border-radius: 8px; }}
    #attachmentChip[focused="true"] {{ border: 2px solid {c["accent"]}; }}
    #attachmentBadge {{ background: {c["base"]}; border-radius: 6px; color: {c["muted"]};
                        font-weight: 600; font-size: 10px; }}
    #banner {{ background: {c["danger_bg"]}; border: 1px solid {c["danger"]};
              border-radius: 10px; }}
    #bannerText {{ color: {c["danger"]}; }}
    #banner[kind="info"], #banner[kind="warn"] {{
        background: {c["alt"]}; border-color: {c["border"]}; }}
    #banner[kind="info"] #bannerText, #banner[kind="warn"] #bannerText {{ color: {c["text"]}; }}
    #banner QPushButton {{ padding: 4px 12px; }}
    #bannerDetails {{ color: {c["text"]}; font-family: monospace; font-size: 11px;
                      padding-top: 6px; }}
    #bannerDetailsToggle {{ color: {c["muted"]}; padding: 4px 6px; }}
    #statusState, #statusModel, #statusUsage, #statusTotal {{
        color: {c["muted"]}; padding: 0 8px; }}
    QStatusBar {{ border-top: 1px solid {c["border"]}; }}
    QToolTip {{ border: 1px solid {c["border"]}; padding: 6px; }}
    """


def apply_theme(app: QApplication, dark: bool) -> dict[str, str]:
    colors = DARK if dark else LIGHT
    app.setPalette(palette_for(colors))
    app.setStyleSheet(stylesheet(colors))
    return colors
