"""The window's one view of the configuration: the connection, and a conversation's
effective settings, its own overrides on top of the globals."""

from __future__ import annotations

from desktop.config.connection import request_options
from desktop.config.secrets import SessionSecrets
from desktop.config.settings import Settings
from desktop.config.window_config import SecretsHolder, WindowConfig


def test_a_conversation_s_overrides_win_and_a_new_one_has_none(settings: Settings) -> None:
    overrides = {7: {"model": "openai/gpt-5.4", "image_detail": "high"}}
    asked: list[int] = []

    def overrides_of(conv_id: int) -> dict[str, object]:
        asked.append(conv_id)
        return overrides[conv_id]

    config = WindowConfig(settings, SecretsHolder(SessionSecrets()), {}, overrides_of)
    assert config.options(7)["model"] == "openai/gpt-5.4"
    assert config.image_detail(7) == "high"
    assert config.options(None) == request_options(settings, {})
    assert config.image_detail(None) == settings.get("image_detail")
    assert asked == [7, 7]  # a conversation not created yet is never looked up


def test_the_connection_follows_the_secret_store_in_use(settings: Settings) -> None:
    secrets = SecretsHolder(SessionSecrets())
    config = WindowConfig(settings, secrets, {"PARLEY_BASE_URL": "http://127.0.0.1:9"}, dict)
    assert config.connection().token is None
    session = SessionSecrets()
    session.set(config.connection().profile_id, "typed-token")
    secrets.store = session  # the person chose to keep the token for this session only
    assert config.connection().token == "typed-token"
    assert (config.theme, config.font_px) == (settings.get("theme"), settings.get("font_size"))
