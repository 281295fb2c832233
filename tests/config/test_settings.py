"""The TOML-backed settings store: round trip, atomic 0600 writes, broken files,
unknown keys, and no secret ever reaching the file."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest

from desktop.config.schema import SETTINGS, setting
from desktop.config.settings import SecretSettingError, Settings, default_path

# A non-default value for every declared, storable setting.
CHANGED: dict[str, Any] = {
    "active_profile": "local",
    "profiles": (
        {
            "id": "cloudflare",
            "name": "CF",
            "kind": "cloudflare",
            "account_id": "a" * 32,
            "base_url": "",
        },
        {
            "id": "local",
            "name": 'Local "llama"',
            "kind": "custom",
            "account_id": "",
            "base_url": "http://127.0.0.1:8080/v1",
        },
    ),
    "model": "gpt-4.1",
    "instructions": 'Be brief.\nQuote "exactly" \\ and\ttab — ✓',
    "instruction_presets": (
        {"name": "Terse", "text": "Answer in one line."},
        {"name": "Tutor", "text": "Explain step by step.\n\nCheck understanding."},
    ),
    "temperature": 0.35,
    "top_p": 0.9,
    "max_output_tokens": 16000,
    "reasoning_effort": "xhigh",
    "reasoning_summary": "detailed",
    "text_verbosity": "low",
    "web_search": True,
    "tool_choice": "required",
    "max_tool_calls": 7,
    "image_detail": "low",
    "stream": False,
    "store": False,
    "use_previous_response_id": True,
    "theme": "dark",
    "font_size": 22,
}


def test_every_storable_setting_has_a_round_trip_value() -> None:
    storable = {s.key for s in SETTINGS if not s.secret}
    assert set(CHANGED) == storable
    for key, value in CHANGED.items():
        assert value != setting(key).default


def test_file_lives_in_xdg_config_home(isolated_dirs: dict[str, Path]) -> None:
    assert default_path() == isolated_dirs["config"] / "parley" / "settings.toml"


def test_defaults_without_a_file(settings: Settings) -> None:
    assert not settings.path.exists()
    assert settings.get("model") == "openai/gpt-5.4-pro"
    assert settings.get("temperature") is None
    assert settings.warning is None


def test_round_trip_of_every_key(settings: Settings) -> None:
    settings.update(CHANGED)
    settings.save()
    again = Settings(settings.path)
    assert again.warning is None
    for key, value in CHANGED.items():
        assert again.get(key) == value, key


def test_not_set_round_trips_as_absent(settings: Settings) -> None:
    settings.set("temperature", 1.0)
    settings.save()
    settings.set("temperature", None)
    settings.save()
    assert "temperature" not in tomllib.loads(settings.path.read_text())
    assert Settings(settings.path).get("temperature") is None


def test_integral_float_in_file_reads_as_float(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text("temperature = 1\n")
    value = Settings(settings.path).get("temperature")
    assert value == 1.0 and isinstance(value, float)


def test_get_and_set_refuse_undeclared_keys(settings: Settings) -> None:
    with pytest.raises(KeyError):
        settings.get("colour")
    with pytest.raises(KeyError):
        settings.set("colour", "blue")


def test_set_validates(settings: Settings) -> None:
    with pytest.raises(ValueError, match="between 0 and 2"):
        settings.set("temperature", 3.0)
    with pytest.raises(ValueError):
        settings.update({"font_size": 20, "theme": "purple"})
    assert settings.get("font_size") == 15, "update() is all or nothing"


def test_save_is_atomic_and_private(settings: Settings) -> None:
    settings.set("model", "gpt-5.4")
    settings.save()
    mode = stat.S_IMODE(os.stat(settings.path).st_mode)
    assert mode == 0o600
    assert sorted(p.name for p in settings.path.parent.iterdir()) == ["settings.toml"]


def test_save_makes_a_shared_config_folder_private(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True, exist_ok=True)
    settings.path.parent.chmod(0o755)  # made by an older version, or by hand
    settings.save()
    assert stat.S_IMODE(os.stat(settings.path.parent).st_mode) == 0o700


def test_failed_write_leaves_the_old_file(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.save()
    before = settings.path.read_text()
    settings.set("model", "gpt-5.4")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        settings.save()
    assert settings.path.read_text() == before
    assert sorted(p.name for p in settings.path.parent.iterdir()) == ["settings.toml"]


def test_broken_file_gives_defaults_a_warning_and_a_copy(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text('model = "gpt-4.1"\nthis is not toml\n')
    loaded = Settings(settings.path)
    assert loaded.get("model") == "openai/gpt-5.4-pro"
    assert loaded.warning is not None and "default settings" in loaded.warning
    copies = list(settings.path.parent.glob("settings.toml.broken-*"))
    assert len(copies) == 1
    assert copies[0].read_text() == 'model = "gpt-4.1"\nthis is not toml\n'


def test_bad_value_costs_only_that_setting(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text('model = "gpt-4.1"\ntemperature = 9.5\nfont_size = "big"\n')
    loaded = Settings(settings.path)
    assert loaded.get("model") == "gpt-4.1"
    assert loaded.get("temperature") is None
    assert loaded.get("font_size") == 15
    assert loaded.warning is not None and "temperature" in loaded.warning


def test_unknown_keys_are_preserved(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text(
        'future_option = "keep me"\nmodel = "gpt-4.1"\n[future_table]\nx = [1, 2]\n'
    )
    loaded = Settings(settings.path)
    loaded.set("font_size", 18)
    loaded.save()
    data = tomllib.loads(settings.path.read_text())
    assert data["future_option"] == "keep me"
    assert data["future_table"] == {"x": [1, 2]}
    assert data["font_size"] == 18


def test_token_is_never_written_even_if_a_caller_tries(settings: Settings) -> None:
    token = "cf-SECRET-token-value-123"
    with pytest.raises(SecretSettingError):
        settings.set("api_token", token)
    with pytest.raises(SecretSettingError):
        settings.update({"api_token": token})
    with pytest.raises(SecretSettingError):
        settings.get("api_token")
    with pytest.raises(KeyError):
        settings.set("token", token)
    # A profile entry cannot smuggle it in either.
    profiles = [dict(p) for p in settings.get("profiles")]
    profiles[0]["api_token"] = token
    settings.set("profiles", profiles)
    settings.save()
    assert token not in settings.path.read_text()


def test_secrets_in_a_hand_edited_file_are_dropped(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text(
        'api_token = "hand-written"\nmy_api_key = "also"\n'
        '[[profiles]]\nid = "cloudflare"\nname = "CF"\nkind = "cloudflare"\ntoken = "x1"\n'
    )
    loaded = Settings(settings.path)
    assert loaded.warning is not None and "keyring" in loaded.warning
    loaded.save()
    text = settings.path.read_text()
    assert "hand-written" not in text and "also" not in text and "x1" not in text


def test_reload_reads_external_changes(settings: Settings) -> None:
    settings.save()
    other = Settings(settings.path)
    other.set("theme", "light")
    other.save()
    settings.reload()
    assert settings.get("theme") == "light"


HAND_WRITTEN = """\
# My Parley settings: keep the theme dark at night.
theme = "dark"   # changed by hand

# The model I use most.
model = "gpt-4.1"
future_option = "keep me"
font_size = 16

[[profiles]]
# Work account.
id = "cloudflare"
name = "CF"
kind = "cloudflare"
account_id = ""
base_url = ""
"""


def test_saving_keeps_a_persons_comments_and_order(settings: Settings) -> None:
    settings.path.parent.mkdir(parents=True)
    settings.path.write_text(HAND_WRITTEN)
    loaded = Settings(settings.path)
    loaded.set("font_size", 18)
    loaded.set("temperature", 0.5)
    loaded.save()
    text = settings.path.read_text()
    for comment in (
        "# My Parley settings: keep the theme dark at night.",
        'theme = "dark"   # changed by hand',
        "# The model I use most.",
        "# Work account.",
    ):
        assert comment in text, comment
    keys = [line.split(" =")[0] for line in text.splitlines() if " = " in line]
    assert keys[:4] == ["theme", "model", "future_option", "font_size"]
    data = tomllib.loads(text)
    assert data["font_size"] == 18 and data["temperature"] == 0.5
    assert data["future_option"] == "keep me"
    assert Settings(settings.path).get("model") == "gpt-4.1"


def test_a_new_file_starts_with_a_header(settings: Settings) -> None:
    settings.save()
    assert settings.path.read_text().startswith("# Parley settings.")


@pytest.mark.parametrize(
    "text",
    [
        'quote " and backslash \\',
        "new\nline\ttab\rreturn\bback\fform",
        "control \x00 \x01 \x1f \x7f",
        "unicode: √∂ — 日本語 😀",
        "'''triple''' and \"\"\"triple\"\"\"",
        "# not a comment\nkey = value",
    ],
)
def test_any_text_round_trips(settings: Settings, text: str) -> None:
    settings.set("instructions", text)
    settings.save()
    assert Settings(settings.path).get("instructions") == text
