"""Connection profiles (Cloudflare, OpenAI, custom server): what each one is, the
base URL it talks to, and how they are added, renamed, deleted and chosen."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

# Re-exported: the settings ask profiles for base URLs; the api layer owns them.
from desktop.api.request import OPENAI_BASE_URL as OPENAI_BASE_URL
from desktop.api.request import cloudflare_base_url as cloudflare_base_url
from desktop.config.schema import setting
from desktop.config.settings import Settings

ProfileKind = Literal["cloudflare", "openai", "custom"]
# Whether the profile's server keeps answers running (`background` responses): learned
# from the first answer that asks for it, never assumed.
BackgroundSupport = Literal["unknown", "yes", "no"]
SUPPORT_VALUES: tuple[BackgroundSupport, ...] = ("unknown", "yes", "no")
KINDS: tuple[ProfileKind, ...] = ("cloudflare", "openai", "custom")
KIND_LABELS: dict[str, str] = {
    "cloudflare": "Cloudflare Workers AI",
    "openai": "OpenAI",
    "custom": "Custom server",
}

_ACCOUNT_ID = re.compile(r"^[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class Profile:
    """One place to send requests. `id` is a stable slug: it names the token in
    the keyring, so renaming a profile changes `name` only."""

    id: str
    name: str
    kind: ProfileKind
    account_id: str = ""
    base_url: str = ""
    # Ask the server to keep each answer running, so a dropped connection, a sleeping
    # laptop or a closed window loses nothing (background responses).
    keep_running: bool = True
    background_support: BackgroundSupport = "unknown"
    background_note: str = ""  # how the server showed it does not support them

    @property
    def runs_on_server(self) -> bool:
        """Whether answers are to be asked for as background responses."""
        return self.keep_running and self.background_support != "no"

    def effective_base_url(self) -> str:
        """The URL before `/responses`; empty while the profile lacks what it needs."""
        if self.kind == "cloudflare":
            return cloudflare_base_url(self.account_id) if self.account_id.strip() else ""
        if self.kind == "openai":
            return OPENAI_BASE_URL
        return self.base_url

    def to_dict(self) -> dict[str, str | bool]:
        data: dict[str, str | bool] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "account_id": self.account_id,
            "base_url": self.base_url,
        }
        # Written only when they differ from a new profile's, so files stay as they were.
        if not self.keep_running:
            data["keep_running"] = False
        if self.background_support != "unknown":
            data["background_support"] = self.background_support
        if self.background_note:
            data["background_note"] = self.background_note
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, str | bool]) -> Profile:
        kind = data.get("kind", "custom")
        if kind not in KINDS:
            raise ValueError(f"Unknown connection kind {kind!r}.")
        support = data.get("background_support", "unknown")
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or data["id"]),
            kind=kind,
            account_id=str(data.get("account_id", "")),
            base_url=str(data.get("base_url", "")),
            keep_running=data.get("keep_running", True) is not False,
            background_support=support if support in SUPPORT_VALUES else "unknown",
            background_note=str(data.get("background_note", "")),
        )

    def learned(self, supported: bool, note: str = "") -> Profile:
        """This profile once its server showed whether it keeps answers running."""
        return replace(self, background_support="yes" if supported else "no", background_note=note)


def validate_account_id(account_id: str) -> str:
    """A Cloudflare account ID (32 hex digits), or ValueError with a sentence."""
    value = account_id.strip()
    if value and not _ACCOUNT_ID.match(value):
        raise ValueError(
            "A Cloudflare account ID is 32 characters, digits and the letters a to f; "
            "it is in your dashboard's address."
        )
    return value


def validate_base_url(url: str) -> str:
    """A base URL such as `http://localhost:8080/v1`, or ValueError with a sentence."""
    value = url.strip().rstrip("/")
    if not value:
        raise ValueError("Enter the server's base URL, e.g. http://localhost:8080/v1.")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("The base URL must start with http:// or https:// and name a server.")
    if value.endswith("/responses"):
        raise ValueError("Leave out /responses: the base URL is the part before it.")
    return value


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "profile"


def unique_id(name: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    base = slugify(name)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


class Profiles:
    """Profile operations on a `Settings` store (changes are saved by `Settings.save`)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def all(self) -> tuple[Profile, ...]:
        profiles = []
        for item in self._settings.get("profiles"):
            try:
                profiles.append(Profile.from_dict(item))
            except (KeyError, ValueError):
                # An entry a newer or hand-edited file made unusable: skip it
                # rather than refuse to start; it stays in the file until saved.
                continue
        return tuple(profiles)

    def get(self, profile_id: str) -> Profile:
        for profile in self.all():
            if profile.id == profile_id:
                return profile
        raise KeyError(profile_id)

    def active(self) -> Profile:
        """The chosen profile, or the first one if the choice no longer exists."""
        profiles = self.all()
        if not profiles:
            self.replace_all(Profile.from_dict(d) for d in _default_profiles())
            profiles = self.all()
        chosen = self._settings.get("active_profile")
        return next((p for p in profiles if p.id == chosen), profiles[0])

    def add(
        self, name: str, kind: ProfileKind, account_id: str = "", base_url: str = ""
    ) -> Profile:
        if kind not in KINDS:
            raise ValueError(f"Unknown connection kind {kind!r}.")
        name = name.strip() or KIND_LABELS[kind]
        profile = Profile(
            id=unique_id(name, (p.id for p in self.all())),
            name=name,
            kind=kind,
            account_id=validate_account_id(account_id),
            base_url=validate_base_url(base_url) if base_url else "",
        )
        self.replace_all((*self.all(), profile))
        return profile

    def update(self, profile: Profile) -> None:
        """Store changed fields of an existing profile (matched by id)."""
        validate_account_id(profile.account_id)
        if profile.base_url:
            validate_base_url(profile.base_url)
        profiles = self.all()
        if profile.id not in {p.id for p in profiles}:
            raise KeyError(profile.id)
        self.replace_all(profile if p.id == profile.id else p for p in profiles)

    def learn_background(self, profile_id: str, supported: bool, note: str = "") -> bool:
        """Remember whether the profile's server keeps answers running; True when that
        changed what was stored (then the settings want saving)."""
        try:
            profile = self.get(profile_id)
        except KeyError:
            return False  # deleted while its answer ran
        learned = profile.learned(supported, note)
        if learned == profile:
            return False
        self.update(learned)
        return True

    def rename(self, profile_id: str, name: str) -> Profile:
        name = name.strip()
        if not name:
            raise ValueError("A profile needs a name.")
        renamed = replace(self.get(profile_id), name=name)
        self.update(renamed)
        return renamed

    def delete(self, profile_id: str) -> None:
        profiles = self.all()
        remaining = tuple(p for p in profiles if p.id != profile_id)
        if len(remaining) == len(profiles):
            raise KeyError(profile_id)
        if not remaining:
            raise ValueError("Parley needs at least one connection profile.")
        self.replace_all(remaining)
        if self._settings.get("active_profile") == profile_id:
            self._settings.set("active_profile", remaining[0].id)

    def set_active(self, profile_id: str) -> None:
        self.get(profile_id)
        self._settings.set("active_profile", profile_id)

    def replace_all(self, profiles: Iterable[Profile]) -> None:
        items = [p.to_dict() for p in profiles]
        ids = [item["id"] for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError("Two connection profiles cannot share an id.")
        self._settings.set("profiles", items)


def _default_profiles() -> list[dict[str, str]]:
    return [dict(item) for item in setting("profiles").default]
