"""Fenced code to highlighted HTML with Pygments' short CSS classes, so the light and
dark page styles restyle the same markup; lexers are looked up once per language."""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache

from markdown_it.common.utils import unescapeAll
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, Token, _TokenType
from pygments.util import ClassNotFound

from desktop.render import fast

# Languages whose "highlighting" would be plain text anyway: skip the lexer.
_PLAIN = frozenset({"", "text", "plain", "plaintext", "txt", "none", "output", "console-output"})


# Plain text and whitespace carry no style, so they get no <span>.
_UNSTYLED = frozenset({Token.Text, Token.Text.Whitespace, Token.Whitespace})


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    """The lexer for a fence's language name, or None for plain text."""
    if language in _PLAIN:
        return None
    try:
        # stripnl/ensurenl off: the <code> text must equal the fence's source exactly.
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        # An unknown or made-up language name is ordinary model output: plain text.
        return None
    if fast.enabled("lexer"):
        from desktop.render.fast.lexer import accelerate

        return accelerate(lexer)
    return lexer


def _css_class(ttype: _TokenType) -> str:
    """Pygments' short class for a token type ("" for unstyled text), falling back to
    its nearest styled parent (the same inheritance Pygments styles use)."""
    if ttype in _UNSTYLED:
        return ""
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return str(STANDARD_TYPES[ttype])


# Classes by token type identity: token types are interned singletons (and tuples, which
# hash element by element, so a lookup by the type itself costs more than the lexing).
_classes: dict[int, tuple[_TokenType, str]] = {}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def highlight(source: str, lexer: Lexer) -> str:
    """Escaped `source` with `<span class=…>` around each styled run."""
    if lexer.filters or not fast.enabled("lexer"):
        stream: Iterable[tuple[int, _TokenType, str]] = (
            (0, ttype, value) for ttype, value in lexer.get_tokens(source)
        )
    else:
        # What `get_tokens` does, less a generator layer per token (a Pygments
        # internal, so it is fenced with the other accelerators).
        stream = lexer.get_tokens_unprocessed(lexer._preprocess_lexer_input(source))
    out: list[str] = []
    run_class = ""
    run: list[str] = []
    classes = _classes
    for _, ttype, value in stream:
        known = classes.get(id(ttype))
        if known is None:
            known = classes[id(ttype)] = (ttype, _css_class(ttype))
        cls = known[1]
        if cls != run_class and run:
            text = _escape("".join(run))
            out.append(f'<span class="{run_class}">{text}</span>' if run_class else text)
            run = []
        run_class = cls
        run.append(value)
    if run:
        text = _escape("".join(run))
        out.append(f'<span class="{run_class}">{text}</span>' if run_class else text)
    return "".join(out)


def language_of(info: str) -> str:
    """The language name from a fence's info string: its first word, lower-cased, read
    as CommonMark reads info strings (backslash escapes and entities resolved, so
    `c\\+\\+` is `c++` and `f&ouml;&ouml;` is `föö`)."""
    if "\\" in info or "&" in info:
        info = unescapeAll(info)
    words = info.split(maxsplit=1)
    return words[0].lower() if words else ""


# Blocks up to this size are cached: re-renders (a conversation reopened, the end of a
# stream with link definitions) then skip the lexer, without holding on to huge blocks.
CACHED_SOURCE_CHARS = 16_384


def code_block_html(source: str, language: str) -> str:
    """A code block wrapped for the page's copy button: the `<code>` element's text is
    exactly `source` (less the fence's final newline) and `data-lang` is the fence's
    language ("" when none was given)."""
    if len(source) <= CACHED_SOURCE_CHARS:
        return _cached_code_block_html(source, language)
    return _code_block_html(source, language)


@lru_cache(maxsize=1024)
def _cached_code_block_html(source: str, language: str) -> str:
    return _code_block_html(source, language)


def _code_block_html(source: str, language: str) -> str:
    if source.endswith("\n"):
        source = source[:-1]
    lexer = _lexer(language)
    body = highlight(source, lexer) if lexer is not None else _escape(source)
    lang = html.escape(language)
    label = lang or "text"
    code_class = "highlight" if lexer is not None else "plain"
    return (
        f'<div class="code-block" data-lang="{lang}">'
        f'<div class="code-header"><span class="code-lang">{label}</span></div>'
        f'<pre><code class="{code_class}">{body}</code></pre></div>\n'
    )
