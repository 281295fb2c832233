"""A fast path for the formulas models write most (letters, numbers, operators, Greek
letters and common symbols, braces, sub- and superscripts, `\\frac`, `\\sqrt`): it emits
exactly the MathML that latex2mathml plus `math._serialise` would, about ten times
faster, and returns None for anything else so that the full converter decides."""

from __future__ import annotations

import re
from typing import NamedTuple

# Anything latex2mathml's tokenizer reads differently from ours: dimensions such as
# `2pt` (one token there), `\frac12` (digit arguments), and characters with special
# meaning (`'` primes, `&` alignment, `%` comments, `~` spaces, `.` decimals like `.5`).
_UNSUPPORTED = re.compile(r"\d\s*(?:in|mm|cm|pt|em|ex|pc|bp|dd|cc|sp|mu)|\\[cdt]?frac\s*[.\d]")

# One token after optional whitespace: a letter, a number, a command or escaped
# symbol, a script operator (latex2mathml splits `^23` into `^`, `2`, `3`), a brace,
# or any other single character.
_TOKEN = re.compile(
    r"\s*(?:([a-zA-Z])|(\d+(?:\.\d+)?)|(\\[a-zA-Z]+|\\[,;:!{}|])|([_^])(\d?)|([{}])|(\S))"
)

_STRETCHY = '<mo stretchy="false">{}</mo>'

# Characters and the MathML latex2mathml gives them (tests check every entry).
CHARS: dict[str, str] = {
    "+": "<mo>+</mo>",
    "-": "<mo>\u2212</mo>",
    "=": "<mo>=</mo>",
    ",": "<mo>,</mo>",
    "/": "<mo>/</mo>",
    "!": "<mo>!</mo>",
    "*": "<mo>*</mo>",
    "?": "<mo>?</mo>",
    "<": "<mo>&lt;</mo>",
    ">": "<mo>&gt;</mo>",
    ";": "<mi>;</mi>",
    ":": "<mi>:</mi>",
    "(": _STRETCHY.format("("),
    ")": _STRETCHY.format(")"),
    "[": _STRETCHY.format("["),
    "]": _STRETCHY.format("]"),
    "|": _STRETCHY.format("|"),
}


def _table(kind: str, pairs: str) -> dict[str, str]:
    """`{"\\name": "<kind>symbol</kind>"}` from "name symbol name symbol …"."""
    words = pairs.split()
    entries = zip(words[::2], words[1::2], strict=True)
    return {"\\" + name: f"<{kind}>{text}</{kind}>" for name, text in entries}


# Commands and the MathML latex2mathml gives them (tests check every entry).
COMMANDS: dict[str, str] = {
    **_table(
        "mi",
        "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ "
        "vartheta ϑ iota ι kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ "
        "sigma σ varsigma ς tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω "
        "Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω "
        "pm ± ldots … hbar ℏ ell ℓ Re ℜ Im ℑ aleph ℵ neg ¬ bullet • "
        "sin sin cos cos tan tan sec sec csc csc cot cot sinh sinh cosh cosh tanh tanh "
        "arcsin arcsin arccos arccos arctan arctan log log ln ln exp exp "
        "deg deg dim dim ker ker hom hom",
    ),
    **_table(
        "mo",
        "cdot · times × div ÷ mp ∓ le ≤ leq ≤ ge ≥ geq ≥ neq ≠ ne ≠ approx ≈ equiv ≡ "
        "simeq ≃ cong ≅ propto ∝ infty ∞ partial ∂ nabla ∇ to → rightarrow → "
        "leftarrow ← Rightarrow ⇒ Leftarrow ⇐ leftrightarrow ↔ Leftrightarrow ⇔ mapsto ↦ "
        "in ∈ notin ∉ subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ emptyset ∅ "
        "forall ∀ exists ∃ cdots ⋯ dots … sum ∑ prod ∏ int ∫ oint ∮ iint ∬ "
        "mid ∣ ll ≪ gg ≫ circ ∘ star ⋆ ast * wedge ∧ vee ∨ land ∧ lor ∨ oplus ⊕ "
        "otimes ⊗ parallel ∥ angle ∠ lim lim max max min min sup sup inf inf",
    ),
    "\\,": '<mspace width="0.167em"></mspace>',
    "\\:": '<mspace width="0.222em"></mspace>',
    "\\;": '<mspace width="0.278em"></mspace>',
    "\\quad": '<mspace width="1em"></mspace>',
    "\\qquad": '<mspace width="2em"></mspace>',
    "\\{": _STRETCHY.format("{"),
    "\\}": _STRETCHY.format("}"),
    "\\|": '<mo fence="false" stretchy="false">\u2016</mo>',
}

# Operators whose scripts go above and below in display math, as latex2mathml does.
LIMIT_OPERATORS = frozenset({"\\sum", "\\prod"})


class _Node(NamedTuple):
    """One converted item of a row; scripts keep their parts so that a second script
    can turn `x_1` into `x_1^2`."""

    html: str
    base: str = ""
    sub: str | None = None
    sup: str | None = None
    limits: bool = False
    limit_operator: bool = False


class _Unsupported(Exception):
    """The formula leaves the fast path's subset (or is malformed): use latex2mathml."""


class _Parser:
    """Recursive descent over the token list, mirroring latex2mathml's walker."""

    def __init__(self, tokens: list[tuple[str, str]], display: bool) -> None:
        self.tokens = tokens
        self.pos = 0
        self.display = display

    def next(self) -> tuple[str, str] | None:
        if self.pos == len(self.tokens):
            return None
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def row(self, closed: bool) -> str:
        """Nodes up to the end (or, when `closed`, up to the matching `}`)."""
        nodes: list[_Node] = []
        while True:
            token = self.next()
            if token is None:
                if closed:
                    raise _Unsupported
                break
            kind, value = token
            if kind == "}":
                if not closed:
                    raise _Unsupported
                break
            if kind == "script":
                if not nodes:
                    raise _Unsupported
                nodes.append(self.script(nodes.pop(), value, top=not closed))
            else:
                nodes.append(self.node(kind, value))
        return "".join(node.html for node in nodes)

    def node(self, kind: str, value: str) -> _Node:
        if kind == "atom":
            return _Node(value)
        if kind == "{":
            return _Node(f"<mrow>{self.row(closed=True)}</mrow>")
        if kind == "limit":
            return _Node(value, limit_operator=True)
        if kind == "frac":
            numerator = self.braced()
            return _Node(f"<mfrac>{numerator}{self.braced()}</mfrac>")
        if kind == "sqrt":
            return _Node(f"<msqrt>{self.braced()}</msqrt>")
        raise _Unsupported

    def braced(self) -> str:
        if self.next() != ("{", "{"):
            raise _Unsupported
        return f"<mrow>{self.row(closed=True)}</mrow>"

    def argument(self) -> str:
        token = self.next()
        if token is None or token[0] in ("}", "script"):
            raise _Unsupported
        return self.node(*token).html

    def script(self, base: _Node, operator: str, top: bool) -> _Node:
        argument = self.argument()
        if base.sub is not None or base.sup is not None:
            # `x_1^2` and `x^2_1` combine; anything more is an error or an oddity.
            if base.sup is None and operator == "^":
                return _scripted(base.base, base.sub, argument, base.limits)
            if base.sub is None and operator == "_":
                return _scripted(base.base, argument, base.sup, base.limits)
            raise _Unsupported
        # latex2mathml only sets limits at the formula's top level, not inside braces.
        limits = self.display and top and base.limit_operator
        if operator == "_":
            return _scripted(base.html, argument, None, limits)
        return _scripted(base.html, None, argument, limits)


def _scripted(base: str, sub: str | None, sup: str | None, limits: bool) -> _Node:
    if sub is not None and sup is not None:
        tag, inner = ("munderover" if limits else "msubsup"), base + sub + sup
    elif sub is not None:
        tag, inner = ("munder" if limits else "msub"), base + sub
    else:
        tag, inner = ("mover" if limits else "msup"), base + str(sup)
    return _Node(f"<{tag}>{inner}</{tag}>", base, sub, sup, limits)


def _tokens(latex: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    append = tokens.append
    for letter, number, command, script, digit, brace, char in _TOKEN.findall(latex):
        if letter:
            append(("atom", f"<mi>{letter}</mi>"))
        elif number:
            append(("atom", f"<mn>{number}</mn>"))
        elif command:
            if command in COMMANDS:
                append(("limit" if command in LIMIT_OPERATORS else "atom", COMMANDS[command]))
            elif command in ("\\frac", "\\sqrt"):
                append((command[1:], command))
            else:
                raise _Unsupported
        elif script:
            append(("script", script))
            if digit:
                append(("atom", f"<mn>{digit}</mn>"))
        elif brace:
            append((brace, brace))
        elif char in CHARS:
            append(("atom", CHARS[char]))
        else:
            raise _Unsupported
    return tokens


def simple_mathml(latex: str, display: bool) -> str | None:
    """The MathML inside the outer `<mrow>` for `latex`, or None when the formula is
    outside the fast path's subset."""
    if _UNSUPPORTED.search(latex):
        return None
    try:
        tokens = _tokens(latex)
        if not tokens:
            # latex2mathml rejects a formula with nothing in it.
            return None
        return _Parser(tokens, display).row(closed=False)
    except _Unsupported:
        # Not an error: the full converter handles (or rejects) it.
        return None
