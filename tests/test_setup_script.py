"""scripts/setup.sh picks the newest CPython >= 3.11 on the machine (on PATH or in
pyenv's versions folder, skipping pyenv shims that fail) and rebuilds a virtual
environment made with another Python.

The interpreters here are stand-ins: small scripts that report a version, pass
the set-up's checks and make a "virtual environment" that records who made it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/bin/bash
# Stand-in for Python {version}.
if [[ "$1" == "-c" && "$2" == *'%d.%d'* ]]; then echo {version}; exit 0; fi
if [[ "$1" == "-m" && "$2" == "venv" ]]; then
    mkdir -p "$3/bin"
    echo "made-by = {version}" >"$3/pyvenv.cfg"
    cp "$0" "$3/bin/python"
fi
exit 0
"""
BROKEN_SHIM = '#!/bin/bash\necho "pyenv: python3.14: command not found" >&2\nexit 127\n'
# Every Debian package counts as installed: the test never reaches apt.
DPKG_QUERY = '#!/bin/bash\necho "install ok installed"\n'


def _script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def _machine(tmp_path: Path) -> dict[str, str]:
    """python3.12 on PATH, a failing pyenv shim for 3.14, and pyenv's own 3.13.0."""
    bin_dir = tmp_path / "bin"
    _script(bin_dir / "python3.12", FAKE_PYTHON.format(version="3.12"))
    _script(bin_dir / "python3.14", BROKEN_SHIM)
    _script(bin_dir / "dpkg-query", DPKG_QUERY)
    pyenv = tmp_path / "pyenv"
    _script(pyenv / "versions/3.13.0/bin/python3", FAKE_PYTHON.format(version="3.13"))
    _script(pyenv / "versions/3.9.18/bin/python3", FAKE_PYTHON.format(version="3.9"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV")}
    env.update(
        PATH=f"{bin_dir}:/usr/bin:/bin",
        PYENV_ROOT=str(pyenv),
        PARLEY_VENV=str(tmp_path / "venv"),
        PARLEY_EXTRAS="",
    )
    return env


def _set_up(env: dict[str, str]) -> str:
    """Runs the set-up; returns which stand-in made the virtual environment."""
    done = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'scripts/setup.sh'}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return (Path(env["PARLEY_VENV"]) / "pyvenv.cfg").read_text().strip()


def test_newest_python_is_found_in_pyenv_versions(tmp_path: Path) -> None:
    assert _set_up(_machine(tmp_path)) == "made-by = 3.13"


def test_a_venv_of_an_older_python_is_rebuilt(tmp_path: Path) -> None:
    env = _machine(tmp_path)
    old = _script(tmp_path / "old/python3.11", FAKE_PYTHON.format(version="3.11"))
    subprocess.run([old, "-m", "venv", env["PARLEY_VENV"]], check=True)
    assert _set_up(env) == "made-by = 3.13"
    kept = Path(env["PARLEY_VENV"]) / "kept"
    kept.touch()
    assert _set_up(env) == "made-by = 3.13"
    assert kept.exists()  # made again once, not at every run


def test_python_chosen_by_the_person_wins(tmp_path: Path) -> None:
    env = _machine(tmp_path)
    env["PYTHON"] = str(tmp_path / "bin/python3.12")
    assert _set_up(env) == "made-by = 3.12"
