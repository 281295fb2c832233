"""Streaming into the conversation page: patches arrive in order and end in the
one-shot rendering, the caret is one block's class (so finishing an answer does
not restyle every block), a patch leaves unchanged blocks in place and the answer's
actions row keeps its place while hidden (so neither moves the layout), replaced
blocks carry no style containment (removing one would renumber the page's lists), answers are
saved every second, and the renderer's first import leaves the cyclic GC as it
found it."""

from __future__ import annotations

import gc
import random
import time
from typing import Any

import pytest

from tests.ui.conftest import run_js
from tests.ui.test_main_window import send

pytestmark = pytest.mark.gui

# Many small blocks, a list that grows over several deltas, code and math.
ANSWER = (
    "".join(
        f"## Part {n}\n\nParagraph {n} with `code` and $x_{n}$.\n\n- a {n}\n- b {n}\n\n"
        f"```python\nprint({n})\n```\n\n"
        for n in range(40)
    )
    + "Last words.\n"
)

BLOCKS_JS = "Array.from(document.querySelectorAll('.turn.assistant .answer .b'))"


def test_streamed_dom_equals_one_shot_rendering_and_caret_is_gone(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    from desktop.render import render_markdown

    fake_server.set_default("normal", answer=ANSWER, delta_size=7, delta_rate=400)
    window = make_window()
    send(qtbot, window, "Stream something long")
    qtbot.waitUntil(lambda: bool(window.chat._streams), timeout=5000)
    # While it streams, at most one block (the last) carries the caret.
    wait_js(qtbot, window.view, f"{BLOCKS_JS}.length > 3")
    carets = run_js(
        qtbot,
        window.view,
        f"{BLOCKS_JS}.map((b, i, all) => b.classList.contains('caret') ? i - all.length : null)"
        ".filter(x => x !== null)",
    )
    if window.chat._streams:  # (it may have finished on a fast machine)
        assert carets in ([-1], [])
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=20000)
    state = run_js(
        qtbot,
        window.view,
        "[document.querySelectorAll('.answer .caret').length,"
        " document.querySelector('.turn.assistant .answer').classList.contains('streaming')]",
    )
    assert state == [0, False]
    shown = run_js(qtbot, window.view, f"{BLOCKS_JS}.map(b => b.innerHTML).join('')")
    # The page adds copy buttons to code blocks; compare the text of both.
    expected = run_js(
        qtbot,
        window.view,
        "(function(h){var d=document.createElement('div');d.innerHTML=h;"
        "return d.textContent.replace(/\\s+/g,' ')})(" + _js_string(render_markdown(ANSWER)) + ")",
    )
    got = run_js(
        qtbot,
        window.view,
        "(function(h){var d=document.createElement('div');d.innerHTML=h;"
        "d.querySelectorAll('.code-copy').forEach(b=>b.remove());"
        "return d.textContent.replace(/\\s+/g,' ')})(" + _js_string(shown) + ")",
    )
    assert got == expected


def wait_js(qtbot: Any, view: Any, script: str, timeout_s: float = 10) -> None:
    """Polls a JavaScript condition (run_js must not nest inside waitUntil)."""
    deadline = time.monotonic() + timeout_s
    while not run_js(qtbot, view, script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        qtbot.wait(30)


def _js_string(text: str) -> str:
    import json

    return json.dumps(text)


def test_a_pinned_view_follows_blocks_taller_than_their_placeholder(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    """Blocks skipped by content-visibility get their real height only after the
    scroll that followed them: that growth must not unpin the view (it did, so a
    long answer with code and tables stopped following after its first blocks)."""
    tall = "".join(
        f"## Part {n}\n\n```python\n" + "".join(f"line_{i} = {i}\n" for i in range(12)) + "```\n\n"
        "| a | b |\n|---|---|\n" + "".join(f"| {i} | {i * n} |\n" for i in range(6)) + "\n"
        for n in range(30)
    )
    fake_server.set_default("normal", answer=tall, delta_size=40, delta_rate=400)
    window = make_window()
    window.resize(900, 600)
    send(qtbot, window, "Tall blocks")
    qtbot.waitUntil(lambda: bool(window.chat._streams), timeout=5000)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=20000)
    qtbot.wait(200)
    state = run_js(
        qtbot,
        window.view,
        "(function(d){return [parley.isPinned(), document.getElementById('jump').hidden,"
        " d.scrollHeight - d.scrollTop - d.clientHeight, d.scrollHeight > 3 * d.clientHeight]})"
        "(document.scrollingElement)",
    )
    assert state[0] is True and state[1] is True and state[3] is True, state
    assert state[2] < 48, state


def test_patches_merged_under_back_pressure_arrive_in_order(make_window: Any, qtbot: Any) -> None:
    """Patches queued while one is in flight merge, and calls after them see them."""
    window = make_window()
    view = window.view
    view.start_answer("m1", "model")
    view.patch("m1", 0, ["<p>one</p>"])  # in flight
    view.patch("m1", 1, ["<p>two</p>"])  # pending
    view.patch("m1", 1, ["<p>two!</p>", "<p>three</p>"])  # merged into pending
    view.finish_answer("m1")  # flushes pending first
    wait_js(qtbot, view, "document.querySelectorAll('#t-m1 .answer .b').length === 3")
    texts = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('#t-m1 .answer .b'), b => b.textContent)",
    )
    assert texts == ["one", "two!", "three"]
    assert run_js(qtbot, view, "document.querySelectorAll('#t-m1 .caret').length") == 0


def test_patches_leave_nothing_behind_in_the_page_heap(make_window: Any, qtbot: Any) -> None:
    """Python's calls reach the page as web-channel messages: V8 keeps every distinct
    script `runJavaScript` has run, even after gc(), so patches sent as scripts grew
    the page's heap by ~3x their size, answer after answer."""
    window = make_window()
    view = window.view
    view.start_answer("m1", "model")
    view.patch("m1", 0, ["<p>warm-up</p>"])
    qtbot.waitUntil(lambda: not view._in_flight, timeout=5000)

    def heap() -> int:
        return int(run_js(qtbot, view, "(gc(), gc(), performance.memory.usedJSHeapSize)"))

    before = heap()
    rng = random.Random(7)
    for _ in range(200):  # 1 MB of distinct patches, one at a time
        words = "".join(rng.choice("abcdefghij ") for _ in range(5000))
        view.patch("m1", 0, [f"<p>{words}</p>"])
        qtbot.waitUntil(lambda: not view._in_flight, timeout=5000)
    view.finish_answer("m1")
    wait_js(qtbot, view, "!document.querySelector('#t-m1 .streaming')")
    growth = heap() - before
    assert growth < 500_000, f"the page kept {growth} bytes of 1 MB of patches"
    # The figure is real (precise, uncached): 1 MB kept on purpose shows.
    run_js(qtbot, view, "(window.kept = Array.from({length: 50000}, (_, i) => 'k' + i), 0)")
    assert heap() - before > 1_000_000


def test_unchanged_blocks_stay_and_finishing_moves_nothing(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    view = window.view
    view.start_answer("m1", "model")
    view.patch("m1", 0, ["<p>one</p>", "<p>two</p>"])
    wait_js(qtbot, view, "document.querySelectorAll('#t-m1 .answer .b').length === 2")
    run_js(qtbot, view, "(window.__first = document.querySelector('#t-m1 .answer .b'), 1)")
    # The open tail is re-sent with one block changed and one added.
    view.patch("m1", 0, ["<p>one</p>", "<p>two, longer</p>", "<p>three</p>"])
    wait_js(qtbot, view, "document.querySelectorAll('#t-m1 .answer .b').length === 3")
    assert run_js(
        qtbot, view, "window.__first === document.querySelector('#t-m1 .answer .b')"
    )  # the unchanged block is the same node: no layout for it
    texts = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('#t-m1 .answer .b'), b => b.textContent)",
    )
    assert texts == ["one", "two, longer", "three"]
    # While streaming, the actions row takes its place without showing.
    bar = "document.querySelector('#t-m1 .actions')"
    assert run_js(qtbot, view, f"getComputedStyle({bar}).visibility") == "hidden"
    height = run_js(qtbot, view, "document.scrollingElement.scrollHeight")
    assert run_js(qtbot, view, f"{bar}.getBoundingClientRect().height") > 0
    view.finish_answer("m1")
    wait_js(qtbot, view, f"getComputedStyle({bar}).visibility === 'visible'")
    assert run_js(qtbot, view, "document.scrollingElement.scrollHeight") == height


def test_replaced_blocks_have_no_style_containment(make_window: Any, qtbot: Any) -> None:
    """Every patch removes the answer's open tail. Removing an element with style
    containment (`contain: style`, or `content-visibility: auto`, which implies it)
    makes Chromium renumber every list item of the page in the next frame: ~20 ms
    per frame at 200 KB. Blocks keep layout and paint containment (their margins
    stay inside them); only chunks, rarely removed, skip layout when off-screen."""
    window = make_window()
    view = window.view
    view.start_answer("m1", "model")
    view.patch("m1", 0, ["<p>one</p>", "<ol><li>two</li></ol>"])
    wait_js(qtbot, view, "document.querySelectorAll('#t-m1 .answer .b').length === 2")
    styles = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('#t-m1 .answer .b'),"
        " b => [getComputedStyle(b).contain, getComputedStyle(b).contentVisibility])",
    )
    for contain, visibility in styles:
        assert "style" not in contain and contain != "strict" and contain != "content", styles
        assert "layout" in contain and "paint" in contain, styles
        assert visibility == "visible", styles
    chunk = "getComputedStyle(document.querySelector('#t-m1 .answer .chunk'))"
    assert run_js(qtbot, view, f"{chunk}.contentVisibility") == "auto"


class _FakeClock:
    def __init__(self) -> None:
        self.ms = 0

    def elapsed(self) -> int:
        return self.ms

    def restart(self) -> int:
        self.ms = 0
        return 0

    def isValid(self) -> bool:
        return True


def test_answer_is_saved_every_second_whatever_its_length(qtbot: Any) -> None:
    """A crash loses at most a second of an answer (issue #6), long or short."""
    from desktop.ui.flows.answer import SAVE_EVERY_MS, AnswerStream

    stream = AnswerStream(1, "m1", 1, "model", "http://127.0.0.1:9", None, {})
    clock = _FakeClock()
    stream._last_save = clock  # type: ignore[assignment]
    saved: list[int] = []
    stream.progress.connect(lambda text, _r: saved.append(len(text)))
    stream._render.add = lambda *_a: None  # type: ignore[method-assign]
    stream._on_delta("x" * 100)
    clock.ms = SAVE_EVERY_MS - 1
    stream._on_delta("x")
    assert saved == []  # never more than once a second
    clock.ms = SAVE_EVERY_MS
    stream._on_delta("x")
    assert saved == [102]
    stream._on_delta("x" * 300_000)
    clock.ms = SAVE_EVERY_MS
    stream._on_delta("x")
    assert saved == [102, 300_103]  # a long answer too
    stream.deleteLater()


def test_renderer_import_leaves_gc_enabled() -> None:
    from desktop.ui.flows.render_thread import _load_renderer

    assert gc.isenabled()
    renderer = _load_renderer()
    assert renderer.__name__ == "StreamingRenderer"
    assert gc.isenabled()


def test_long_answers_are_patched_at_most_ten_times_a_second() -> None:
    """Past LONG_CHARS the render thread waits at least LONG_GAP_S between passes."""
    import threading

    from desktop.ui.flows import render_thread as rt

    class Recorder:
        """The thread's condition, recording each batching wait's timeout."""

        def __init__(self, thread: rt.RenderThread) -> None:
            self.real = threading.Condition()
            self.thread = thread
            self.gaps: list[float] = []

        def __enter__(self) -> Any:
            return self.real.__enter__()

        def __exit__(self, *args: Any) -> Any:
            return self.real.__exit__(*args)

        def wait(self, timeout: float | None = None) -> bool:
            return self.real.wait(timeout)

        def notify(self) -> None:
            self.real.notify()

        def wait_for(self, predicate: Any, timeout: float | None = None) -> Any:
            self.gaps.append(float(timeout or 0))
            # Feed the next piece instead of waiting: short text, then long text.
            fed = len(self.gaps)
            if fed == 1:
                self.thread._text.append("x" * (rt.LONG_CHARS + 10))
            elif fed == 2:
                self.thread._text.append("more")
            else:
                self.thread._final = True
            return True

    thread = rt.RenderThread()
    recorder = Recorder(thread)
    thread._cond = recorder  # type: ignore[assignment]
    thread._text.append("short answer")
    thread.run()  # synchronously, on this thread
    assert recorder.gaps[0] >= rt.MIN_GAP_S and recorder.gaps[0] < rt.LONG_GAP_S
    assert all(gap >= rt.LONG_GAP_S for gap in recorder.gaps[1:])


def test_last_text_and_finish_reach_the_page_as_one_patch() -> None:
    from desktop.render.stream import apply_patch
    from desktop.ui.flows.render_thread import _merge

    class P:
        def __init__(self, start: int, blocks: list[str]) -> None:
            self.start, self.blocks = start, blocks

    shown = ["a", "b", "c"]
    patches: dict[str, tuple[int, list[str]]] = {}
    _merge(patches, "answer", P(2, ["c2", "d"]))  # the last text
    _merge(patches, "answer", P(3, ["d!"]))  # finish() re-renders the tail
    assert patches == {"answer": (2, ["c2", "d!"])}
    _merge(patches, "answer", P(1, ["B"]))  # a patch from earlier on supersedes
    assert patches == {"answer": (1, ["B"])}
    both = ["a", "b", "c"]
    for step in (P(2, ["c2", "d"]), P(3, ["d!"])):
        both = apply_patch(both, step)  # type: ignore[arg-type]
    merged: dict[str, tuple[int, list[str]]] = {}
    _merge(merged, "answer", P(2, ["c2", "d"]))
    _merge(merged, "answer", P(3, ["d!"]))
    start, blocks = merged["answer"]
    assert shown[:start] + blocks == both


def test_caret_follows_the_last_word_of_text_and_sits_below_other_blocks(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window()
    view = window.view
    view.start_answer("m1", "model")
    view.patch("m1", 0, ["<p>first</p>", "<p>still writing</p>"])
    wait_js(qtbot, view, "document.querySelectorAll('#t-m1 .answer .b').length === 2")
    after = "(e) => getComputedStyle(e, '::after').content"
    last = "document.querySelector('#t-m1 .answer .b:last-child')"
    assert run_js(qtbot, view, f"({after})({last}.querySelector('p'))") != "none"
    # A still caret: an animation would make the page draw frames without pause.
    anim = f"getComputedStyle({last}.querySelector('p'), '::after').animationName"
    assert run_js(qtbot, view, anim) == "none"
    assert run_js(qtbot, view, f"({after})({last})") == "none"
    view.patch("m1", 1, ["<ul>\n<li>a list</li>\n</ul>"])
    wait_js(qtbot, view, f"{last}.querySelector('ul') !== null")
    assert run_js(qtbot, view, f"({after})({last})") != "none"
    view.finish_answer("m1")
    wait_js(qtbot, view, f"({after})({last}) === 'none'")
