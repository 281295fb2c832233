"""PyInstaller entry script: the bundled `parley` executable runs the same `main()` as the
console script, so the package behaves exactly like `pip install`-ed Parley."""

from __future__ import annotations

import sys


def _run() -> int:
    # `--self-test` is handled here as well as in desktop.app so that a bundle built from
    # any revision can check itself; it never reaches the GUI's argument parsing.
    if sys.argv[1:2] == ["--self-test"]:
        from desktop.selftest import run_self_test

        return run_self_test()
    from desktop.app import main

    return main()


if __name__ == "__main__":
    sys.exit(_run())
