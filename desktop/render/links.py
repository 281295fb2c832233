"""Link safety and bare-URL autolinks: only http(s) and mailto links keep an href (a
mailto only its subject and body), every link opens nothing by itself, and images never
load (they become links)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
REL = "noopener noreferrer"

# A GFM-style extended autolink: http(s):// or www. up to whitespace or `<`; trailing
# punctuation is trimmed afterwards, as GitHub does.
_BARE_URL = re.compile(r"(?<![\w/.@-])(?:https?://|www\.)[^\s<>`\"]+", re.IGNORECASE)
_TRAILING = ".,:;!?'*_~"

# A link target markdown-it's `normalizeLink` (URL parse, punycode for the host, format
# again, percent-encode) gives back unchanged: lower-case http(s) host, ASCII, nothing
# to encode. Most links in answers look like this, and that round trip was a few per
# cent of a render; tests check the two agree on such URLs.
PLAIN_URL = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9\-._~/?#=&+,;:@!$*'()]*)?"
)


# A mailto URL's header fields other than these can attach files (`attach=`), add
# recipients or set headers in some mail programs; a link from an answer keeps only
# the text a person sees in the composed mail.
_MAILTO_FIELDS = frozenset({"subject", "body"})


def is_safe_url(url: str) -> bool:
    """Whether a (normalised) link target may be followed: http(s) or mailto only."""
    return url.strip().lower().startswith(_SAFE_SCHEMES)


def link_target(url: str) -> str | None:
    """What a link may open: an http(s) URL as it is, a mailto URL with only its
    address, subject and body, or None for every other target."""
    url = url.strip()
    if not is_safe_url(url):
        return None
    if url[:7].lower() != "mailto:":
        return url
    rest = url[7:].partition("#")[0]
    address, _, query = rest.partition("?")
    # An encoded "?" in the address would start the fields again once decoded.
    address = address[: _first_encoded_question_mark(address)]
    fields = [
        field
        for field in query.split("&")
        if unquote(field.partition("=")[0]).strip().lower() in _MAILTO_FIELDS
    ]
    # The scheme keeps its case (`MAILTO:` is as valid, and CommonMark keeps it).
    return url[:7] + address + ("?" + "&".join(fields) if fields else "")


def _first_encoded_question_mark(address: str) -> int:
    at = address.lower().find("%3f")
    return len(address) if at == -1 else at


def _trim(url: str) -> str:
    """Drop trailing punctuation and an unbalanced closing parenthesis from a bare URL."""
    while url:
        if url[-1] in _TRAILING or url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            break
    return url


def _link_tokens(url: str, md: MarkdownIt, level: int) -> list[Token]:
    href = url if "://" in url else "http://" + url
    start = Token("link_open", "a", 1, attrs={"href": md.normalizeLink(href)})
    start.markup, start.info, start.level = "linkify", "auto", level
    text = Token("text", "", 0, content=url, level=level + 1)
    end = Token("link_close", "a", -1, markup="linkify", info="auto", level=level)
    return [start, text, end]


def bare_autolinks(state: StateCore) -> None:
    """Core rule: turn bare URLs in text (outside links) into links, without the
    linkify-it dependency markdown-it's own linkify rule needs."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        content = block.content
        if "://" not in content and "www." not in content.lower():
            continue
        children: list[Token] = []
        depth = 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            if token.type != "text" or depth > 0:
                children.append(token)
                continue
            children.extend(_split_text(token, state.md))
        block.children = children


def _split_text(token: Token, md: MarkdownIt) -> list[Token]:
    text = token.content
    out: list[Token] = []
    last = 0
    for match in _BARE_URL.finditer(text):
        url = _trim(match.group(0))
        if not url or url.lower() in ("http://", "https://", "www."):
            continue
        if match.start() > last:
            out.append(Token("text", "", 0, content=text[last : match.start()], level=token.level))
        out.extend(_link_tokens(url, md, token.level))
        last = match.start() + len(url)
    if not out:
        return [token]
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:], level=token.level))
    return out


def _link_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    href = link_target(str(tokens[idx].attrs.get("href", "")))
    if href is None:
        return '<a class="link-blocked">'
    title = tokens[idx].attrs.get("title")
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<a href="{escapeHtml(href)}"{title_attr} rel="{REL}">'


def _image(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image as a link to it (or just its alt text): the page never loads remote files."""
    token = tokens[idx]
    alt = escapeHtml("".join(child.content for child in token.children or ()))
    src = link_target(str(token.attrs.get("src", "")))
    label = alt or "image"
    if src is None:
        return f'<span class="image-alt">{label}</span>'
    return f'<a class="image-link" href="{escapeHtml(src)}" rel="{REL}">{label}</a>'


def links_plugin(md: MarkdownIt) -> None:
    """Make `md` link bare URLs and neutralise unsafe link and image targets."""
    # Accept every target at parse time so `[text](javascript:…)` still shows as link
    # text; the renderer then drops any href that is not http(s) or mailto.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    normalize = md.normalizeLink

    def normalize_link(url: str) -> str:
        return url if PLAIN_URL.fullmatch(url) else normalize(url)

    md.normalizeLink = normalize_link  # type: ignore[method-assign]
    md.core.ruler.after("inline", "bare_autolinks", bare_autolinks)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
