"""The conversation page's web plumbing: a page that never navigates away from our
document, and the profile every page shares (off the record, with a request
interceptor that keeps the page on the machine: no remote image, font or script)."""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

log = logging.getLogger(__name__)

_LOCAL_SCHEMES = frozenset({"file", "qrc", "data"})
# The last requests refused, for the log and for tests that check nothing tried to
# leave the page (a bounded list: a hostile answer could try thousands).
BLOCKED_KEPT = 100


class _LocalOnly(QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the machine (remote images, fonts…)."""

    def __init__(self, parent: QWebEngineProfile) -> None:
        super().__init__(parent)
        self.blocked: deque[str] = deque(maxlen=BLOCKED_KEPT)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() not in _LOCAL_SCHEMES:
            info.block(True)
            self.blocked.append(url.toString())
            log.debug("blocked a request from the page to %s", url.scheme())


class LockedPage(QWebEnginePage):
    """A page that stays on our document whatever the content tries."""

    link_clicked = Signal(QUrl)

    def __init__(self, profile: QWebEngineProfile, home: QUrl, parent: QObject) -> None:
        super().__init__(profile, parent)
        self._home = home

    def acceptNavigationRequest(
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if url.scheme() == "file" and url.path() == self._home.path():
            return True
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.link_clicked.emit(url)
        return False

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        # No page for a new window: links open in the browser instead. (The stubs
        # say a page must be returned; Qt takes a null one as "no window".)
        return None  # type: ignore[return-value]

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        # Page errors are our bugs: keep them in the log, never on screen.
        log.debug("page console (%s) %s:%s %s", level.name, source, line, message)


_profile: QWebEngineProfile | None = None
_interceptor: _LocalOnly | None = None


def shared_profile() -> QWebEngineProfile:
    """One off-the-record profile for every view: nothing from a page is written
    to disk. It belongs to the application so it outlives every page using it."""
    global _profile, _interceptor
    if _profile is None:
        app = QCoreApplication.instance()
        profile = QWebEngineProfile(app)
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        profile.setPersistentCookiesPolicy(
            QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        )
        _interceptor = _LocalOnly(profile)
        profile.setUrlRequestInterceptor(_interceptor)
        _profile = profile
    return _profile


def blocked_requests() -> list[str]:
    """The most recent requests the pages made that were refused, oldest first."""
    return list(_interceptor.blocked) if _interceptor is not None else []


def release_web_engine() -> None:
    """Deletes every web page, then the shared profile, before the application
    goes: QtWebEngine crashes at exit when a profile outlives its pages' order."""
    global _profile, _interceptor
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if _profile is not None:
        _profile.deleteLater()
        _profile = None
        _interceptor = None
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
