"""Tokens through the real Secret Service, the session-only store, and the plain
sentence when no keyring works. Tokens never show up in reprs or errors."""

from __future__ import annotations

import os
import subprocess
import sys

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desktop.config.secrets import (
    KeyringSecrets,
    SecretStoreError,
    SessionSecrets,
)

TOKEN = "cf-test-token-\u00e9-0123456789"


@pytest.mark.keyring
def test_keyring_round_trip(secret_service: KeyringSecrets, profile_id: str) -> None:
    assert secret_service.available and secret_service.problem is None
    assert secret_service.get(profile_id) is None
    secret_service.set(profile_id, TOKEN)
    try:
        assert secret_service.get(profile_id) == TOKEN
        secret_service.set(profile_id, TOKEN + "-new")
        assert secret_service.get(profile_id) == TOKEN + "-new"
    finally:
        secret_service.delete(profile_id)
    assert secret_service.get(profile_id) is None
    secret_service.delete(profile_id)  # forgetting twice is fine
    assert TOKEN not in repr(secret_service)


@pytest.mark.keyring
def test_default_detection_finds_the_secret_service(secret_service: KeyringSecrets) -> None:
    detected = KeyringSecrets()
    assert detected.available, detected.problem


def test_fail_backend_is_unavailable_with_a_sentence() -> None:
    store = KeyringSecrets(fail.Keyring())
    assert not store.available
    assert store.problem is not None and store.problem.endswith(".")
    assert "keyring" in store.problem
    with pytest.raises(SecretStoreError):
        store.set("cloudflare", TOKEN)


def test_no_backend_through_the_environment_variable() -> None:
    code = (
        "from desktop.config.secrets import KeyringSecrets\n"
        "s = KeyringSecrets()\n"
        "print(s.available)\n"
        "print(s.problem)\n"
    )
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "False"
    assert out[1].startswith("No system keyring is available")


class _LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("no")


def test_keyring_errors_become_plain_sentences_without_the_token() -> None:
    store = KeyringSecrets(_LockedKeyring())
    assert store.available
    with pytest.raises(SecretStoreError, match="locked"):
        store.get("cloudflare")
    with pytest.raises(SecretStoreError) as info:
        store.set("cloudflare", TOKEN)
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None, "the original error quoted the token"


def test_session_secrets() -> None:
    store = SessionSecrets()
    assert store.available and store.problem is None
    store.set("cloudflare", TOKEN)
    assert store.get("cloudflare") == TOKEN
    assert TOKEN not in repr(store)
    store.delete("cloudflare")
    store.delete("cloudflare")
    assert store.get("cloudflare") is None
