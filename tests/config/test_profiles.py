"""Connection profiles: defaults, add/rename/delete/choose, and base URL derivation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.config.profiles import (
    OPENAI_BASE_URL,
    Profile,
    Profiles,
    slugify,
    validate_account_id,
    validate_base_url,
)
from desktop.config.settings import Settings

ACCOUNT = "0123456789abcdef0123456789abcdef"


def test_first_start_has_one_cloudflare_profile(settings: Settings) -> None:
    profiles = Profiles(settings)
    assert [p.id for p in profiles.all()] == ["cloudflare"]
    assert profiles.active().kind == "cloudflare"


def test_base_url_derivation() -> None:
    cf = Profile("cloudflare", "CF", "cloudflare", account_id=ACCOUNT)
    assert cf.effective_base_url() == (
        f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1"
    )
    assert Profile("cloudflare", "CF", "cloudflare").effective_base_url() == ""
    assert Profile("o", "OpenAI", "openai", base_url="ignored").effective_base_url() == (
        OPENAI_BASE_URL
    )
    custom = Profile("l", "Local", "custom", base_url="http://127.0.0.1:8080/v1")
    assert custom.effective_base_url() == "http://127.0.0.1:8080/v1"


def test_crud_is_persisted(settings: Settings) -> None:
    profiles = Profiles(settings)
    openai = profiles.add("OpenAI", "openai")
    local = profiles.add("My local server", "custom", base_url="http://localhost:8080/v1/")
    assert (openai.id, local.id) == ("openai", "my-local-server")
    assert local.base_url == "http://localhost:8080/v1"
    profiles.set_active(local.id)
    profiles.rename(local.id, "Llama box")
    settings.save()

    again = Profiles(Settings(settings.path))
    assert [p.id for p in again.all()] == ["cloudflare", "openai", "my-local-server"]
    assert again.active().name == "Llama box"
    assert again.active().id == "my-local-server", "renaming keeps the id (keyring user name)"


def test_ids_are_unique_slugs(settings: Settings) -> None:
    profiles = Profiles(settings)
    first = profiles.add("Work", "openai")
    second = profiles.add("Work", "openai")
    assert (first.id, second.id) == ("work", "work-2")
    assert slugify("Ünïcode Server #1") == "unicode-server-1"
    assert slugify("!!!") == "profile"


def test_deleting_the_active_profile_chooses_another(settings: Settings) -> None:
    profiles = Profiles(settings)
    extra = profiles.add("OpenAI", "openai")
    profiles.set_active(extra.id)
    profiles.delete(extra.id)
    assert profiles.active().id == "cloudflare"
    with pytest.raises(ValueError, match="at least one"):
        profiles.delete("cloudflare")
    with pytest.raises(KeyError):
        profiles.delete("nope")


def test_update_and_validation(settings: Settings) -> None:
    profiles = Profiles(settings)
    cf = profiles.active()
    profiles.update(Profile(cf.id, cf.name, "cloudflare", account_id=ACCOUNT))
    assert profiles.active().effective_base_url().endswith(f"/{ACCOUNT}/ai/v1")
    with pytest.raises(ValueError, match="32 characters"):
        validate_account_id("not-an-id")
    with pytest.raises(ValueError, match="http"):
        validate_base_url("localhost:8080")
    with pytest.raises(ValueError, match="/responses"):
        validate_base_url("http://localhost/v1/responses")
    with pytest.raises(ValueError, match="name"):
        profiles.rename("cloudflare", "  ")
    with pytest.raises(KeyError):
        profiles.set_active("missing")


def test_stale_active_choice_falls_back(settings: Settings) -> None:
    settings.set("active_profile", "gone")
    assert Profiles(settings).active().id == "cloudflare"


def test_what_a_server_supports_is_learned_once_and_kept_in_the_file(settings: Settings) -> None:
    profiles = Profiles(settings)
    fresh = profiles.active()
    assert (fresh.keep_running, fresh.background_support, fresh.runs_on_server) == (
        True,
        "unknown",
        True,
    )
    assert set(fresh.to_dict()) == {"id", "name", "kind", "account_id", "base_url"}
    assert profiles.learn_background(fresh.id, False, "the server refused it (501: no)")
    assert not profiles.learn_background(fresh.id, False, "the server refused it (501: no)")
    settings.save()
    text = settings.path.read_text()
    assert 'background_support = "no"' in text and "(501: no)" in text
    learned = Profiles(Settings()).active()
    assert (learned.background_support, learned.runs_on_server) == ("no", False)
    assert learned.background_note == "the server refused it (501: no)"


def test_keep_running_off_is_a_true_or_false_in_the_file(settings: Settings) -> None:
    profiles = Profiles(settings)
    profiles.update(replace(profiles.active(), keep_running=False))
    settings.save()
    assert "keep_running = false" in settings.path.read_text()
    reread = Profiles(Settings()).active()
    assert (reread.keep_running, reread.runs_on_server) == (False, False)
