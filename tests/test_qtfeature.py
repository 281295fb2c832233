"""The faster PySide6 "uses PySide6?" check answers exactly as PySide6's own."""

from __future__ import annotations

import sys

import pytest


def test_same_answers_as_pyside_for_every_loaded_module() -> None:
    import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook)

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 has no import-time feature scan")
    from desktop.qtfeature import speed_up_feature_scan

    original = feature._mod_uses_pyside
    if getattr(original, "parley_fast", False):
        pytest.skip("already replaced in this process")
    import desktop.ui.main_window  # noqa: F401  (a module that uses PySide6)

    assert speed_up_feature_scan()
    fast = feature._mod_uses_pyside
    assert fast is not original and speed_up_feature_scan()  # idempotent
    assert feature._mod_uses_pyside is fast
    # typing.io / typing.re are slow for inspect (it parses typing.py) and not modules
    # anyone imports; every other loaded module must get the same answer.
    modules = [m for n, m in list(sys.modules.items()) if n not in ("typing.io", "typing.re")]
    assert len(modules) > 100
    assert [fast(m) for m in modules] == [bool(original(m)) for m in modules]
    assert fast(sys.modules["desktop.ui.main_window"]) is True
    assert fast(sys.modules["json"]) is False
