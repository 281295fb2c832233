"""What a request needs, resolved from settings, the keyring and the environment:
the connection (base URL, token, model) and the effective request parameters."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.api.params import PARAMS
from desktop.config.environment import ENV_API_TOKEN
from desktop.config.profiles import Profiles, cloudflare_base_url
from desktop.config.schema import setting, validate
from desktop.config.settings import Settings

if TYPE_CHECKING:
    # The keyring library is imported only when a token is first looked up.
    from desktop.config.secrets import SecretStore

log = logging.getLogger(__name__)

ENV_ACCOUNT_ID = "CLOUDFLARE_ACCOUNT_ID"
ENV_BASE_URL = "PARLEY_BASE_URL"
ENV_NAMES: tuple[str, ...] = (ENV_ACCOUNT_ID, ENV_API_TOKEN, ENV_BASE_URL)


@dataclass(frozen=True)
class Connection:
    """Where to send a request and with which token. `overridden` names the
    environment variables that replaced saved values for this session."""

    base_url: str
    token: str | None = field(repr=False)
    profile_id: str
    model: str
    overridden: frozenset[str] = frozenset()
    token_problem: str | None = None
    # Ask for answers that keep running on the server (the profile's choice, unless
    # its server showed it does not support them).
    background: bool = False
    # A server of one's own (a custom profile) may take no token.
    token_required: bool = True

    def __repr__(self) -> str:
        token = "<hidden>" if self.token else None
        return (
            f"Connection(base_url={self.base_url!r}, token={token}, "
            f"profile_id={self.profile_id!r}, model={self.model!r}, "
            f"overridden={sorted(self.overridden)!r}, background={self.background})"
        )

    @property
    def problem(self) -> str | None:
        """A sentence saying what is missing before a request can be sent, or None."""
        if not self.base_url:
            return "Set your Cloudflare account ID or a base URL in Settings \u203a Connection."
        if not self.token and self.token_required:
            return self.token_problem or "Add your API token in Settings \u203a Connection."
        return None


def env_overrides(environ: Mapping[str, str], profile_kind: str) -> dict[str, str]:
    """The environment variables that apply to a profile of this kind. The
    Cloudflare variables describe a Cloudflare connection, so they apply only to
    Cloudflare profiles; PARLEY_BASE_URL applies to any."""
    applicable: tuple[str, ...] = (ENV_BASE_URL,)
    if profile_kind == "cloudflare":
        applicable = ENV_NAMES
    return {name: environ[name].strip() for name in applicable if environ.get(name, "").strip()}


def resolve_connection(
    settings: Settings, secrets: SecretStore, environ: Mapping[str, str] = os.environ
) -> Connection:
    """The active profile's connection, with environment overrides applied (they
    are used for this session only; nothing here writes settings)."""
    profile = Profiles(settings).active()
    env = env_overrides(environ, profile.kind)
    base_url = profile.effective_base_url()
    if ENV_ACCOUNT_ID in env:
        base_url = cloudflare_base_url(env[ENV_ACCOUNT_ID])
    if ENV_BASE_URL in env:
        base_url = env[ENV_BASE_URL].rstrip("/")
    token: str | None = env.get(ENV_API_TOKEN)
    token_problem: str | None = None
    if token is None:
        from desktop.config.secrets import SecretStoreError

        if not secrets.available:
            token_problem = secrets.problem
        else:
            try:
                token = secrets.get(profile.id)
            except SecretStoreError as exc:
                # The keyring failed (locked, daemon gone): the request cannot be
                # authorised, and the person is told why instead of a crash.
                token_problem = str(exc)
    return Connection(
        base_url=base_url,
        token=token,
        profile_id=profile.id,
        model=settings.get("model"),
        overridden=frozenset(env),
        token_problem=token_problem,
        background=profile.runs_on_server,
        token_required=profile.kind != "custom",
    )


def effective_values(
    settings: Settings, conversation_overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """Global values with the conversation's overrides on top. Overrides of
    undeclared, global-only or invalid entries are dropped with a log line (they
    come from saved conversations, which may predate the current schema)."""
    values = settings.values()
    for key, value in conversation_overrides.items():
        try:
            declared = setting(key)
        except KeyError:
            log.warning("ignoring conversation override of unknown setting %r", key)
            continue
        if not declared.per_conversation:
            log.warning("ignoring conversation override of global-only setting %r", key)
            continue
        try:
            values[key] = validate(declared, value)
        except ValueError as exc:
            log.warning("ignoring invalid conversation override of %r: %s", key, exc)
    return values


def request_options(
    settings: Settings, conversation_overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """Keyword arguments for `desktop.api.request.RequestOptions`: the effective
    value of every request parameter (per-conversation overrides win)."""
    values = effective_values(settings, conversation_overrides)
    return {p.key: values[p.key] for p in PARAMS}
