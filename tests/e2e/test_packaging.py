"""The packages people install: build them (or take PARLEY_DIST), check their size, and
prove each one starts and passes `--self-test` in a bare environment, then uninstalls.

Slow (a PyInstaller build of QtWebEngine), so it only runs with PARLEY_TEST_PACKAGE=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import __version__
from tests.bare_env import bare_env

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000
BUDGET_BUNDLE = 380 * MB
BUDGET_ARCHIVE = 120 * MB
BUDGET_DEB = 120 * MB
SELF_TEST_TIMEOUT = 90

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("PARLEY_TEST_PACKAGE") != "1",
        reason="packaging tests are slow: set PARLEY_TEST_PACKAGE=1 (and PARLEY_DIST to reuse)",
    ),
    pytest.mark.timeout(2400),
]


@pytest.fixture(scope="module")
def dist() -> Path:
    """dist/ with the bundle, archive and .deb: PARLEY_DIST if set, else a fresh build."""
    given = os.environ.get("PARLEY_DIST")
    if given:
        return Path(given).resolve()
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=2400,
        check=False,
    )
    assert result.returncode == 0, (
        f"build.sh failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}"
    )
    return ROOT / "dist"


@pytest.fixture(scope="module")
def artefacts(dist: Path) -> dict[str, Path]:
    found = {
        "bundle": dist / "parley",
        "archive": next(iter(dist.glob(f"parley-{__version__}-linux-*.tar.xz")), dist / "none"),
        "deb": next(iter(dist.glob(f"parley_{__version__}_*.deb")), dist / "none"),
    }
    for name, path in found.items():
        assert path.exists(), f"no {name} in {dist}"
    return found


def self_test(executable: str | Path, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable), "--self-test"],
        cwd=cwd,
        env=bare_env(home),
        capture_output=True,
        text=True,
        timeout=SELF_TEST_TIMEOUT,
        check=False,
    )


def assert_passed(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"self-test failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    assert "Self-test passed." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path


def test_sizes_within_budget(artefacts: dict[str, Path]) -> None:
    bundle = tree_size(artefacts["bundle"])
    archive = artefacts["archive"].stat().st_size
    deb = artefacts["deb"].stat().st_size
    assert bundle <= BUDGET_BUNDLE, f"bundle is {bundle / MB:.0f} MB"
    assert archive <= BUDGET_ARCHIVE, f"archive is {archive / MB:.0f} MB"
    assert deb <= BUDGET_DEB, f".deb is {deb / MB:.0f} MB"


def test_bundle_carries_only_what_the_app_uses(artefacts: dict[str, Path]) -> None:
    internal = artefacts["bundle"] / "_internal"
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "resources" / "qtwebengine_devtools_resources.pak").exists()
    assert not (qt / "qml").exists()
    assert (qt / "libexec" / "QtWebEngineProcess").exists()
    assert (qt / "plugins" / "platforms" / "libqxcb.so").exists()
    locales = {p.name for p in (qt / "translations" / "qtwebengine_locales").iterdir()}
    assert "en-US.pak" in locales and len(locales) <= 8
    for unwanted in ("tests", "pytest", "_pytest", "hypothesis", "ruff", "mypy"):
        assert not (internal / unwanted).exists(), unwanted
    assert not list(internal.rglob("*.debug"))
    assert (internal / "resources" / "page" / "conversation.html").exists()
    assert (internal / "resources" / "fonts" / "DejaVuMathTeXGyre.ttf").exists()


def test_bundle_carries_the_python_the_set_up_chose(artefacts: dict[str, Path]) -> None:
    # The build runs in the set-up's virtual environment (the newest CPython on the
    # machine, as this test run is): the bundle carries that Python and no other.
    internal = artefacts["bundle"] / "_internal"
    carried = {p.name.split(".so")[0] for p in internal.glob("libpython3*.so*")}
    assert carried == {f"libpython{sys.version_info.major}.{sys.version_info.minor}"}


def test_bundle_self_test_in_bare_environment(
    artefacts: dict[str, Path], home: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = self_test(artefacts["bundle"] / "parley", home, elsewhere)
    assert_passed(result)
    assert "formulas" in result.stdout


def test_desktop_file_validates() -> None:
    if not shutil.which("desktop-file-validate"):
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    result = subprocess.run(
        ["desktop-file-validate", str(ROOT / "packaging" / "parley.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_archive_install_and_uninstall(
    artefacts: dict[str, Path], home: Path, tmp_path: Path
) -> None:
    unpacked = tmp_path / "unpacked"
    with tarfile.open(artefacts["archive"]) as archive:
        archive.extractall(unpacked, filter="tar")
    (top,) = unpacked.iterdir()
    for name in ("install.sh", "uninstall.sh", "parley.desktop", "parley/parley"):
        assert (top / name).exists(), name
    env = bare_env(home)

    for _ in range(2):  # installing twice is the same as once
        done = subprocess.run(
            ["bash", str(top / "install.sh")], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    local = home / ".local"
    launcher = local / "bin" / "parley"
    desktop_file = local / "share" / "applications" / "parley.desktop"
    assert launcher.is_symlink()
    assert (local / "share" / "icons" / "hicolor" / "256x256" / "apps" / "parley.png").exists()
    assert (local / "share" / "icons" / "hicolor" / "scalable" / "apps" / "parley.svg").exists()
    assert f"Exec={launcher}" in desktop_file.read_text()
    assert_passed(self_test(launcher, home, tmp_path))

    done = subprocess.run(
        ["bash", str(top / "uninstall.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not launcher.exists() and not launcher.is_symlink()
    assert not desktop_file.exists()
    assert not (local / "lib" / "parley").exists()
    assert not list((local / "share" / "icons").rglob("parley.*"))


def test_deb_metadata(artefacts: dict[str, Path]) -> None:
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(artefacts["deb"]), "Package", "Version", "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Package: parley" in fields
    assert f"Version: {__version__}" in fields
    for needed in ("fonts-dejavu-extra", "libnss3", "libxcb-cursor0", "libxkbcommon0"):
        assert needed in fields, needed
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(artefacts["deb"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "root/root" in contents and "./opt/parley/parley" in contents
    assert "./usr/bin/parley -> /opt/parley/parley" in contents
    assert "./usr/share/applications/parley.desktop" in contents


def test_deb_install_run_remove(artefacts: dict[str, Path], home: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("installing a .deb needs root and apt-get")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(
        ["apt-get", "install", "-y", "-q", str(artefacts["deb"])],
        env=apt_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
        assert Path("/usr/bin/parley").exists()
        assert_passed(self_test("/usr/bin/parley", home, tmp_path))
    finally:
        removed = subprocess.run(
            ["apt-get", "remove", "-y", "-q", "parley"],
            env=apt_env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert removed.returncode == 0, removed.stdout[-3000:] + removed.stderr[-3000:]
    assert not Path("/opt/parley").exists()
    assert not Path("/usr/bin/parley").exists()
