"""LaTeX to MathML for the conversation page: QtWebEngine's Chromium renders MathML
natively, so formulas need no JavaScript; conversions are cached because models repeat them."""

from __future__ import annotations

import html
from functools import lru_cache
from xml.etree.ElementTree import Element

from latex2mathml import exceptions as l2m_errors
from latex2mathml.converter import convert_to_element

from desktop.render import fast

# Every exception type latex2mathml raises for LaTeX it cannot parse. Its walker also
# trips over some malformed input with IndexError/ValueError/StopIteration (found by
# fuzzing, e.g. a bare "\genfrac"), which for us mean the same thing: show the source.
_CONVERSION_ERRORS: tuple[type[Exception], ...] = (
    l2m_errors.NumeratorNotFoundError,
    l2m_errors.DenominatorNotFoundError,
    l2m_errors.ExtraLeftOrMissingRightError,
    l2m_errors.MissingSuperScriptOrSubscriptError,
    l2m_errors.DoubleSubscriptsError,
    l2m_errors.DoubleSuperscriptsError,
    l2m_errors.NoAvailableTokensError,
    l2m_errors.InvalidStyleForGenfracError,
    l2m_errors.MissingEndError,
    l2m_errors.InvalidAlignmentError,
    l2m_errors.InvalidWidthError,
    l2m_errors.LimitsMustFollowMathOperatorError,
    IndexError,
    ValueError,
    StopIteration,
)

# MathML elements Chromium renders; anything else latex2mathml might emit becomes <mrow>.
_ALLOWED_TAGS = frozenset(
    [
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mroot",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mtable",
        "mtr",
        "mtd",
        "mstyle",
        "mpadded",
        "mphantom",
        "menclose",
        "merror",
        "mmultiscripts",
        "mprescripts",
        "none",
    ]
)
# The presentation attributes latex2mathml sets; every other one is dropped. Above all
# `class`, `id` and `style` (from `\class`, `\style`…) must not reach the page, whose
# CSS and scripts react to its own classes ("notice", "attachment", "code-block"); nor
# may `href` or event handlers.
_ALLOWED_ATTRS = frozenset(
    [
        "accent",
        "accentunder",
        "columnalign",
        "columnlines",
        "columnspacing",
        "depth",
        "displaystyle",
        "fence",
        "form",
        "height",
        "largeop",
        "linethickness",
        "lspace",
        "mathbackground",
        "mathcolor",
        "mathsize",
        "mathvariant",
        "maxsize",
        "minsize",
        "movablelimits",
        "notation",
        "rowalign",
        "rowlines",
        "rowspacing",
        "rspace",
        "scriptlevel",
        "separator",
        "stretchy",
        "symmetric",
        "voffset",
        "width",
    ]
)

CACHE_SIZE = 4096


def _serialise(element: Element, out: list[str]) -> None:
    """Write `element` as MathML, escaping every text and attribute ourselves:
    latex2mathml's own string output unescapes `\\text{<b>}` into live markup."""
    tag = element.tag.rpartition("}")[2]
    if tag not in _ALLOWED_TAGS:
        tag = "mrow"
    out.append("<" + tag)
    for name, value in element.attrib.items():
        if name not in _ALLOWED_ATTRS:
            continue
        out.append(f' {html.escape(name)}="{html.escape(value)}"')
    out.append(">")
    if element.text:
        out.append(html.escape(html.unescape(element.text), quote=False))
    for child in element:
        _serialise(child, out)
        if child.tail:
            out.append(html.escape(html.unescape(child.tail), quote=False))
    out.append(f"</{tag}>")


# latex2mathml lays out `aligned`/`gathered` as one row with `&` shown and line breaks
# Chromium ignores; its `align*` and `array` give real tables.
_REWRITES = (
    ("{aligned}", "{align*}"),
    ("\\begin{gathered}", "\\begin{array}{c}"),
    ("\\end{gathered}", "\\end{array}"),
    ("\\begin{gather}", "\\begin{array}{c}"),
    ("\\end{gather}", "\\end{array}"),
    ("\\begin{gather*}", "\\begin{array}{c}"),
    ("\\end{gather*}", "\\end{array}"),
)


def full_mathml(latex: str, display: bool) -> str | None:
    """The `<mrow>` latex2mathml makes of `latex`, serialised safely, or None when it
    cannot convert it (the fast path is checked against this)."""
    converted = latex
    if "\\begin{" in converted:
        for old, new in _REWRITES:
            converted = converted.replace(old, new)
    try:
        root = convert_to_element(converted, display="block" if display else "inline")
    except _CONVERSION_ERRORS:
        # Malformed LaTeX is an expected input from a model, not a bug: the caller
        # shows the source as an error box instead.
        return None
    out: list[str] = []
    for child in root:
        _serialise(child, out)
    return "".join(out)


def _simple_mathml(latex: str, display: bool) -> str | None:
    from desktop.render.fast.mathml import simple_mathml

    return simple_mathml(latex, display)


@lru_cache(maxsize=CACHE_SIZE)
def latex_to_mathml(latex: str, display: bool) -> str | None:
    """MathML `<math>` for `latex` with its source kept in an annotation, or None
    when latex2mathml cannot convert it."""
    simple = _simple_mathml(latex, display) if fast.enabled("mathml") else None
    body = f"<mrow>{simple}</mrow>" if simple is not None else full_mathml(latex, display)
    if body is None:
        return None
    source = html.escape(latex, quote=False)
    mode = ' display="block"' if display else ""
    return (
        f"<math{mode}><semantics><mrow>{body}</mrow>"
        f'<annotation encoding="application/x-tex">{source}</annotation></semantics></math>'
    )


def math_html(latex: str, display: bool, source: str, inline_context: bool) -> str:
    """HTML for one formula: a wrapper carrying `data-latex` around the MathML,
    or the delimited `source` in a `code.math-error` when conversion fails."""
    latex = latex.strip()
    attr = html.escape(latex)
    mathml = latex_to_mathml(latex, display) if latex else None
    if mathml is None:
        tag = "code" if inline_context else "pre"
        newline = "" if inline_context else "\n"
        return (
            f'<{tag} class="math-error" data-latex="{attr}">{html.escape(source)}</{tag}>{newline}'
        )
    if display and not inline_context:
        return f'<div class="math-display" data-latex="{attr}">{mathml}</div>\n'
    kind = "math-display" if display else "math-inline"
    return f'<span class="{kind}" data-latex="{attr}">{mathml}</span>'


def clear_cache() -> None:
    """Forget cached conversions (benchmarks measure cold runs with it)."""
    latex_to_mathml.cache_clear()
