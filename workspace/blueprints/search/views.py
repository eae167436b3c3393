"""The search page and each network's standards page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ...content.lesson import is_grade_band
from ...extensions import db
from ...models import User
from ...runtime import ctx
from ...services import search
from ...services.courses import network_courses
from .._guards import require_network
from ._asked import read_search, result_url

bp = Blueprint("search", __name__)

GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
KIND_NAMES = {"lesson": "Lessons", "thread": "Review threads"}


def _user() -> User | None:
    return current_user if current_user.is_authenticated else None  # type: ignore[return-value]


@bp.get("/search")
def search_page() -> str:
    """Show the lessons and review threads the visitor may read that match the search."""
    asked = read_search(request.args, _user())
    found = search.search(ctx(), asked.text, asked.filters, page=asked.page)
    filters = asked.filters
    courses = network_courses(db.session, filters.network) if filters.network else []
    units = search.course_units(ctx(), filters.course) if filters.course else []
    grades = list(GRADE_BANDS)
    if (
        filters.grade_band
        and filters.grade_band not in grades
        and is_grade_band(filters.grade_band)
    ):
        grades.append(filters.grade_band)
    return render_template(
        "search/search.html",
        asked=asked,
        found=found,
        filters=filters,
        courses=courses,
        units=units,
        grades=grades,
        kinds=KIND_NAMES,
        result_url=result_url,
        per_page=search.PER_PAGE,
    )


@bp.get("/n/<net>/standards")
def standards(net: str) -> str:
    """Show every standards code the network's lessons list, with those lessons."""
    network, access = require_network(net)
    uses = search.network_standards(ctx(), network)
    lessons = len(
        {(lesson.course.id, lesson.unit, lesson.lesson) for use in uses for lesson in use.lessons}
    )
    return render_template(
        "search/standards.html", network=network, access=access, uses=uses, lessons=lessons
    )
