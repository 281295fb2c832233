"""The keyring store, opened on first use: importing `keyring` and finding its
backend costs ~0.1 s, which start-up does not need to pay before the window shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.config.secrets import SecretStore


class LazyKeyringSecrets:
    """Behaves as `KeyringSecrets`; the real one is made the first time it is used."""

    def __init__(self) -> None:
        self._real: SecretStore | None = None

    def _store(self) -> SecretStore:
        if self._real is None:
            from desktop.config.secrets import default_secret_store

            self._real = default_secret_store()
        return self._real

    @property
    def available(self) -> bool:
        return self._store().available

    @property
    def backend_name(self) -> str:
        return self._store().backend_name

    @property
    def problem(self) -> str | None:
        return self._store().problem

    def get(self, profile_id: str) -> str | None:
        return self._store().get(profile_id)

    def set(self, profile_id: str, token: str) -> None:
        self._store().set(profile_id, token)

    def delete(self, profile_id: str) -> None:
        self._store().delete(profile_id)
