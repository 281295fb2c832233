"""Connection resolution (environment overrides win for the session and are never
saved) and effective request options (conversation overrides win)."""

from __future__ import annotations

import tomllib

from desktop.api.params import PARAMS
from desktop.config.connection import request_options, resolve_connection
from desktop.config.profiles import Profiles
from desktop.config.secrets import SessionSecrets
from desktop.config.settings import Settings

ACCOUNT = "0123456789abcdef0123456789abcdef"
ENV_ACCOUNT = "fedcba9876543210fedcba9876543210"


def _configured(settings: Settings) -> SessionSecrets:
    profiles = Profiles(settings)
    cf = profiles.active()
    profiles.update(cf.__class__(cf.id, cf.name, "cloudflare", account_id=ACCOUNT))
    secrets = SessionSecrets()
    secrets.set("cloudflare", "saved-token")
    return secrets


def test_saved_values_without_environment(settings: Settings) -> None:
    secrets = _configured(settings)
    conn = resolve_connection(settings, secrets, environ={})
    assert conn.base_url == f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1"
    assert conn.token == "saved-token"
    assert conn.profile_id == "cloudflare"
    assert conn.model == "openai/gpt-5.4-pro"
    assert conn.overridden == frozenset()
    assert conn.problem is None


def test_environment_wins_and_is_never_saved(settings: Settings) -> None:
    secrets = _configured(settings)
    settings.save()
    before = settings.path.read_text()
    environ = {
        "CLOUDFLARE_ACCOUNT_ID": ENV_ACCOUNT,
        "CLOUDFLARE_API_TOKEN": "env-token",
    }
    conn = resolve_connection(settings, secrets, environ=environ)
    assert ENV_ACCOUNT in conn.base_url
    assert conn.token == "env-token"
    assert conn.overridden == {"CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"}
    settings.save()
    text = settings.path.read_text()
    assert text == before
    assert "env-token" not in text and ENV_ACCOUNT not in text
    assert secrets.get("cloudflare") == "saved-token"


def test_parley_base_url_overrides_the_base_url(settings: Settings) -> None:
    secrets = _configured(settings)
    conn = resolve_connection(
        settings,
        secrets,
        environ={"PARLEY_BASE_URL": "http://127.0.0.1:9999/v1/", "CLOUDFLARE_ACCOUNT_ID": "x"},
    )
    assert conn.base_url == "http://127.0.0.1:9999/v1"
    assert "PARLEY_BASE_URL" in conn.overridden


def test_cloudflare_variables_do_not_leak_into_other_profiles(settings: Settings) -> None:
    profiles = Profiles(settings)
    openai = profiles.add("OpenAI", "openai")
    profiles.set_active(openai.id)
    secrets = SessionSecrets()
    secrets.set(openai.id, "sk-openai")
    conn = resolve_connection(
        settings, secrets, environ={"CLOUDFLARE_API_TOKEN": "cf", "CLOUDFLARE_ACCOUNT_ID": "y"}
    )
    assert conn.base_url == "https://api.openai.com/v1"
    assert conn.token == "sk-openai"
    assert conn.overridden == frozenset()


def test_missing_pieces_are_explained(settings: Settings) -> None:
    conn = resolve_connection(settings, SessionSecrets(), environ={})
    assert conn.problem is not None and "account ID" in conn.problem
    secrets = _configured(settings)
    secrets.delete("cloudflare")
    conn = resolve_connection(settings, secrets, environ={})
    assert conn.problem is not None and "token" in conn.problem


def test_a_server_of_ones_own_needs_no_token(settings: Settings) -> None:
    """A local server usually takes no token: a custom profile may be used without
    one; Cloudflare and OpenAI may not, even pointed elsewhere by PARLEY_BASE_URL."""
    from desktop.config.profiles import Profiles

    profiles = Profiles(settings)
    local = profiles.add("Local", "custom", base_url="http://127.0.0.1:8080/v1")
    profiles.set_active(local.id)
    conn = resolve_connection(settings, SessionSecrets(), environ={})
    assert conn.token is None and conn.problem is None
    profiles.set_active("cloudflare")
    conn = resolve_connection(
        settings, SessionSecrets(), environ={"PARLEY_BASE_URL": "http://127.0.0.1:9/v1"}
    )
    assert conn.token is None and "token" in str(conn.problem)
    openai = profiles.add("OpenAI", "openai")
    profiles.set_active(openai.id)
    assert "token" in str(resolve_connection(settings, SessionSecrets(), environ={}).problem)


def test_repr_hides_the_token(settings: Settings) -> None:
    conn = resolve_connection(settings, _configured(settings), environ={})
    assert "saved-token" not in repr(conn) and "saved-token" not in str(conn)


def test_request_options_are_the_declared_parameters(settings: Settings) -> None:
    options = request_options(settings, {})
    assert set(options) == {p.key for p in PARAMS}
    assert options["model"] == "openai/gpt-5.4-pro"
    assert options["instructions"] == ""
    assert options["web_search"] is False
    assert options["stream"] is True
    assert options["temperature"] is None


def test_conversation_overrides_win(settings: Settings) -> None:
    settings.update(
        {"model": "gpt-5.4", "temperature": 0.2, "instructions": "Global.", "web_search": False}
    )
    options = request_options(
        settings,
        {
            "model": "gpt-4.1",
            "temperature": 1.4,
            "instructions": "Per conversation.",
            "web_search": True,
            "reasoning_effort": None,
            "text_verbosity": "high",
        },
    )
    assert options["model"] == "gpt-4.1"
    assert options["temperature"] == 1.4
    assert options["instructions"] == "Per conversation."
    assert options["web_search"] is True
    assert options["text_verbosity"] == "high"


def test_bad_conversation_overrides_are_ignored(settings: Settings) -> None:
    options = request_options(
        settings, {"temperature": 7.0, "unknown": 1, "stream": False, "theme": "dark"}
    )
    assert options["temperature"] is None
    assert options["stream"] is True


def test_overrides_are_not_saved(settings: Settings) -> None:
    request_options(settings, {"model": "gpt-4.1"})
    settings.save()
    assert tomllib.loads(settings.path.read_text())["model"] == "openai/gpt-5.4-pro"
