"""Which renderer Parley asks Qt for, and what it leaves to the person
(desktop/gui.py; the real app's start is checked in tests/e2e/test_startup.py)."""

from __future__ import annotations

import os

import pytest

from desktop.gui import (
    NO_OPENGL_MESSAGES,
    expected_qt_messages,
    rendering_defaults,
    restore_environment,
)


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("QT_QUICK_BACKEND", raising=False)
    monkeypatch.delenv("QT_XCB_GL_INTEGRATION", raising=False)
    return monkeypatch


def test_software_rendering_without_opengl_by_default(clean: pytest.MonkeyPatch) -> None:
    chosen = rendering_defaults()
    assert os.environ["QT_QUICK_BACKEND"] == "software"
    assert os.environ["QT_XCB_GL_INTEGRATION"] == "none"
    assert chosen == ["QT_QUICK_BACKEND", "QT_XCB_GL_INTEGRATION"]
    assert expected_qt_messages() == NO_OPENGL_MESSAGES
    restore_environment(chosen)
    assert "QT_QUICK_BACKEND" not in os.environ
    assert "QT_XCB_GL_INTEGRATION" not in os.environ


def test_a_chosen_qt_quick_backend_keeps_opengl(clean: pytest.MonkeyPatch) -> None:
    for backend in ("opengl", ""):  # empty: Qt's default (GPU) path
        clean.setenv("QT_QUICK_BACKEND", backend)
        assert rendering_defaults() == []
        assert os.environ["QT_QUICK_BACKEND"] == backend
        assert "QT_XCB_GL_INTEGRATION" not in os.environ
        assert expected_qt_messages() == ()


def test_a_chosen_gl_integration_is_kept(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("QT_XCB_GL_INTEGRATION", "glx")
    assert rendering_defaults() == ["QT_QUICK_BACKEND"]
    assert os.environ["QT_XCB_GL_INTEGRATION"] == "glx"
    assert expected_qt_messages() == ()  # GL failures are news then


def test_no_opengl_without_software_rendering_is_not_excused(
    clean: pytest.MonkeyPatch,
) -> None:
    clean.setenv("QT_QUICK_BACKEND", "opengl")
    clean.setenv("QT_XCB_GL_INTEGRATION", "none")
    rendering_defaults()
    assert expected_qt_messages() == ()
