"""What a teacher typed, read once into words and phrases, then written for each database.

The search box takes plain words (all must match), "quoted phrases", `-word` to leave out,
and `OR` between two alternatives, as web search engines do. Anything else is only text:
FTS5's own syntax (`NEAR(`, `*`, `^`, column names, unbalanced quotes) never reaches the
database as syntax, because every word is written back quoted. Codes such as HS-PS1-2 or
7.RP.A.2 are phrases of their parts, which is how both databases split them when indexing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 300
MAX_TERMS = 12

# Words too common to narrow a search (PostgreSQL's English configuration drops them too; on
# their own they still count, so a search for "the" is not empty).
STOPWORDS = frozenset(
    "a an and are as at be but by for from has have in into is it its of on or that the their "
    "then there these they this to was were will with".split()
)

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """A search as words: `groups` must all match (each one of its phrases), `excluded`
    phrases must not. `shortened` says words were dropped to keep the search fast."""

    groups: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()
    shortened: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        """Return True when there is nothing to look for (excluded words alone find nothing)."""
        return not self.groups


def _phrase(text: str) -> Phrase:
    return tuple(word.lower() for word in _WORD.findall(text))


def parse_query(text: str) -> Query:
    """Return the search in `text`; never raises, whatever was typed."""
    text = (text or "")[:MAX_QUERY_CHARS]
    shortened = len(text) == MAX_QUERY_CHARS
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare == "OR":
            join_next = bool(groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        phrase = _phrase(quoted if quoted is not None else bare or "")
        if not phrase:
            continue
        if negated:
            excluded.append(phrase)
        elif join_next:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    kept = [g for g in groups if not (len(g) == 1 and len(g[0]) == 1 and g[0][0] in STOPWORDS)]
    groups = kept or groups
    terms = 0
    limited: list[tuple[Phrase, ...]] = []
    for group in groups:
        terms += len(group)
        if terms > MAX_TERMS:
            shortened = True
            break
        limited.append(tuple(group))
    excluded = excluded[: max(0, MAX_TERMS - terms)] if terms <= MAX_TERMS else []
    words = tuple(dict.fromkeys(w for g in limited for p in g for w in p))
    return Query(tuple(limited), tuple(excluded), shortened, words)


def _fts5_phrase(phrase: Phrase) -> str:
    # Words hold letters and digits only, so quoting them leaves no syntax to inject.
    return '"' + " ".join(phrase) + '"'


def to_fts5(query: Query, columns: tuple[str, ...] | None = None) -> str:
    """Return the query in SQLite FTS5's syntax, limited to `columns` when given."""
    groups = [" OR ".join(_fts5_phrase(p) for p in group) for group in query.groups]
    expression = " AND ".join(f"({g})" for g in groups)
    if query.excluded:
        left_out = " OR ".join(_fts5_phrase(p) for p in query.excluded)
        expression = f"({expression}) NOT ({left_out})"
    if columns:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    return expression


def _ts_phrase(phrase: Phrase) -> str:
    return " <-> ".join(f"'{word}'" for word in phrase)


def to_tsquery(query: Query) -> str:
    """Return the query in the syntax of PostgreSQL's to_tsquery (which stems each word as
    the index did, and drops stopwords). Not websearch_to_tsquery: it has no parentheses, so
    "a OR b c" would mean a, or both b and c."""
    groups = ["(" + " | ".join(_ts_phrase(p) for p in group) + ")" for group in query.groups]
    expression = " & ".join(groups)
    if query.excluded:
        expression += " & !(" + " | ".join(_ts_phrase(p) for p in query.excluded) + ")"
    return expression
