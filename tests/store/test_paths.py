from __future__ import annotations

from pathlib import Path

from desktop.store import Store, data_dir, default_db_path


def test_data_dir_honours_xdg_data_home(isolated_dirs: dict[str, Path]) -> None:
    assert data_dir() == isolated_dirs["data"] / "parley"
    assert default_db_path().parent == data_dir()


def test_store_creates_the_data_dir(isolated_dirs: dict[str, Path]) -> None:
    with Store(default_db_path()) as store:
        store.create_conversation("hello")
    assert (isolated_dirs["data"] / "parley" / default_db_path().name).is_file()
