"""The LaTeX fast path gives byte-for-byte the MathML of the full latex2mathml path, or
declines: checked entry by entry for its tables and by generated formulas."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.render.fast.mathml import CHARS, COMMANDS, simple_mathml
from desktop.render.math import full_mathml

SYMBOLS = sorted(CHARS) + sorted(COMMANDS)


def fast(latex: str, display: bool) -> str | None:
    body = simple_mathml(latex, display)
    return None if body is None else f"<mrow>{body}</mrow>"


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("symbol", SYMBOLS)
def test_every_table_entry_matches(symbol: str, display: bool) -> None:
    for latex in (symbol, f"x {symbol} y", f"{{{symbol}}}_1^{{{symbol}}}", f"{symbol}^2"):
        assert fast(latex, display) == full_mathml(latex, display), latex


@pytest.mark.parametrize(
    "latex",
    [
        r"a^2 + b_{5} = c",
        r"x_{n} + \frac{1}{5}",
        r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}",
        r"\int_0^{5} e^{-x} \, dx",
        r"\sqrt{x^2+1}",
        r"\prod^n_{i=1} x_i",
        r"x^23 + y_12",
        r"f(x) = 3.14x",
        r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
        r"e^{i\pi} + 1 = 0",
        r"|x| \le \{a, b\}",
        r"{}",
        r"x^{}",
    ],
)
@pytest.mark.parametrize("display", [False, True])
def test_common_formulas_take_the_fast_path(latex: str, display: bool) -> None:
    result = fast(latex, display)
    assert result is not None
    assert result == full_mathml(latex, display)


@pytest.mark.parametrize(
    "latex",
    [
        r"2pt",
        r"x = 2 em",
        r"\frac12",
        r"\frac 1 2",
        r"\sqrt[3]{x}",
        r"\sqrt x",
        r"\frac a b",
        r"f'(x)",
        r"x^",
        r"^2",
        r"x_1_2",
        r"x^2^3",
        r"x_1^2^3",
        r"{x",
        r"x}",
        r"\mathbf{v}",
        r"\text{a <b>}",
        r"\left( x \right)",
        r"\begin{pmatrix} 1 \end{pmatrix}",
        r"a & b",
        r"x % comment",
        r".5",
        r"3.",
        r"\unknowncommand",
        "\u03b1",
        r"x^{y",
        r"\frac{a}",
        r"\sqrt",
    ],
)
def test_everything_else_is_left_to_latex2mathml(latex: str) -> None:
    assert simple_mathml(latex, False) is None


ATOMS = st.sampled_from(
    [*SYMBOLS, "a", "x", "Z", "0", "7", "12", "3.25", "10.5", r"\frac{a}{b}", r"\sqrt{2}"]
)
SPACE = st.sampled_from(["", "", " ", "  "])


@st.composite
def formulas(draw: st.DrawFn, depth: int = 0) -> str:
    """Well-formed formulas inside the fast path's subset."""
    parts: list[str] = []
    nested = depth < 2
    for _ in range(draw(st.integers(1, 4 if nested else 2))):
        kinds = ["atom", "atom", "group", "frac", "sqrt"] if nested else ["atom"]
        kind = draw(st.sampled_from(kinds))
        if kind == "atom":
            item = draw(ATOMS)
        elif kind == "group":
            item = "{" + draw(formulas(depth + 1)) + "}"
        elif kind == "frac":
            item = r"\frac{" + draw(formulas(depth + 1)) + "}{" + draw(formulas(depth + 1)) + "}"
        else:
            item = r"\sqrt{" + draw(formulas(depth + 1)) + "}"
        scripts = draw(st.sampled_from(["", "_", "^", "_^", "^_"]))
        for op in scripts:
            if nested and draw(st.booleans()):
                item += op + "{" + draw(formulas(depth + 1)) + "}"
            else:
                item += op + draw(st.sampled_from(["1", "23", "n", r"\alpha", "x"]))
        parts.append(item)
    return _join(parts, draw(SPACE))


def _join(parts: list[str], space: str) -> str:
    """`parts` separated by `space`, but never gluing a command to a following letter
    (`\\alpha` + `x` would be the unknown command `\\alphax`)."""
    out = parts[0]
    for part in parts[1:]:
        glue = " " if not space and re.search(r"\\[a-zA-Z]+$", out) and part[0].isalpha() else ""
        out += space + glue + part
    return out


@settings(max_examples=300, deadline=None)
@given(formulas(), st.booleans())
def test_generated_formulas_match_latex2mathml(latex: str, display: bool) -> None:
    result = fast(latex, display)
    expected = full_mathml(latex, display)
    assert result is not None, latex
    assert result == expected, latex


TRICKY = st.lists(
    st.sampled_from(
        list("ax1 2.{}^_'-+<>&%~$\\()[]|") + [r"\frac", r"\sqrt", r"\sum", r"\,", r"\pt", "in"]
    ),
    max_size=16,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TRICKY, st.booleans())
def test_any_input_is_matched_or_declined(latex: str, display: bool) -> None:
    result = fast(latex, display)
    if result is not None:
        assert result == full_mathml(latex, display), latex
