"""Reading a search from a request's arguments, the same way for the page and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import abort, url_for
from sqlalchemy import select

from ...access import Access, find_course, permissions
from ...content import InvalidStandard, is_grade_band, normalize_standard
from ...content.paths import is_slug, parse_lesson_path
from ...extensions import db
from ...models import Network, User
from ...services import search

NOT_FOUND = "There is no such network or course, or you do not have access to it."


@dataclass(frozen=True)
class Asked:
    """A search as asked: its words, what narrows it, the page, what could not be used
    (`problems`) and what was changed to run it (`notes`), each a sentence for the person who
    asked."""

    text: str
    filters: search.Filters
    page: int = 1
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _network(slug: str, user: User | None, token_scope: str | None) -> Network:
    network = db.session.scalar(select(Network).filter_by(slug=slug))
    if network is None or not permissions(user, network, token_scope=token_scope) & Access.READ:
        abort(404, description=NOT_FOUND)
    return network


def read_search(
    args: Mapping[str, str], user: User | None, token_scope: str | None = None
) -> Asked:
    """Return the search in `args` (q, net, course, unit, grade, standard, kind, page);
    abort with 404 for a network or course the caller may not read, as if it did not exist."""
    problems: list[str] = []
    notes: list[str] = []
    text = (args.get("q") or "").strip()
    if len(text) > search.MAX_QUERY_CHARS:
        notes.append(f"The search was shortened to its first {search.MAX_QUERY_CHARS} characters.")
    network = course = None
    net = (args.get("net") or "").strip()
    slug = (args.get("course") or "").strip()
    if net:
        network = _network(net, user, token_scope)
        if slug:
            course, _ = find_course(network, slug)
            if course is None:
                abort(404, description=NOT_FOUND)
    elif slug:
        problems.append("Choose the course's network too, to search one course.")
    unit = (args.get("unit") or "").strip()
    if unit and not is_slug(unit):
        problems.append(f"“{unit[:60]}” is not the name of a unit.")
        unit = ""
    grade = (args.get("grade") or "").strip()
    if grade and not is_grade_band(grade):
        problems.append(f"“{grade[:20]}” is not a grade band (such as 6-8 or 9-12).")
        grade = ""
    standard = (args.get("standard") or "").strip()
    if standard:
        try:
            standard = normalize_standard(standard[:80]).code
        except InvalidStandard as exc:
            problems.append(exc.message)
            standard = ""
    kind = (args.get("kind") or "").strip()
    if kind and kind not in search.KINDS:
        problems.append("Search lessons, threads or resources, or everything.")
        kind = ""
    raw_page = (args.get("page") or "1").strip()
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) <= search.MAX_PAGE else 1
    filters = search.Filters(network, course, unit, grade, standard, kind)
    return Asked(text, filters, page, problems, notes)


def result_url(result: search.Result, **extra: object) -> str | None:
    """Return the page of a result (None for a kind this site has no page for yet)."""
    net = result.network.slug
    if result.course is None:
        return None
    if result.kind == "lesson" and result.path:
        parsed = parse_lesson_path(result.path)
        if parsed is None:
            return None
        return url_for(
            "lessons.lesson", net=net, course=result.course.slug, unit=parsed[0],
            lesson=parsed[1], **extra,
        )  # fmt: skip
    if result.kind == "thread" and result.thread is not None:
        return url_for(
            "threads.thread", net=net, course=result.course.slug, thread_id=result.thread.id,
            **extra,
        )  # fmt: skip
    return None
