"""The interface every token store offers, and its one failure, apart from the
keyring implementation: naming them costs no `keyring` import (~0.15 s)."""

from __future__ import annotations

from abc import ABC, abstractmethod


class SecretStoreError(Exception):
    """A token could not be read, saved or deleted; the message is for a person
    and never contains the token."""


class SecretStore(ABC):
    """Where tokens live, keyed by connection profile id."""

    @property
    @abstractmethod
    def available(self) -> bool: ...

    @property
    @abstractmethod
    def backend_name(self) -> str: ...

    @property
    @abstractmethod
    def problem(self) -> str | None:
        """A plain sentence saying why tokens cannot be kept, or None."""

    @abstractmethod
    def get(self, profile_id: str) -> str | None: ...

    @abstractmethod
    def set(self, profile_id: str, token: str) -> None: ...

    @abstractmethod
    def delete(self, profile_id: str) -> None:
        """Forget the token; deleting one that is not there is not an error."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} backend={self.backend_name!r}>"
