"""The API token given in the environment is kept in a private copy and taken
out of the process environment, so that no child process inherits it:
QtWebEngine's processes (the renderer handles untrusted content), a browser or
`xdg-open` started for a link."""

from __future__ import annotations

import os
from collections.abc import MutableMapping

ENV_API_TOKEN = "CLOUDFLARE_API_TOKEN"
SECRET_NAMES: tuple[str, ...] = (ENV_API_TOKEN,)


def take_environment(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment as it is now, for this process to read for the
    whole session; the secrets in it leave `environ` (by default `os.environ`,
    whose changes reach the C environment that child processes are given)."""
    source = os.environ if environ is None else environ
    kept = dict(source)
    for name in SECRET_NAMES:
        source.pop(name, None)
    return kept
