"""The per-user folders (XDG on Linux, read without platformdirs) and the log's
rotation at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop import dirs, logs


@pytest.mark.parametrize(
    ("kind", "variable", "default"),
    [
        ("config", "XDG_CONFIG_HOME", ".config"),
        ("data", "XDG_DATA_HOME", ".local/share"),
        ("state", "XDG_STATE_HOME", ".local/state"),
    ],
)
def test_xdg_variable_then_home_default(
    kind: str, variable: str, default: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dirs.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, str(tmp_path / "xdg"))
    assert dirs.user_dir(kind) == tmp_path / "xdg" / "parley"
    monkeypatch.setenv(variable, "  ")  # empty counts as unset
    assert dirs.user_dir(kind) == tmp_path / "home" / default / "parley"
    monkeypatch.delenv(variable)
    assert dirs.user_dir(kind) == tmp_path / "home" / default / "parley"


def test_same_answers_as_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr(dirs.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    assert dirs.user_dir("config") == Path(platformdirs.user_config_dir("parley"))
    assert dirs.user_dir("data") == Path(platformdirs.user_data_dir("parley"))
    assert dirs.user_dir("state") / "log" == Path(platformdirs.user_log_dir("parley"))


def test_log_lives_in_the_state_dir(isolated_dirs: dict[str, Path]) -> None:
    assert logs.log_path() == isolated_dirs["state"] / "parley" / "log" / "parley.log"


def test_rotation_keeps_two_older_files(tmp_path: Path) -> None:
    log = tmp_path / "parley.log"
    log.write_text("small")
    assert not logs.rotate(log, max_bytes=10)
    assert log.read_text() == "small"
    for generation in ("first", "second", "third"):
        log.write_text(generation * 10)
        assert logs.rotate(log, max_bytes=10)
        assert not log.exists()
    assert (tmp_path / "parley.log.1").read_text() == "third" * 10
    assert (tmp_path / "parley.log.2").read_text() == "second" * 10
    assert not (tmp_path / "parley.log.3").exists()
    assert not logs.rotate(tmp_path / "missing.log")


def test_setup_logging_writes_to_the_file(isolated_dirs: dict[str, Path]) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    path = logs.setup_logging()
    try:
        logging.getLogger("parley-test").warning("hello from the test")
        for handler in root.handlers:
            handler.flush()
        assert "hello from the test" in path.read_text(encoding="utf-8")
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
