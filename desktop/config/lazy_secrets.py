"""The keyring store, opened on first use: importing `keyring` and finding its
backend costs ~0.15 s, which start-up does not need to pay before the window shows.
`warm_up()` opens it on a background thread once the window is up, so the first
lookup on the GUI thread finds it ready."""

from __future__ import annotations

import threading

from desktop.config.secret_store import SecretStore


class LazyKeyringSecrets(SecretStore):
    """Behaves as `KeyringSecrets`; the real one is made the first time it is used."""

    def __init__(self) -> None:
        self._real: SecretStore | None = None
        self._lock = threading.Lock()

    def _store(self) -> SecretStore:
        with self._lock:  # a warm-up in progress is waited for, not repeated
            if self._real is None:
                from desktop.config.secrets import default_secret_store

                self._real = default_secret_store()
            return self._real

    def warm_up(self) -> threading.Thread:
        """Imports keyring and finds its backend on a daemon thread (no lookup:
        reading a token may prompt to unlock the keyring, which the GUI asks for)."""
        thread = threading.Thread(target=self._store, name="keyring-warm-up", daemon=True)
        thread.start()
        return thread

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
