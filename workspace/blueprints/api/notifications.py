"""API views on the caller's notifications and on activity feeds.

`GET /api/v1/notifications?unread=1&before=<id>`; `POST /api/v1/notifications/read`
`{ids: [...]}` or `{all: true}`; `GET /api/v1/activity?net=&course=&user=&before=<id>`:
only what the caller may read.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...access import Access, permissions
from ...extensions import db
from ...models import Activity, Network, User
from ...runtime import ctx
from ...services import activity, notifications
from . import acting_user, bp, caller, course_for, json_body


def _cursor() -> int | None:
    value = request.args.get("before", "")
    if not value:
        return None
    if not value.isdigit():
        abort(400, description="“before” is the id of the last item you have.")
    return int(value)


@bp.get("/notifications")
def list_notifications() -> Response:
    """Answer the caller's notifications, newest first, and the unread count."""
    user = acting_user()
    page = notifications.inbox(
        ctx(user), user, unread_only=request.args.get("unread") in ("1", "true"), before=_cursor()
    )
    return jsonify(
        {
            "unread": page.unread,
            "notifications": [notifications.as_json(row) for row in page.items],
            "next_before": page.next_before,
        }
    )


@bp.post("/notifications/read")
def read_notifications() -> Response:
    """Mark the given notifications (or all of them) read; answer how many changed."""
    user = acting_user()
    data = json_body()
    ids = data.get("ids")
    if data.get("all") is True:
        changed = notifications.mark_read(ctx(user), user)
    elif isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        changed = notifications.mark_read(ctx(user), user, ids)
    else:
        abort(400, description="Send {“ids”: [1, 2]} or {“all”: true}.")
    return jsonify({"marked": changed, "unread": notifications.unread_count(ctx(user), user)})


def activity_json(row: Activity) -> dict[str, Any]:
    return {
        "id": row.id,
        "verb": row.verb,
        "summary": row.summary,
        "actor": row.actor.username if row.actor else None,
        "course": row.course.slug if row.course else None,
        "path": row.path,
        "commit": row.commit,
        "created_at": row.created_at.isoformat(),
    }


@bp.get("/activity")
def list_activity() -> Response:
    """Answer a feed: a network's (`net`), a course's (`net` and `course`), a person's
    (`user`), or everything the caller may read."""
    viewer = caller().user
    net, course_slug, username = (request.args.get(k) for k in ("net", "course", "user"))
    network = course = person = None
    if course_slug:
        if not net:
            abort(400, description="Name the course's network too: ?net=...&course=...")
        network, course, _ = course_for(net, course_slug)
    elif net:
        network = db.session.scalar(select(Network).filter_by(slug=net))
        if network is None or not permissions(viewer, network) & Access.READ:
            abort(404, description="There is no such network, or you do not have access to it.")
    if username:
        person = db.session.scalar(select(User).filter_by(username=username.lower()))
        if person is None:
            abort(404, description="There is no such person.")
    page = activity.feed(
        ctx(viewer), viewer, network=network, course=course, person=person, before=_cursor()
    )
    return jsonify(
        {"activity": [activity_json(row) for row in page.items], "next_before": page.next_before}
    )
