"""Activity feeds on pages: a network's (`/n/<net>/activity`), a course's
(`/n/<net>/<course>/activity`) and a person's (`/people/<username>`), paged by cursor; each
shows only what the reader may read."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from ...access import Access
from ...extensions import db
from ...models import User
from ...runtime import ctx
from ...services import activity
from .._guards import require_course, require_network

bp = Blueprint("activity", __name__)


def _viewer() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def before_arg() -> int | None:
    """Return the `before` cursor of the request, or abort with 400."""
    value = request.args.get("before", "")
    if not value:
        return None
    if not value.isdigit():
        abort(400, description="“before” is the number of an activity line.")
    return int(value)


@bp.get("/n/<net>/activity")
def network_activity(net: str) -> ResponseReturnValue:
    network, _ = require_network(net, Access.READ)
    page = activity.feed(ctx(), _viewer(), network=network, before=before_arg())
    return render_template(
        "activity/feed.html", page=page, network=network, course=None, person=None
    )


@bp.get("/n/<net>/<course>/activity")
def course_activity(net: str, course: str) -> ResponseReturnValue:
    network, row, _ = require_course(net, course, Access.READ)
    page = activity.feed(ctx(), _viewer(), course=row, before=before_arg())
    return render_template(
        "activity/feed.html", page=page, network=network, course=row, person=None
    )


@bp.get("/people/<username>")
@login_required
def person(username: str) -> ResponseReturnValue:
    found = db.session.scalar(select(User).filter_by(username=username.lower()))
    if found is None:
        abort(404)
    page = activity.feed(ctx(), _viewer(), person=found, before=before_arg())
    return render_template("activity/feed.html", page=page, network=None, course=None, person=found)
