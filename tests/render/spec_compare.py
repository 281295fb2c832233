"""Comparing Parley's HTML with the CommonMark and GFM spec examples, read in place from
the shared corpora folder, once the differences Parley makes on purpose (safe links
and images, its code-block wrapper) are written the same way on both sides."""

from __future__ import annotations

import html
import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from desktop.render.links import REL, is_safe_url


@cache
def commonmark_reference() -> MarkdownIt:
    """markdown-it in CommonMark mode, with raw HTML off as Parley has it (so raw HTML is
    text on both sides) and every link target accepted at parse time, as Parley does:
    Parley neutralises unsafe targets when rendering, not by leaving the link out."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_LINK = re.compile(r'<a href="([^"]*)"((?: title="[^"]*")?)>')
_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? />')
_LANGUAGE = re.compile(r'<code class="language-([^"]*)">')
_CODE_BLOCK = re.compile(
    r'<div class="code-block" data-lang="([^"]*)"><div class="code-header">'
    r'<span class="code-lang">[^<]*</span></div><pre><code class="(?:highlight|plain)">'
    r"(.*?)</code></pre></div>",
    re.S,
)
_HIGHLIGHT_SPAN = re.compile(r'<span class="[^"]*">|</span>')


def _safe(href: str) -> bool:
    return is_safe_url(html.unescape(href))


def _link(match: re.Match[str]) -> str:
    # Parley keeps an http(s)/mailto target with rel="noopener noreferrer" and drops
    # any other (relative ones included) together with its title.
    href, title = match.group(1), match.group(2)
    return f'<a href="{href}"{title} rel="{REL}">' if _safe(href) else '<a class="link-blocked">'


def _image(match: re.Match[str]) -> str:
    # Parley never loads an image: it becomes a link to it (or, unsafe, its alt text),
    # labelled with the alt text or "image".
    src, label = match.group(1), match.group(2) or "image"
    if _safe(src):
        return f'<a class="image-link" href="{src}" rel="{REL}">{label}</a>'
    return f'<span class="image-alt">{label}</span>'


def normalise_expected(expected: str) -> str:
    """Spec (or markdown-it) HTML with links and images as Parley renders them safely,
    code-block languages lower-cased (Parley names Pygments lexers, which are) and no
    final newline inside a code block (Parley's copy button copies the source without
    it)."""
    expected = _IMAGE.sub(_image, _LINK.sub(_link, expected))
    expected = _LANGUAGE.sub(lambda m: f'<code class="language-{m.group(1).lower()}">', expected)
    return expected.replace("\n</code></pre>", "</code></pre>").strip()


def _code_block(match: re.Match[str]) -> str:
    # Parley's wrapper (language label and copy button) around `<pre><code>`, with
    # Pygments' spans inside, written back as plain `<pre><code class="language-…">`.
    # Its code text escapes only &, < and >: quotes need no escaping in element text.
    language = escapeHtml(html.unescape(match.group(1)))
    body = _HIGHLIGHT_SPAN.sub("", match.group(2)).replace('"', "&quot;")
    attribute = f' class="language-{language}"' if language else ""
    return f"<pre><code{attribute}>{body}</code></pre>"


def normalise_parley(rendered: str) -> str:
    """Parley's HTML with its code-block wrapper written the plain CommonMark way."""
    return _CODE_BLOCK.sub(_code_block, rendered).strip()
