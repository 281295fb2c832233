from __future__ import annotations

import pytest

from desktop.store import MessageStatus, Store, snippet_html
from desktop.store.search import HIGHLIGHT_END, HIGHLIGHT_START, fts_query


@pytest.fixture
def filled(store: Store) -> Store:
    conv = store.create_conversation("Cooking")
    store.add_user_message(conv.id, "How do I make a crème brûlée at home?")
    other = store.create_conversation("Code")
    store.add_user_message(other.id, "Why does <script>alert(1)</script> not run in the page?")
    store.add_user_message(other.id, "Tell me about Zürich and Kraków, naïve café owners.")
    return store


def test_diacritics_and_case_are_ignored(filled: Store) -> None:
    hits = filled.search("CREME brulee")
    assert len(hits) == 1
    assert hits[0].conversation_title == "Cooking"
    assert len(filled.search("zurich krakow")) == 1
    assert len(filled.search("café")) == 1


def test_last_term_is_a_prefix(filled: Store) -> None:
    assert len(filled.search("brû")) == 1
    assert filled.search("brû home") == []  # only the last term is a prefix... home is whole
    assert len(filled.search("make cre")) == 1


@pytest.mark.parametrize(
    "query",
    ['"', '""', "AND OR", "*", "NEAR(", "NEAR(a b", "a AND", "(", ")", "-", "^x", "col:x",
     "'", "\\", "😀", "日本語", "  ", "", "a\x00b", "\x02", "OR", "NOT"],
)  # fmt: skip
def test_hostile_queries_never_raise(filled: Store, query: str) -> None:
    assert isinstance(filled.search(query), list)


def test_operators_are_searched_as_words(store: Store) -> None:
    conv = store.create_conversation()
    store.add_user_message(conv.id, "salt AND pepper OR sugar")
    assert len(store.search("AND OR")) == 1
    assert len(store.search("pepper NOT")) == 0


def test_unicode_words(store: Store) -> None:
    conv = store.create_conversation()
    store.add_user_message(conv.id, "Ελληνικά и русский текст 😀")
    assert len(store.search("ΕΛΛΗΝΙΚΆ")) == 1  # unicode61 folds case, not Greek accents
    assert len(store.search("РУССКИЙ")) == 1


def test_snippet_is_escaped_html_with_marks(filled: Store) -> None:
    hits = filled.search("script")
    assert len(hits) == 1
    assert HIGHLIGHT_START in hits[0].snippet
    html = snippet_html(hits[0].snippet)
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)" in html


def test_snippet_html_is_always_well_nested() -> None:
    assert snippet_html(f"a{HIGHLIGHT_END}b{HIGHLIGHT_START}c") == "ab<mark>c</mark>"
    assert snippet_html(f"{HIGHLIGHT_START}{HIGHLIGHT_START}x{HIGHLIGHT_END}") == "<mark>x</mark>"
    assert snippet_html("<b>&") == "&lt;b&gt;&amp;"


def test_fts_query_quotes_terms() -> None:
    assert fts_query('say "hi" NEAR(') == '"say" """hi""" "NEAR("*'
    assert fts_query("* ( )") is None


def test_search_limit_and_newest_first(store: Store) -> None:
    conv = store.create_conversation()
    ids = [store.add_user_message(conv.id, f"common word {i}").id for i in range(5)]
    hits = store.search("common", limit=3)
    assert [h.message_id for h in hits] == ids[::-1][:3]


def test_edits_are_reindexed(store: Store) -> None:
    conv = store.create_conversation()
    q = store.add_user_message(conv.id, "q")
    a = store.start_assistant_message(q.id)
    store.update_streaming(a.id, "first draft")
    store.update_streaming(a.id, "second version")
    store.finish_message(a.id, MessageStatus.COMPLETE)  # indexed once final (v5)
    assert store.search("draft") == []
    assert len(store.search("second")) == 1
    store.finish_message(a.id, MessageStatus.COMPLETE, text="third take")
    assert store.search("second") == []
    assert len(store.search("third")) == 1
