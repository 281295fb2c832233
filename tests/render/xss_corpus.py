"""The public XSS corpus (`<repo>/../shared/reference/corpora/xss-payloads.json`) and
the ways model text can carry a payload into an answer. Read in place; with CI=true
a missing corpus fails the test instead of skipping it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from tests.corpora import load_corpus, require_corpus

XSS_FILE = "xss-payloads.json"


@cache
def _load() -> tuple[str, ...]:
    return tuple(item["payload"] for item in load_corpus(XSS_FILE)["payloads"])


def xss_payloads() -> tuple[str, ...]:
    """Every payload of the corpus (a failure in CI when the corpus is missing)."""
    require_corpus(XSS_FILE)
    return _load()


def _first_line(payload: str) -> str:
    return payload.splitlines()[0] if payload.strip() else "x"


# Each way an answer can hold a payload: as text, in links, images, tables, code,
# and in math (display and inline, and as the argument of commands that set
# attributes in other LaTeX renderers).
WRAPPINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda p: p,
    "paragraph": lambda p: f"Before {p} after.",
    "heading": lambda p: f"# {_first_line(p)}",
    "list": lambda p: f"- item\n- {p}\n",
    "quote": lambda p: f"> {p}",
    "link text": lambda p: f"[{p}](https://example.com)",
    "link target": lambda p: f"[x]({p})",
    "link target in brackets": lambda p: f"[x](<{_first_line(p)}>)",
    "link title": lambda p: f'[x](https://example.com "{p}")',
    "autolink": lambda p: f"<{_first_line(p)}>",
    "reference link": lambda p: f"[x][r]\n\n[r]: {_first_line(p)}\n",
    "image": lambda p: f"![{p}]({p})",
    "table": lambda p: f"| a | b |\n|---|:-:|\n| {_first_line(p)} | x |\n",
    "fence": lambda p: f"```html\n{p}\n```\n",
    "fence info": lambda p: f"```{_first_line(p)}\ncode\n```\n",
    "inline code": lambda p: f"`{p}`",
    "display math": lambda p: f"$$\n{p}\n$$\n",
    "inline math": lambda p: f"Say ${p}$ now.",
    "bracket math": lambda p: f"\\[{p}\\] and \\({p}\\)",
    "math text": lambda p: f"$\\text{{{p}}}$",
    "math class": lambda p: f"$\\class{{{p}}}{{x}}$ $$\\class{{{p}}}{{\\text{{{p}}}}}$$",
    "math style": lambda p: f"$\\style{{{p}}}{{x}}$ $\\htmlStyle{{{p}}}{{x}}$",
    "math id": lambda p: f"$\\cssId{{{p}}}{{x}}$ $$\\htmlId{{{p}}}{{x}}$$",
    "math href": lambda p: f"$\\href{{{p}}}{{x}}$ $\\url{{{p}}}$",
    "math color": lambda p: f"$\\color{{{p}}}{{x}}$ $\\colorbox{{{p}}}{{x}}$",
    "math operator": lambda p: f"$\\operatorname{{{p}}}$ $\\mathrm{{{p}}}$",
}
