"""Reading a search: words, "phrases", -left out, OR; whatever is typed becomes a query both
databases accept, never their syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workspace.content.plaintext import plain_lesson
from workspace.services.search import MAX_TERMS, parse_query, to_fts5, to_tsquery


def test_words_phrases_alternatives_and_left_out_words() -> None:
    query = parse_query('heat "specific heat" -water cocoa OR tea')
    assert query.groups == ((("heat",),), (("specific", "heat"),), (("cocoa",), ("tea",)))
    assert query.excluded == (("water",),)
    assert to_fts5(query) == (
        '(("heat") AND ("specific heat") AND ("cocoa" OR "tea")) NOT ("water")'
    )
    assert (
        to_tsquery(query) == "('heat') & ('specific' <-> 'heat') & ('cocoa' | 'tea') & !('water')"
    )


def test_codes_are_phrases_of_their_parts() -> None:
    assert parse_query("HS-PS1-2").groups == ((("hs", "ps1", "2"),),)
    assert parse_query("7.RP.A.2").groups == ((("7", "rp", "a", "2"),),)


@pytest.mark.parametrize(
    "text", ["", "  ", '"', "*", "-", "-heat", "OR", "^", "{", "(", ")", ":", "\x00"]
)
def test_syntax_alone_is_nothing_to_look_for(text: str) -> None:
    assert parse_query(text).is_empty


def test_common_words_are_dropped_unless_they_are_all_there_is() -> None:
    assert parse_query("the energy of a ball").words == ("energy", "ball")
    assert parse_query("the of").words == ("the", "of")


def test_long_searches_are_shortened() -> None:
    query = parse_query(" ".join(f"word{n}" for n in range(40)))
    assert query.shortened and len(query.words) == MAX_TERMS


def test_a_columns_filter_limits_the_fields() -> None:
    query = parse_query("heat")
    assert to_fts5(query, ("title", "body")) == '{title body} : (("heat"))'


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='porter unicode61')")
    db.execute("INSERT INTO t VALUES ('Heat', 'specific heat of water, HS-PS1-2 and NEAR')")
    return db


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_is_a_query_fts5_accepts(fts: sqlite3.Connection, text: str) -> None:
    query = parse_query(text)
    if not query.is_empty:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(query),)).fetchall()
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(query, ("body",)),)).fetchall()


def test_what_a_search_finds_in_fts5(fts: sqlite3.Connection) -> None:
    def hits(text: str) -> int:
        return len(
            fts.execute(
                "SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(parse_query(text)),)
            ).fetchall()
        )

    assert hits("HS-PS1-2") == 1 and hits("hs ps1") == 1
    assert hits('"water specific"') == 0 and hits('"specific heat"') == 1
    assert hits("NEAR( heat") == 1  # a word, not FTS5's operator
    assert hits("heat -water") == 0 and hits("heat -milk") == 1
    assert hits("milk OR water") == 1


def test_instructor_notes_are_kept_apart_from_what_everyone_reads() -> None:
    body = (
        "Intro.\n\n:::: instructor\nSecret *tip*.\n\n::: callout\nNested.\n:::\n::::\n\n"
        "Outro `code`.\n"
    )
    plain = plain_lesson(body)
    assert plain.text == "Intro.\nOutro code."
    assert plain.notes == "Secret tip.\nNested."
