"""End-to-end tests reuse the GUI fixtures (real window, fake server)."""

from tests.ui.conftest import _release_web_engine_at_exit, app_env, make_window

__all__ = ["_release_web_engine_at_exit", "app_env", "make_window"]
