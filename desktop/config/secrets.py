"""API tokens go through one small interface: the OS keyring when it works, or
memory for this session only when the person chooses so — never a file."""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail

# The interface lives apart so that code can name it without importing keyring.
from desktop.config.secret_store import SecretStore as SecretStore
from desktop.config.secret_store import SecretStoreError as SecretStoreError

log = logging.getLogger(__name__)

SERVICE = "parley"

try:
    from secretstorage.exceptions import SecretStorageException
except ImportError:  # secretstorage is only installed where a Secret Service can exist

    class SecretStorageException(Exception):  # type: ignore[no-redef]
        """Stand-in so the except clauses below stay valid without secretstorage."""


# Failures a keyring call can raise for reasons outside our control (locked or
# missing daemon, D-Bus trouble); anything else is a bug and must propagate.
_KEYRING_FAILURES: tuple[type[Exception], ...] = (
    keyring.errors.KeyringError,
    SecretStorageException,
    OSError,
)


class SessionSecrets(SecretStore):
    """Tokens kept in memory until Parley quits; used only when the person accepts it."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}

    @property
    def available(self) -> bool:
        return True

    @property
    def backend_name(self) -> str:
        return "this session only"

    @property
    def problem(self) -> str | None:
        return None

    def get(self, profile_id: str) -> str | None:
        return self._tokens.get(profile_id)

    def set(self, profile_id: str, token: str) -> None:
        self._tokens[profile_id] = token

    def delete(self, profile_id: str) -> None:
        self._tokens.pop(profile_id, None)


_NO_KEYRING = (
    "No system keyring is available (such as GNOME Keyring, KWallet, macOS Keychain "
    "or Windows Credential Manager), so Parley cannot save your API token."
)
_FILE_KEYRING = (
    "The only keyring available keeps secrets in a plain file, so Parley will not "
    "save your API token there."
)


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    if isinstance(backend, fail.Keyring):
        return _NO_KEYRING
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return _NO_KEYRING
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module == "keyring.backends.null":
        return _FILE_KEYRING if module.startswith("keyrings.alt") else _NO_KEYRING
    return None


class KeyringSecrets(SecretStore):
    """Tokens in the OS keyring under service `parley`, user name = profile id."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._problem = _unusable_reason(self._backend)

    @property
    def available(self) -> bool:
        return self._problem is None

    @property
    def backend_name(self) -> str:
        name = getattr(self._backend, "name", None)
        return str(name) if name else type(self._backend).__name__

    @property
    def problem(self) -> str | None:
        return self._problem

    def _unavailable(self) -> SecretStoreError:
        return SecretStoreError(self._problem or _NO_KEYRING)

    def get(self, profile_id: str) -> str | None:
        if self._problem:
            raise self._unavailable()
        try:
            return self._backend.get_password(SERVICE, profile_id)
        except _KEYRING_FAILURES as exc:
            log.warning("keyring read failed: %s", type(exc).__name__)
            raise SecretStoreError(
                f"The system keyring could not be read ({_reason(exc)})."
            ) from exc

    def set(self, profile_id: str, token: str) -> None:
        if self._problem:
            raise self._unavailable()
        try:
            self._backend.set_password(SERVICE, profile_id, token)
        except _KEYRING_FAILURES as exc:
            log.warning("keyring write failed: %s", type(exc).__name__)
            raise SecretStoreError(
                f"The token could not be saved in the system keyring ({_reason(exc)})."
            ) from None

    def delete(self, profile_id: str) -> None:
        if self._problem:
            raise self._unavailable()
        try:
            if self._backend.get_password(SERVICE, profile_id) is None:
                return
            self._backend.delete_password(SERVICE, profile_id)
        except _KEYRING_FAILURES as exc:
            log.warning("keyring delete failed: %s", type(exc).__name__)
            raise SecretStoreError(
                f"The token could not be removed from the system keyring ({_reason(exc)})."
            ) from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return "it is locked"
    if isinstance(exc, keyring.errors.NoKeyringError):
        return "no keyring is installed"
    return "the keyring service did not answer"


def default_secret_store() -> SecretStore:
    """The keyring store; check `.available` and offer `SessionSecrets` if False."""
    return KeyringSecrets()
