"""One row per rendering rule: what the HTML must and must not contain."""

from __future__ import annotations

import re

import pytest

from desktop.render import render_markdown, stylesheet
from desktop.render.math import latex_to_mathml

FRAC = "<mfrac>"
CASES: list[tuple[str, str, list[str], list[str]]] = [
    # id, markdown, must contain, must not contain
    ("inline-paren", r"Area \(\frac{a}{b}\) here", ['class="math-inline"', FRAC], [r"\("]),
    ("inline-paren-start", r"\(x^2\) first", ["<msup>"], []),
    ("inline-dollar", r"Let $x^2$ be", ["<msup>", 'data-latex="x^2"'], []),
    ("inline-dollar-start", r"$x_1$ starts", ["<msub>"], []),
    ("display-bracket-line", "\\[\n\\frac{1}{2}\n\\]", ['<div class="math-display"', FRAC], []),
    ("display-bracket-one-line", r"\[ \frac{1}{2} \]", ['<div class="math-display"'], []),
    ("display-bracket-midline", r"so \[ \frac{1}{2} \] ok", ['<span class="math-display"'], []),
    (
        "display-bracket-midline-multiline",
        "so \\[\n\\frac{1}{2}\n\\] ok",
        ['<span class="math-display"', FRAC],
        [],
    ),
    ("display-dollars-line", "$$\n\\frac{1}{2}\n$$", ['<div class="math-display"', FRAC], []),
    ("display-dollars-one-line", r"$$\frac{1}{2}$$", ['<div class="math-display"'], []),
    ("display-dollars-midline", r"so $$\frac{1}{2}$$ ok", ['<span class="math-display"'], []),
    ("display-after-paragraph", "We get:\n\\[\nx=1\n\\]", ["<p>We get:</p>", "math-display"], []),
    ("display-blank-lines", "$$\na\n\nb\n$$", ['<div class="math-display"'], ["<p>b"]),
    ("display-in-list", "1. Compute\n   \\[\n   x=1\n   \\]", ["<li>", "math-display"], []),
    ("display-in-quote", "> \\[\n> x=1\n> \\]", ["<blockquote>", "math-display"], ["&gt;"]),
    ("display-mathml-block", r"\[x\]", ['<math display="block">'], []),
    ("env-aligned", "\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}", ["<mtable"], []),
    ("env-align", "\\begin{align}\na &= b\n\\end{align}", ["math-display", "<mtable"], []),
    ("env-cases", "\\begin{cases} 1 & x>0 \\\\ 0 & x \\le 0 \\end{cases}", ["<mtable"], []),
    ("env-pmatrix", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", ["<mtable"], []),
    ("env-bmatrix", "\\begin{bmatrix} 1 \\end{bmatrix}", ["<mtable"], []),
    ("env-matrix", "\\begin{matrix} 1 \\end{matrix}", ["<mtable"], []),
    ("env-array", "\\begin{array}{cc} 1 & 2 \\end{array}", ["<mtable"], []),
    ("env-equation", "\\begin{equation} E = mc^2 \\end{equation}", ["math-display"], []),
    ("env-in-dollars", "$$\n\\begin{aligned} a &= b \\end{aligned}\n$$", ["<mtable"], []),
    ("currency", "It costs $5 and $10 today.", ["$5 and $10"], ["<math"]),
    ("currency-digit-after", "from $5 to 6$7", [], ["<math"]),
    ("dollar-space-after-open", "a $ x$ b", [], ["<math"]),
    ("dollar-space-before-close", "a $x $ b", [], ["<math"]),
    ("escaped-dollar", r"price \$5 and \$x\$", ["$5 and $x$"], ["<math"]),
    (
        "code-span-dollar",
        "use `$x$` and `\\(y\\)`",
        ["<code>$x$</code>", r"<code>\(y\)</code>"],
        [],
    ),
    ("code-fence-math", "```\n$x$ \\[y\\]\n```", ["$x$ \\[y\\]"], ["<math"]),
    ("code-span-next-to-dollar", "cost $5 or `$x` here", ["<code>$x</code>"], ["<math"]),
    ("failing-latex", r"bad \(\frac{1}{\) end", ['<code class="math-error"'], ["<math"]),
    ("failing-latex-block", "\\[\nx^\n\\]", ['<pre class="math-error"'], ["<math"]),
    ("unclosed-paren", r"open \(x+1 here", ["open (x+1 here"], ["<math", "\\"]),
    ("annotation", r"$a+b$", ['<annotation encoding="application/x-tex">a+b</annotation>'], []),
    ("math-text-escaped", r"$\text{<script>x</script>}$", ["&lt;script&gt;"], ["<script"]),
    ("math-href-dropped", r"$\href{javascript:alert(1)}{x}$", ["<mi>x</mi>"], ["href="]),
    ("nested-2", "- a\n  - b\n    - c", ["<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>"], []),
    ("nested-3", "1. a\n   - b\n   - c", ["<ol>\n<li>a\n<ul>\n<li>b</li>"], []),
    ("nested-4", "- a\n    - b\n        - c", ["<li>a\n<ul>\n<li>b\n<ul>\n<li>c"], ["<pre"]),
    ("list-after-paragraph", "Steps:\n- one\n- two", ["<p>Steps:</p>\n<ul>\n<li>one</li>"], []),
    (
        "ordered-after-paragraph",
        "Steps:\n1. one\n2. two",
        ["<p>Steps:</p>\n<ol>\n<li>one</li>"],
        [],
    ),
    ("table", "| a | b |\n|---|:-:|\n| 1 | 2 |", ["<table>", "<th>a</th>", "<td", ">2</td>"], []),
    ("strikethrough", "~~gone~~", ["<s>gone</s>"], []),
    ("task-list", "- [ ] todo\n- [x] done", ['type="checkbox"', 'checked="checked"'], []),
    ("autolink-angle", "<https://example.com>", ['href="https://example.com"'], []),
    (
        "autolink-bare",
        "see https://example.com/a_(b). now",
        ['<a href="https://example.com/a_(b)" rel="noopener noreferrer">'],
        [],
    ),
    ("autolink-www", "at www.example.com, ok", ['href="http://www.example.com"'], []),
    ("autolink-not-in-code", "`https://x.org`", ["<code>https://x.org</code>"], ["<a"]),
    ("link-rel", "[x](https://a.b)", ['rel="noopener noreferrer"'], []),
    ("link-mailto", "[m](mailto:a@b.c)", ['href="mailto:a@b.c"'], []),
    (
        "code-python",
        "```python\ndef f(): pass\n```",
        ['data-lang="python"', '<code class="highlight">', '<span class="k">def</span>'],
        [],
    ),
    (
        "code-unknown-language",
        "```nosuchlang\na < b\n```",
        ['data-lang="nosuchlang"', '<code class="plain">a &lt; b</code>'],
        ['<span class="k'],
    ),
    (
        "code-no-language",
        "```\nplain\n```",
        ['data-lang=""', '<code class="plain">plain</code>'],
        [],
    ),
    ("code-indented", "    indented", ['<div class="code-block"', "indented"], []),
    # The info string is read with its backslash escapes and entities resolved.
    (
        "code-info-escapes",
        "```c\\+\\+\nint x;\n```",
        ['data-lang="c++"', '<span class="code-lang">c++</span>', '<span class="kt">int</span>'],
        ["\\+"],
    ),
    (
        "code-info-entities",
        "``` f&ouml;&ouml; x\nfoo\n```",
        ['data-lang="föö"', '<span class="code-lang">föö</span>'],
        ["&amp;ouml;"],
    ),
    ("code-info-label-escaped", "``` a&lt;b\nx\n```", ['"code-lang">a&lt;b</span>'], ["a<b"]),
    ("raw-html-block", "<div onclick='x()'>hi</div>", ["&lt;div"], ["<div onclick"]),
    ("raw-html-inline", "a <script>alert(1)</script> b", ["&lt;script&gt;"], ["<script"]),
    ("raw-iframe", '<iframe src="http://x"></iframe>', ["&lt;iframe"], ["<iframe"]),
    ("raw-style", "<style>body{}</style>", ["&lt;style&gt;"], ["<style"]),
    ("raw-svg", "<svg onload=alert(1)>", ["&lt;svg"], ["<svg"]),
    ("js-link", "[x](javascript:alert(1))", ['<a class="link-blocked">x</a>'], ["javascript:"]),
    ("js-link-case", "[x](JaVaScRiPt:alert(1))", ["link-blocked"], ["href"]),
    ("vbscript-link", "[x](vbscript:msgbox)", ["link-blocked"], ["href"]),
    ("data-link", "[x](data:text/html;base64,PHNjcmlwdD4=)", ["link-blocked"], ["href"]),
    ("relative-link", "[x](/etc/passwd)", ["link-blocked"], ["href"]),
    ("js-autolink", "<javascript:alert(1)>", ["link-blocked"], ["href"]),
    ("image", "![a cat](https://x.org/cat.png)", ['class="image-link"', ">a cat</a>"], ["<img"]),
    ("image-js", "![a](javascript:alert(1))", ['<span class="image-alt">a</span>'], ["<img"]),
    ("image-data", "![a](data:image/png;base64,AAAA)", ["image-alt"], ["<img", "data:"]),
]


@pytest.mark.parametrize(
    ("markdown", "present", "absent"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(markdown: str, present: list[str], absent: list[str]) -> None:
    html = render_markdown(markdown)
    for needle in present:
        assert needle in html
    for needle in absent:
        assert needle not in html


def test_code_text_is_the_source_exactly() -> None:
    source = 'if a < b and c > "d":\n\tprint("&amp;")  \n'
    html = render_markdown(f"```python\n{source}```")
    code = re.search(r"<code[^>]*>(.*)</code>", html, re.S)
    assert code is not None
    text = re.sub(r"<[^>]+>", "", code.group(1))
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert text == source[:-1]


def test_math_is_cached() -> None:
    latex_to_mathml.cache_clear()
    render_markdown("$y^3$ and $y^3$")
    info = latex_to_mathml.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_failing_latex_keeps_source_and_never_raises() -> None:
    html = render_markdown(r"$\frac{1}{$x")
    assert "<math" not in html or "math-error" in html


@pytest.mark.parametrize("dark", [False, True])
def test_stylesheet(dark: bool) -> None:
    css = stylesheet(dark)
    assert '"DejaVu Math TeX Gyre"' in css
    assert ".highlight .k " in css
    assert ".math-error" in css
    assert ".math-display" in css
    assert stylesheet(True) != stylesheet(False)
