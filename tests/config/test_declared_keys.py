"""Every settings key the code reads or writes is declared in the schema."""

from __future__ import annotations

import re
from pathlib import Path

from desktop.config.schema import SETTINGS, STATE_KEYS

ROOT = Path(__file__).resolve().parents[2] / "desktop"
DECLARED = {s.key for s in SETTINGS} | STATE_KEYS

# settings.get("x"), self._settings.set('x', …), state.value("x") (QSettings
# style) and schema lookups setting("x").
PATTERNS = [
    re.compile(r"""\bsettings\.(?:get|set|reset|value|setValue)\(\s*["']([^"']+)["']"""),
    re.compile(r"""\bsetting\(\s*["']([^"']+)["']"""),
    re.compile(r"""\.value\(\s*["']([^"']+)["']"""),
]


def _reads() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            found.extend((path, key) for key in pattern.findall(text))
    return found


def test_every_key_read_is_declared() -> None:
    reads = _reads()
    assert len(reads) >= 5, "the pattern no longer finds the code's settings reads"
    undeclared = sorted(
        {f"{p.relative_to(ROOT.parent)}: {k}" for p, k in reads}
        - {f"{p.relative_to(ROOT.parent)}: {k}" for p, k in reads if k in DECLARED}
    )
    assert not undeclared, "undeclared settings keys:\n" + "\n".join(undeclared)
