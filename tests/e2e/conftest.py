"""End-to-end tests reuse the GUI fixtures (real window, fake server)."""

from tests.ui.conftest import app_env, make_window

__all__ = ["app_env", "make_window"]
