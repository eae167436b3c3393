"""The JSON API (`/api/v1`): the same permission function as the web pages, in JSON.

Callers authenticate with a personal access token (`Authorization: Bearer <token>`) or with
the browser session. Cookie-authenticated unsafe requests must carry the CSRF token in the
`X-CSRFToken` header (the app's CSRF protection is lifted for this blueprint and applied here
only to them: a bearer token cannot ride along on a cross-site request, a cookie can).

Every answer is JSON; errors are `{"status": "error", "message": ...}`. A private course the
caller may not read answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from ...access import Access, find_course, permissions
from ...extensions import csrf, db
from ...git import (
    GitStoreError,
    InvalidPath,
    InvalidRevision,
    PathNotFound,
    RepositoryMissing,
    RevisionNotFound,
)
from ...models import Course, Network, TokenScope, User
from ...services.accounts import (
    ApiAuthError,
    ApiCaller,
    TokenThrottled,
    authenticate_api_request,
    bearer_credential,
)
from ...services.editing import EditError, LessonInvalid, SaveConflict, StaleBase
from ...services.reading import LessonNotFound as ReadingLessonNotFound

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_FOUND = "There is no such course, or you do not have access to it."


def error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    """Return a JSON error answer: `{"status": "error", "message": ...}` plus `extra`."""
    return jsonify({"status": "error", "message": message, **extra}), status


def caller() -> ApiCaller:
    """Return who is calling this request (set by `authenticate` before every view)."""
    return g.api_caller


def acting_user() -> User:
    """Return the user a write acts as; writes are refused before this for anonymous callers."""
    user = caller().user
    if user is None:
        abort(401)
    return user


@bp.before_request
def authenticate() -> tuple[Response, int] | None:
    """Identify the caller by bearer token or session; refuse bad tokens and missing CSRF."""
    header = request.headers.get("Authorization")
    session_user = None
    if bearer_credential(header) is None and current_user.is_authenticated:
        session_user = current_user._get_current_object()  # type: ignore[attr-defined]
    try:
        who = authenticate_api_request(db.session, header, request.remote_addr or "", session_user)
    except TokenThrottled as exc:
        response, status = error(429, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response, status
    except ApiAuthError as exc:
        response, status = error(401, exc.message)
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response, status
    g.api_caller = who
    if request.method in SAFE_METHODS:
        return None
    if who.via == "session":
        csrf.protect()  # raises CSRFError (answered 400 in JSON) without a valid X-CSRFToken
    elif who.via == "anonymous":
        response, status = error(
            401, "Sign in, or send a personal access token as “Authorization: Bearer <token>”."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response, status
    return None


def course_for(net: str, slug: str, need: Access = Access.READ) -> tuple[Network, Course, Access]:
    """Return the network, course and the caller's access, or abort with 404 or 403.

    A renamed course answers under its old name too (API clients do not follow redirects on
    PUT reliably, and the old name is unambiguous).
    """
    who = caller()
    network = db.session.scalar(db.select(Network).filter_by(slug=net))
    if network is None:
        abort(404, description=NOT_FOUND)
    course, _ = find_course(network, slug)
    if course is None:
        abort(404, description=NOT_FOUND)
    granted = permissions(who.user, network, course, token_scope=who.token_scope)
    if not granted & Access.READ:
        abort(404, description=NOT_FOUND)
    if (granted & need) != need:
        abort(403, description=_refusal(who, network, course, need))
    return network, course, granted


def _refusal(who: ApiCaller, network: Network, course: Course, need: Access) -> str:
    """Return why the caller may not do what it asked, in words that say what to change."""
    if who.token_scope == TokenScope.READ.value:
        unscoped = permissions(who.user, network, course)
        if (unscoped & need) == need:
            return (
                "This access token can only read. Create a token with write access "
                "under Settings → Access tokens to change lessons."
            )
    if course.is_archived and need & Access.WRITE:
        return "This course is archived: it can be read and cloned, but not changed."
    return "Your role in this network does not allow changing this course."


@bp.errorhandler(GitStoreError)
def git_error(exc: GitStoreError) -> tuple[Response, int]:
    """Answer storage errors: unknown versions, files and courses are 404, the rest 503."""
    db.session.rollback()
    missing = (InvalidRevision, RevisionNotFound, PathNotFound, InvalidPath, RepositoryMissing)
    return error(404 if isinstance(exc, missing) else 503, exc.message)


@bp.errorhandler(ReadingLessonNotFound)
def lesson_not_found(exc: ReadingLessonNotFound) -> tuple[Response, int]:
    """Answer a lesson URL that names no lesson file with 404."""
    return error(404, exc.message)


@bp.errorhandler(EditError)
def edit_error(exc: EditError) -> tuple[Response, int]:
    """Answer an edit that could not be made; the status comes from the error's kind."""
    db.session.rollback()
    if isinstance(exc, LessonInvalid):
        problems = [{"field": p.field, "message": p.message, "line": p.line} for p in exc.problems]
        return jsonify({"status": "invalid", "message": exc.message, "problems": problems}), 422
    if isinstance(exc, SaveConflict):
        return jsonify(conflict_json(exc)), 409
    if isinstance(exc, StaleBase):
        return error(409, exc.message, reason="stale_base")
    return error(exc.http_status, exc.message)


def conflict_json(exc: SaveConflict) -> dict[str, Any]:
    """Return the body of a 409 conflict: the three texts, a marked merge and who changed it."""
    return {
        "status": "conflict",
        "message": exc.message,
        "path": exc.path,
        "head": exc.head,
        "base_commit": exc.base_commit,
        "base": exc.base,
        "theirs": exc.theirs,
        "yours": exc.yours,
        "merged": exc.merged,
        "reason": exc.reason,
        "authors": exc.author_names,
    }


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or abort with 400 saying what is wrong with it."""
    if not request.is_json:
        abort(400, description="Send a JSON object with the header Content-Type: application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description='The body is not a JSON object (such as {"content": "..."}).')
    return data


def text_field(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """Return a text field of a JSON body; abort with 400 if it is missing or not text."""
    value = data.get(name)
    if value is None:
        if required:
            abort(400, description=f"The field “{name}” is missing.")
        return None
    if not isinstance(value, str):
        abort(400, description=f"The field “{name}” must be text.")
    return value


from . import (  # noqa: E402, F401  (their views register on `bp`)
    adapting,
    courses,
    imports,
    lessons,
    notifications,
    partners,
    search,
    studies,
    threads,
)
