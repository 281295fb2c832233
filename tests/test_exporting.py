"""Exported conversation files: the standalone HTML page (structure, no script,
CSS inline, math that lays out offline), Markdown, the JSON round trip through a
real store, file names, and the file dialogs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from desktop.exporting import (
    export_html,
    export_json,
    export_markdown,
    import_json,
    suggested_filename,
)
from desktop.render import stylesheet
from desktop.resources import resource
from desktop.store import ImportFormatError, MessageStatus, Store
from desktop.store.paths import default_db_path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk-test-do-not-export-7d1f"
QUESTION = "Show me <script>alert('x')</script> and $E=mc^2$ please"
ANSWER = """Here is the formula $x^2$ inline, and on its own:

\\[ \\int_0^1 x\\,dx = \\frac{1}{2} \\]

```python
def area(r):
    return 3.14 * r ** 2
```

| a | b |
|---|---|
| 1 | 2 |

A link to [the docs](https://example.com/docs) and raw <img src="https://evil.example/x.png">.
"""


@pytest.fixture
def store(isolated_dirs: dict[str, Path]) -> Iterator[Store]:
    with Store(default_db_path()) as opened:
        yield opened


@pytest.fixture
def conversation(store: Store) -> dict[str, Any]:
    """A conversation with math, code, a table, a reasoning summary, an older
    answer version that is not shown, and a secret in the stored request."""
    conv = store.create_conversation("Physics & <code> review")
    question = store.add_user_message(conv.id, QUESTION)
    old = store.start_assistant_message(question.id, "openai/gpt-5.4-pro")
    store.finish_message(old.id, MessageStatus.COMPLETE, text="An older answer, replaced.")
    request = {"model": "openai/gpt-5.4-pro", "api_key": SECRET, "input": QUESTION}
    answer = store.start_assistant_message(question.id, "openai/gpt-5.4-pro", request=request)
    store.finish_message(
        answer.id, MessageStatus.COMPLETE, text=ANSWER, reasoning="Think about **areas**."
    )
    follow = store.add_user_message(conv.id, "And for a sphere?")
    cut = store.start_assistant_message(follow.id, "openai/gpt-5.4-pro")
    store.finish_message(cut.id, MessageStatus.STOPPED, text="The volume is")
    return store.export_conversation(conv.id)


class Outline(HTMLParser):
    """Tags with their attributes, the <style> and <title> text, and the text of
    each question bubble."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, str | None]] = []  # (tag, class)
        self.style = ""
        self.title = ""
        self.bubbles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in {"meta", "br", "hr", "img", "input", "col"}:
            self.stack.append((tag, dict(attrs).get("class")))
        if tag == "div" and dict(attrs).get("class") == "bubble":
            self.bubbles.append("")

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _cls in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if top[0] == "style":
            self.style += data
        elif top[0] == "title":
            self.title += data
        elif top == ("div", "bubble"):
            self.bubbles[-1] += data

    def having(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_standalone_and_script_free(conversation: dict[str, Any]) -> None:
    page = export_html(conversation)
    found = outline(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert found.having("meta", charset="utf-8")
    csp = found.having("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]
    assert csp is not None and "default-src 'none'" in csp and "script-src" not in csp
    assert not found.having("link") and not found.having("img")  # nothing to fetch
    assert not [a for _t, a in found.tags if a.get("src")]
    assert found.title == "Physics & <code> review"
    assert found.having("body", class_="light")
    # Both stylesheets are inline.
    assert resource("page", "conversation.css").read_text(encoding="utf-8") in found.style
    assert stylesheet(False) in found.style
    assert ".highlight .k" in found.style


def test_html_content(conversation: dict[str, Any]) -> None:
    page = export_html(conversation)
    found = outline(page)
    # Questions are shown as typed, escaped; only the active answer version appears.
    assert found.bubbles == [QUESTION, "And for a sphere?"]
    assert "&lt;script&gt;" in page
    assert "An older answer, replaced." not in page
    assert len(found.having("section", class_="turn assistant")) == 2
    # Math is MathML, display and inline; code is highlighted with classes.
    assert found.having("math", display="block")
    assert len(found.having("math")) >= 2
    assert found.having("code", class_="highlight")
    assert found.having("span", class_="k") and found.having("span", class_="nf")
    assert found.having("table")
    assert found.having("a", href="https://example.com/docs")
    assert "evil.example" not in [a.get("src") for _t, a in found.tags]
    assert found.having("details", class_="reasoning")
    assert found.having("div", class_="notice warn")
    assert "Stopped before the end" in page
    assert page.count('<span class="model">openai/gpt-5.4-pro</span>') == 2


def test_dark_html(conversation: dict[str, Any]) -> None:
    page = export_html(conversation, dark=True)
    found = outline(page)
    assert found.having("body", class_="dark")
    assert stylesheet(True) in found.style


def test_markdown(conversation: dict[str, Any]) -> None:
    text = export_markdown(conversation)
    assert text.startswith("# Physics & <code> review\n")
    assert "## You\n" in text and "## Assistant (openai/gpt-5.4-pro)\n" in text
    assert QUESTION in text
    assert "```python\ndef area(r):" in text and "$x^2$" in text
    assert "> Think about **areas**." in text
    assert "An older answer, replaced." not in text
    assert "*(stopped before the end)*" in text


def test_json_round_trip_through_the_store(store: Store, conversation: dict[str, Any]) -> None:
    text = export_json(conversation)
    assert SECRET not in text
    data = import_json(text)
    imported = store.import_conversation(data)
    assert imported.id != conversation["conversation"]["id"]
    assert imported.title == "Physics & <code> review"
    again = store.export_conversation(imported.id)
    pick = ("role", "text", "status", "reasoning", "model", "active")
    assert [{k: m[k] for k in pick} for m in again["messages"]] == [
        {k: m[k] for k in pick} for m in conversation["messages"]
    ]
    assert export_markdown(again) == export_markdown(conversation)


def test_import_rejects_other_files() -> None:
    with pytest.raises(ImportFormatError):
        import_json("not json at all")
    with pytest.raises(ImportFormatError):
        import_json(json.dumps({"format": "something.else"}))


@pytest.mark.parametrize(
    ("title", "fmt", "expected"),
    [
        ("Physics & <code> review", "html", "Physics & code review.html"),
        ("a/b\\c: d?*", "markdown", "a b c d.md"),
        ("  ...  ", "json", "conversation.json"),
        ("x" * 200, "json", "x" * 80 + ".json"),
    ],
)
def test_suggested_filename(title: str, fmt: str, expected: str) -> None:
    assert suggested_filename(title, fmt) == expected


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        suggested_filename("x", "pdf")


@pytest.mark.gui
def test_export_dialog_is_non_native_and_prefilled(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui.widgets.export_dialogs import export_dialog, import_dialog

    dialog = export_dialog(None, "Physics: <review>", "html", tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.defaultSuffix() == "html"
    assert dialog.selectedFiles() == [str(tmp_path / "Physics review.html")]
    chosen: list[str] = []
    dialog.fileSelected.connect(chosen.append)
    dialog.open()  # never exec() in a test
    qtbot.waitExposed(dialog)
    dialog.accept()
    assert chosen == [str(tmp_path / "Physics review.html")]

    opener = import_dialog(None, tmp_path)
    qtbot.addWidget(opener)
    assert opener.fileMode() == QFileDialog.FileMode.ExistingFile
    assert opener.nameFilters()[0] == "Parley conversation (*.json)"
    with pytest.raises(ValueError):
        export_dialog(None, "x", "pdf")


# Loads the exported file in QtWebEngine with every non-file request blocked
# and reports what the page laid out. A separate process: QtWebEngine must be
# imported before the QApplication exists, which this module cannot promise.
OFFLINE_CHILD = r"""
import json, sys
from PySide6 import QtWebEngineWidgets
from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage, QWebEngineProfile, QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWidgets import QApplication

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
app = QApplication([])
blocked = []

class Block(QWebEngineUrlRequestInterceptor):
    def interceptRequest(self, info):
        if info.requestUrl().scheme() != "file":
            blocked.append(info.requestUrl().toString())
            info.block(True)

profile = QWebEngineProfile()
profile.setUrlRequestInterceptor(interceptor := Block())
view = QtWebEngineWidgets.QWebEngineView()
page = QWebEnginePage(profile, view)
view.setPage(page)
view.resize(900, 700)
view.show()
SCRIPT = '''JSON.stringify({
  math: document.querySelector("math[display=block]").getBoundingClientRect().height,
  inline: document.querySelector("span.math-inline math").getBoundingClientRect().width,
  keyword: getComputedStyle(document.querySelector("code.highlight .k")).color,
  bubble: getComputedStyle(document.querySelector(".turn.user .bubble")).backgroundColor,
  scripts: document.scripts.length,
})'''

def done(ok):
    def report(result):
        print("RESULT " + json.dumps({"ok": ok, "page": json.loads(result), "blocked": blocked}))
        app.quit()
    page.runJavaScript(SCRIPT, 0, report)

page.loadFinished.connect(done)
page.load(QUrl.fromLocalFile(sys.argv[1]))
QTimer.singleShot(30000, app.quit)
app.exec()
del page, view
"""


@pytest.mark.gui
def test_html_lays_out_offline_in_a_browser(conversation: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "conversation.html"
    path.write_text(export_html(conversation), encoding="utf-8")
    env = dict(os.environ)
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in ("--no-sandbox", "--disable-gpu"):
        if flag not in flags:
            flags = f"{flags} {flag}".strip()
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-2000:]
    result = json.loads(lines[0].removeprefix("RESULT "))
    assert result["ok"] is True
    assert result["blocked"] == []  # the page never asked for anything remote
    layout = result["page"]
    assert layout["math"] > 10  # the fraction is stacked, not an empty element
    assert layout["inline"] > 0
    assert layout["scripts"] == 0
    assert layout["keyword"] != "rgb(31, 35, 40)"  # a highlighted colour, not the text's
    assert layout["bubble"] == "rgb(238, 242, 255)"  # --user-bg of the light theme


def test_html_export_shows_attachments_and_sources() -> None:
    import base64

    from desktop.exporting import export_html

    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode("ascii")
    conv = {
        "conversation": {"title": "With files", "updated": 0},
        "messages": [
            {
                "id": 1,
                "parent_id": None,
                "role": "user",
                "text": "Look",
                "attachments": [
                    {
                        "name": "a.png",
                        "kind": "image",
                        "mime": "image/png",
                        "size": 12,
                        "data": png,
                    },
                    {
                        "name": "<b>doc</b>.pdf",
                        "kind": "file",
                        "mime": "application/pdf",
                        "size": 5000,
                        "data": "JVBERg==",
                    },
                ],
            },
            {
                "id": 2,
                "parent_id": 1,
                "role": "assistant",
                "text": "Seen [1].",
                "status": "complete",
                "response": {
                    "citations": [
                        {"index": 1, "title": "Example", "url": "https://example.com/x"},
                        {"index": 2, "title": "Bad", "url": "javascript:alert(1)"},
                    ]
                },
            },
        ],
    }
    page = export_html(conv)
    assert f'src="data:image/png;base64,{png}"' in page
    assert "&lt;b&gt;doc&lt;/b&gt;.pdf" in page and "<b>doc</b>" not in page
    assert '<a href="https://example.com/x">Example</a>' in page
    assert "javascript:" not in page
    assert "<script" not in page


def test_exports_show_commentary_apart_and_every_kind_of_source() -> None:
    conv = {
        "conversation": {"title": "Sources", "updated": 0},
        "messages": [
            {"id": 1, "parent_id": None, "role": "user", "text": "Budget?"},
            {
                "id": 2,
                "parent_id": 1,
                "role": "assistant",
                "text": "It grew [1][2].",
                "status": "complete",
                "response": {
                    "commentary": "I'll <check> the files first.",
                    "citations": [
                        {
                            "index": 1,
                            "kind": "url_citation",
                            "title": "News",
                            "url": "https://n.example/a",
                        },
                        {
                            "index": 2,
                            "kind": "file_citation",
                            "title": "b.pdf",
                            "url": "",
                            "file_id": "file-1",
                        },
                        {
                            "index": 3,
                            "kind": "file_path",
                            "title": "file-2",
                            "url": "",
                            "file_id": "file-2",
                        },
                        {"index": 4, "title": "Bad", "url": "javascript:alert(1)"},
                    ],
                },
            },
        ],
    }
    markdown = export_markdown(conv)
    assert "> **Commentary**\n>\n> I'll <check> the files first.\n\nIt grew [1][2]." in markdown
    assert "1. [News](<https://n.example/a>)\n2. b.pdf (file `file-1`)\n" in markdown
    assert "3. file-2 (generated file)\n4. Bad\n" in markdown
    page = export_html(conv)
    assert '<div class="commentary">I&#x27;ll &lt;check&gt; the files first.</div>' in page
    assert page.index('class="commentary"') < page.index('class="answer"')
    assert '<span class="source-kind" title="file-1">File</span> b.pdf' in page
    assert '<span class="source-kind" title="file-2">Generated file</span> file-2' in page
    assert "javascript:" not in page
