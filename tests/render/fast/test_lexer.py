"""The joined-pattern lexer loop yields exactly Pygments' tokens, for the languages
models write most, on real snippets and on generated junk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexer import Lexer, RegexLexer
from pygments.lexers import get_lexer_by_name

from desktop.render.fast.lexer import accelerate

LANGUAGES = [
    "python",
    "javascript",
    "typescript",
    "rust",
    "bash",
    "go",
    "java",
    "kotlin",
    "csharp",
    "css",
    "html",
    "xml",
    "sql",
    "toml",
    "ini",
    "latex",
    "markdown",
    "perl",
    "r",
    "scala",
    "haskell",
    "powershell",
    "diff",
    "dockerfile",
]

SNIPPETS = [
    'def f(x: int) -> str:\n    """Doc."""\n    return f"{x!r:>10}" + r\'\\d\'  # c\n',
    "const f = async (x) => { return `a ${x} b` / 2 + /re+g/i.test(s); };\n",
    'fn main() { let s = r#"raw "q" "#; let v: Vec<i32> = vec![1, 2]; \'a\' }\n',
    'cat <<EOF\nhello $USER\nEOF\nfor f in *.txt; do echo "$f" $((1+2)); done\n',
    "SELECT a, b FROM t WHERE x = 'y' -- note\n",
    '<div class="a">&amp; <b>x</b></div>\n/* c */ p { color: #fff; }\n',
    '[section]\nkey = "value" # c\n\\begin{x} $a^2$ \\end{x}\n',
    "# Title\n\n- item *em* `code`\n\n```py\nx = 1\n```\n",
    "@@ -1,2 +1,2 @@\n-old\n+new\nFROM python:3.11\nRUN pip install x\n",
    "",
    "\n\n\t \n",
    "unterminated 'string\nand \"another\n/* open comment\n",
]


def both(language: str) -> tuple[Lexer, Lexer]:
    plain = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    fast = accelerate(get_lexer_by_name(language, stripnl=False, ensurenl=False))
    return plain, fast


def tokens(lexer: Lexer, text: str) -> list[tuple[object, str]]:
    return list(lexer.get_tokens(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_snippets_lex_identically(language: str) -> None:
    plain, fast = both(language)
    for text in SNIPPETS:
        assert tokens(fast, text) == tokens(plain, text), text


def test_regex_lexers_are_accelerated_and_others_left_alone() -> None:
    python = accelerate(get_lexer_by_name("python"))
    assert "get_tokens_unprocessed" in vars(python)
    json = accelerate(get_lexer_by_name("json"))
    assert type(json).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed
    assert "get_tokens_unprocessed" not in vars(json)


JUNK = st.lists(
    st.sampled_from(
        list("ax1 \n\t'\"`#$%&()*+,-./:;<=>?@[\\]^_{|}~")
        + ["def ", "fn ", "<<EOF\n", "EOF\n", 'r#"', '"#', "/*", "*/", "${", "\\begin{", "é"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LANGUAGES), JUNK)
def test_generated_text_lexes_identically(language: str, text: str) -> None:
    plain, fast = both(language)
    assert tokens(fast, text) == tokens(plain, text)
