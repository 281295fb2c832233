"""What the window asks of the configuration, as one typed object built at start-up:
the connection, and the effective settings of a conversation (globals with its
overrides on top). The window and its controllers read settings only through this."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from desktop.config.connection import (
    Connection,
    effective_values,
    request_options,
    resolve_connection,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop.config.secrets import SecretStore
    from desktop.config.settings import Settings


class SecretsHolder:
    """The secret store in use; becomes a session-only store if the person chooses."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store


class WindowConfig:
    """Settings, secrets and environment as the window needs them.

    `overrides_of(conv_id)` gives a saved conversation's own settings (the store's
    `conversation_settings`); a conversation not created yet has none."""

    def __init__(
        self,
        settings: Settings,
        secrets: SecretsHolder,
        environ: Mapping[str, str],
        overrides_of: Callable[[int], Mapping[str, Any]],
    ) -> None:
        self.settings = settings
        self.secrets = secrets
        self.environ = environ
        self._overrides_of = overrides_of

    def connection(self) -> Connection:
        """The active profile's connection (may look the token up in the keyring)."""
        return resolve_connection(self.settings, self.secrets.store, self.environ)

    def learn_background(self, profile_id: str, supported: bool, note: str = "") -> None:
        """Remember (in settings.toml) whether a profile's server keeps answers running."""
        from desktop.config.profiles import Profiles

        try:
            changed = Profiles(self.settings).learn_background(profile_id, supported, note)
        except ValueError as exc:
            # A hand-edited profile that no longer validates: nothing to remember it in.
            log.warning("could not remember what the server supports: %s", exc)
            return
        if changed:
            try:
                self.settings.save()
            except OSError as exc:
                # Learned again with the next answer; nothing is lost meanwhile.
                log.warning("could not save what the server supports: %s", exc)

    def options(self, conv_id: int | None) -> dict[str, Any]:
        """Keyword arguments for `RequestOptions` for a request in `conv_id`."""
        return request_options(self.settings, self._overrides(conv_id))

    def image_detail(self, conv_id: int | None) -> str:
        """How closely the model looks at images attached in `conv_id`."""
        return str(effective_values(self.settings, self._overrides(conv_id))["image_detail"])

    @property
    def theme(self) -> str:
        return str(self.settings.get("theme"))

    @property
    def font_px(self) -> int:
        return int(self.settings.get("font_size"))

    def _overrides(self, conv_id: int | None) -> Mapping[str, Any]:
        return self._overrides_of(conv_id) if conv_id is not None else {}
