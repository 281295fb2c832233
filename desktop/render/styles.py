"""CSS for what the renderer emits (highlighted code, math, blocked links), one sheet per
page theme, so the page's own stylesheet only has to include it."""

from __future__ import annotations

from functools import lru_cache

from pygments.formatters import HtmlFormatter

LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"

MATH_FONTS = '"DejaVu Math TeX Gyre", "STIX Two Math", "Latin Modern Math", math'

_COMMON = f"""
math {{ font-family: {MATH_FONTS}; }}
.math-display {{
  display: block; text-align: center; overflow-x: auto; overflow-y: hidden;
  margin: 0.6em 0; padding: 0.1em 0;
}}
.math-display > math {{ display: block math; font-size: 1.12em; }}
.math-error {{
  font-family: "DejaVu Sans Mono", monospace; white-space: pre-wrap;
  border-radius: 3px; padding: 0 0.25em;
}}
pre.math-error {{ padding: 0.5em; }}
.math-pending {{ white-space: pre-wrap; }}
.code-block {{ margin: 0.8em 0; border-radius: 6px; overflow: hidden; }}
.code-header {{
  display: flex; justify-content: space-between; align-items: center;
  font-size: 0.8em; padding: 0.25em 0.8em;
}}
.code-block pre {{ margin: 0; padding: 0.7em 0.9em; overflow-x: auto; }}
.code-block code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }}
a.link-blocked {{ text-decoration: underline dotted; cursor: not-allowed; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.3em 0.7em; }}
li.task-list-item {{ list-style-type: none; }}
"""

_LIGHT = """
.math-error { color: #b00020; background: #fdecee; }
.code-block { border: 1px solid #d0d7de; }
.code-header { background: #eef1f4; color: #57606a; }
.code-block pre { background: #f6f8fa; }
th, td { border: 1px solid #d0d7de; }
"""

_DARK = """
.math-error { color: #ff9aa8; background: #3b1d22; }
.code-block { border: 1px solid #30363d; }
.code-header { background: #21262d; color: #8b949e; }
.code-block pre { background: #0d1117; }
th, td { border: 1px solid #30363d; }
"""


@lru_cache(maxsize=2)
def stylesheet(dark: bool) -> str:
    """The renderer's CSS for the light (`dark=False`) or dark conversation page."""
    style = DARK_CODE_STYLE if dark else LIGHT_CODE_STYLE
    defs = HtmlFormatter(style=style).get_style_defs(".highlight")
    # Keep only the per-token rules: Pygments' global `pre`/line-number rules and its
    # background would fight the page's own code-block styling.
    token_rules = [line for line in defs.splitlines() if line.startswith(".highlight .")]
    return _COMMON + (_DARK if dark else _LIGHT) + "\n".join(token_rules) + "\n"
