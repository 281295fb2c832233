"""Fixtures for the config tests: a settings store in an isolated config dir, and
the real Secret Service, which must be there when CI=true."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config.secrets import KeyringSecrets
from desktop.config.settings import Settings
from tests.conftest import IN_CI


@pytest.fixture
def settings(isolated_dirs: dict[str, Path]) -> Settings:
    return Settings()


@pytest.fixture
def secret_service() -> Iterator[KeyringSecrets]:
    """A `KeyringSecrets` on the Secret Service backend. Without a reachable
    Secret Service the test skips locally and fails in CI (CI=true)."""
    from keyring.backends import SecretService

    try:
        SecretService.Keyring.priority  # noqa: B018 - raises when no service is reachable
    except RuntimeError as exc:
        message = f"no Secret Service reachable ({exc}); run scripts/test.sh"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    backend = SecretService.Keyring()
    if not _default_collection_usable():
        # gnome-keyring creates no login collection when unlocked with an empty
        # password; its always-unlocked in-memory "session" collection is still
        # the real Secret Service, so the round trip goes there instead.
        warnings.warn(
            "Secret Service has no usable default collection; using the session collection",
            stacklevel=1,
        )
        backend.preferred_collection = SESSION_COLLECTION  # type: ignore[attr-defined]
    yield KeyringSecrets(backend)


SESSION_COLLECTION = "/org/freedesktop/secrets/collection/session"


def _default_collection_usable() -> bool:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return not collection.is_locked()
    except secretstorage.exceptions.SecretStorageException:
        # No default collection, or creating one needs a prompt nobody can answer.
        return False
    finally:
        connection.close()


@pytest.fixture
def profile_id() -> str:
    """A throwaway keyring user name, so a run never touches a real profile's token."""
    return f"test-{uuid.uuid4().hex[:12]}"
