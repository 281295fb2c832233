"""Entry point: dispatches `parley ask …` to the CLI and everything else to the GUI.

Qt is imported only on the GUI path so that `parley ask` starts fast and works
without a display.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "ask":
        from desktop.cli import main as ask_main

        return ask_main(args[1:])
    if args and args[0] == "resume":
        from desktop.cli import resume_main

        return resume_main(args[1:])
    if args and args[0] in {"--version", "-V"}:
        from desktop import __version__

        print(f"parley {__version__}")
        return 0
    if args and args[0] == "--self-test":
        from desktop.selftest import run_self_test

        return run_self_test()
    from desktop.gui import run_gui

    return run_gui(args)
