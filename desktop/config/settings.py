"""The settings store: declared values kept in `settings.toml` in the user config
dir, validated against the schema, written atomically and never holding a secret.
Saving edits the file as read (tomlkit), so a person's comments and key order stay."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.config.schema import SETTINGS, Setting, defaults, setting, validate
from desktop.dirs import user_dir

if TYPE_CHECKING:
    from tomlkit.container import Container

log = logging.getLogger(__name__)

FILE_NAME = "settings.toml"
FORMAT_VERSION = 1
_HEADER = (
    "Parley settings. Edit while Parley is closed; unknown keys are kept.\n"
    "Your API token is never stored here: it lives in the system keyring."
)
# Keys that look like credentials are refused even when nobody declared them,
# so a hand-edited or future file can never carry a token through a save.
_SECRET_WORDS = frozenset({"token", "apikey", "password", "passwd", "secret", "key"})


class SecretSettingError(ValueError):
    """Raised when code tries to put a secret into the settings file."""


def config_dir() -> Path:
    """Parley's config folder (XDG_CONFIG_HOME/parley on Linux)."""
    return user_dir("config")


def default_path() -> Path:
    return config_dir() / FILE_NAME


def _looks_secret(key: str) -> bool:
    words = set(re.split(r"[^a-z0-9]+", key.lower()))
    return bool(words & _SECRET_WORDS)


class Settings:
    """Declared settings backed by a TOML file. `set()` changes memory only;
    `save()` writes the file. `warning` holds a plain sentence when the file
    could not be used as it was."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path if path is not None else default_path()
        self._values: dict[str, Any] = defaults()
        # The file's text as read, when it parsed: saving edits it in place.
        self._text: str | None = None
        self.warning: str | None = None
        self.reload()

    @property
    def path(self) -> Path:
        return self._path

    def get(self, key: str) -> Any:
        """The value of a declared setting; KeyError for anything undeclared."""
        s = setting(key)
        if s.secret:
            raise SecretSettingError(f"{s.label} is kept in the system keyring, not in settings.")
        return self._values[key]

    def set(self, key: str, value: Any) -> None:
        """Validate and change a value in memory (ValueError with a sentence if invalid)."""
        s = setting(key)
        if s.secret:
            raise SecretSettingError(
                f"{s.label} is kept in the system keyring and is never written to settings."
            )
        self._values[key] = validate(s, value)

    def update(self, values: Mapping[str, Any]) -> None:
        """Set several values; nothing changes if any of them is invalid."""
        checked: dict[str, Any] = {}
        for key, value in values.items():
            s = setting(key)
            if s.secret:
                raise SecretSettingError(
                    f"{s.label} is kept in the system keyring and is never written to settings."
                )
            checked[key] = validate(s, value)
        self._values.update(checked)

    def reset(self, key: str) -> None:
        self._values[key] = setting(key).default

    def values(self) -> dict[str, Any]:
        """A snapshot of every declared (non-secret) value."""
        return dict(self._values)

    def reload(self) -> None:
        """Read the file again; defaults for anything missing or unusable."""
        self._values = defaults()
        self._text = None
        self.warning = None
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            kept = self._keep_broken_copy()
            self.warning = (
                f"Your settings file could not be read ({exc}), so Parley started with "
                f"default settings. A copy of the old file was kept as {kept.name}."
            )
            log.warning("%s", self.warning)
            return
        self._text = raw.decode("utf-8")
        self._load(data)

    def _load(self, data: dict[str, Any]) -> None:
        problems: list[str] = []
        for key, value in data.items():
            if key == "version":
                continue
            declared = next((s for s in SETTINGS if s.key == key), None)
            if declared is None:
                if _looks_secret(key):
                    problems.append(f"ignored {key!r}, which looks like a secret")
                continue
            if declared.secret:
                problems.append(f"ignored {key!r}: secrets belong in the keyring")
                continue
            try:
                self._values[key] = validate(declared, self._from_toml(declared, value))
            except ValueError as exc:
                # A bad value costs only that setting, not the whole file.
                problems.append(f"{key}: {exc}")
        if problems:
            self.warning = (
                "Some settings were not used and their defaults apply: " + "; ".join(problems) + "."
            )
            log.warning("%s", self.warning)

    @staticmethod
    def _from_toml(s: Setting, value: Any) -> Any:
        if s.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if s.type is list and isinstance(value, list):
            return [_strip_secrets(item) if isinstance(item, dict) else item for item in value]
        return value

    def _keep_broken_copy(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self._path.with_name(f"{self._path.name}.broken-{stamp}")
        import shutil

        shutil.copy2(self._path, target)
        return target

    def to_toml(self) -> str:
        """The file's text: the file as read with changed values replaced, unset
        optional ones removed and new ones added in schema order, so comments, key
        order and unknown keys survive; a new file starts with a short header."""
        # tomlkit is needed only to save (start-up reads with tomllib: it is a budget).
        import tomlkit

        if self._text is None:
            document = tomlkit.document()
            for line in _HEADER.splitlines():
                document.add(tomlkit.comment(line))
            document.add(tomlkit.nl())
        else:
            document = tomlkit.parse(self._text)
        if document.get("version") != FORMAT_VERSION:
            document["version"] = FORMAT_VERSION
        for s in SETTINGS:
            value = None if s.secret else self._values[s.key]
            if value is None:
                document.pop(s.key, None)
                continue
            if s.type is list:
                value = [_strip_secrets(dict(item)) for item in value]
            current = document.get(s.key)
            if current is None or _plain(current) != value:
                document[s.key] = value
        _drop_secrets(document)
        return tomlkit.dumps(document)

    def save(self) -> None:
        """Write the file atomically (temp file + rename), readable only by the user."""
        text = self.to_toml()
        folder = self._path.parent
        import tempfile  # only saving needs it (start-up is a budget)

        from desktop.private import FILE_MODE, private_dir

        private_dir(folder)

        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, self._path)
        except BaseException:
            # Remove the half-written temp file, then let the error travel on.
            tmp.unlink(missing_ok=True)
            raise
        self._text = text
        self.warning = None


def _strip_secrets(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if not _looks_secret(k)}


def _plain(value: Any) -> Any:
    """A tomlkit item as plain Python values, for comparing with ours."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap is not None else value


def _drop_secrets(table: Container | dict[str, Any]) -> None:
    """Remove keys that look like credentials from a TOML document, in tables and
    arrays of tables at any depth (a hand-edited file must not keep one through a save)."""
    for key in list(table.keys()):
        if _looks_secret(key):
            del table[key]
            continue
        value = table[key]
        if isinstance(value, dict):
            _drop_secrets(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _drop_secrets(item)
