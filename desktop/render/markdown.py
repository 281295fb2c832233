"""Model output (Markdown with math and code) to a safe HTML fragment, rendered block
by block so that streaming and one-shot rendering produce identical HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.tasklists import tasklists_plugin

from desktop.process import collector_paused
from desktop.render.code import code_block_html, language_of
from desktop.render.links import links_plugin
from desktop.render.mathsyntax import OPEN_TAIL, math_plugin


@dataclass(frozen=True)
class Block:
    """One rendered top-level block and the source lines [first_line, end_line) it spans."""

    first_line: int
    end_line: int
    html: str


def _fence(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return code_block_html(token.content, language_of(token.info))


def _code_block(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return code_block_html(tokens[idx].content, "")


# The start of a task-list item (`- [ ] todo`, `- [x] done`).
_TASK_MARK = re.compile(r"\[[ xX]\]")


def _only_with_task_marks(md: MarkdownIt) -> None:
    """Run the task-list rule only on text with a task mark: otherwise it still walks
    every token asking whether each is a list item's first paragraph."""
    ruler = md.core.ruler
    tasks = next(rule.fn for rule in ruler.__rules__ if rule.name == "github-tasklists")

    def tasklists(state: StateCore) -> None:
        if _TASK_MARK.search(state.src):
            tasks(state)

    ruler.at("github-tasklists", tasklists)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Set, so that the strikethrough rule's look-up of it does not raise and catch a
    # KeyError in every paragraph with emphasis.
    md.options["strikethrough_single_tilde"] = False
    md.enable(["table", "strikethrough"])
    # Raw HTML is shown as text: with these rules off, `<b>` reaches the text rule and is
    # escaped; leaving them off also saves their scan on every `<`.
    md.disable(["html_block", "html_inline"])
    md.use(math_plugin)
    md.use(links_plugin)
    md.use(tasklists_plugin)
    _only_with_task_marks(md)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    return md


_MD = _make_parser()


def normalise(text: str) -> str:
    """Line endings as markdown-it sees them, so line numbers match character offsets."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def render_blocks(text: str, env: EnvType | None = None, open_tail: bool = False) -> list[Block]:
    """Parse `text` and render each top-level block on its own. `env` carries link
    reference definitions in (and out, for the streaming renderer). `open_tail`: the
    text is the unfinished end of a streaming answer, so a display formula still open
    at its end is shown as one being written rather than read as text."""
    env = {} if env is None else env
    if open_tail:
        env[OPEN_TAIL] = True
    with collector_paused():
        # The tokens are freed as `_render_blocks` returns, before collection resumes.
        return _render_blocks(text, env)


def _render_blocks(text: str, env: EnvType) -> list[Block]:
    tokens = _MD.parse(text, env)
    blocks: list[Block] = []
    render = _MD.renderer.render
    options = _MD.options
    i = 0
    count = len(tokens)
    while i < count:
        first = tokens[i]
        j = i + 1
        if first.nesting == 1:
            depth = 1
            while depth:
                depth += tokens[j].nesting
                j += 1
        line_map = first.map or [0, 0]
        blocks.append(Block(line_map[0], line_map[1], render(tokens[i:j], options, env)))
        i = j
    return blocks


def join_blocks(blocks: Sequence[str]) -> str:
    """The HTML fragment for a list of rendered blocks."""
    return "".join(blocks)


def render_markdown(text: str) -> str:
    """`text` (Markdown with math and code) as a safe HTML fragment."""
    return join_blocks([block.html for block in render_blocks(normalise(text))])
