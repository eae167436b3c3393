"""The githttp area: `git clone`, `fetch` and `push` of a course over smart HTTP.

Only the smart protocol's three addresses are served (`info/refs?service=...`,
`git-upload-pack`, `git-receive-pack`); anything else under /git/ is 404. Every request is
authorized by `permissions()` before a process is started; `git http-backend` then runs on the
repository named by the course's id (see workspace.gitserve.backend).

Who is asking: a personal access token, sent as the password of HTTP Basic (any user name,
as git credential helpers store it) or as `Authorization: Bearer`. Account passwords are never
accepted. Anonymous requests may read public networks' courses; anywhere else they get 401,
also when the course does not exist, so private networks do not reveal what they hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, redirect, request, url_for

from ..access import Access, find_course, permissions
from ..extensions import csrf, db
from ..gitserve.serve import serve_course
from ..models import AccessToken, Course, Network, User
from ..services.accounts import TOKEN_PREFIX, TokenThrottled, authenticate_token
from ..web import this_page_url

bp = Blueprint("githttp", __name__, url_prefix="/git")
# Git clients authenticate with tokens in headers and never carry cookies, so there is no
# session a cross-site request could ride on.
csrf.exempt(bp)

SERVICES = ("git-upload-pack", "git-receive-pack")
# Anything else cannot name a network or a course, so it is refused before any lookup.
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Caller:
    """Who sent a git request: nobody, or a user through one of their tokens."""

    user: User | None = None
    token: AccessToken | None = None


def clone_url(network: Network, course: Course) -> str:
    """Return the external URL a teacher passes to `git clone` for this course."""
    return url_for("githttp.repository", net=network.slug, course=course.slug, _external=True)


@bp.get("/<net>/<course>.git")
def repository(net: str, course: str) -> Response:
    """Answer a browser that opened the clone URL: there is nothing to see here."""
    return _text(404, "This is a git repository address: use it with git clone.")


@bp.get("/<net>/<course>.git/info/refs")
def info_refs(net: str, course: str) -> Response:
    """Advertise the course's refs to `git clone`, `fetch` or `push` (smart protocol only)."""
    given = list(request.args.items(multi=True))
    service = given[0][1] if len(given) == 1 and given[0][0] == "service" else ""
    if service not in SERVICES:
        return _not_found()
    return _serve(net, course, "info/refs", service, query=f"service={service}")


@bp.post("/<net>/<course>.git/<service>")
def rpc(net: str, course: str, service: str) -> Response:
    """Run one exchange of the fetch or push protocol."""
    if service not in SERVICES:
        return _not_found()
    if request.mimetype != f"application/x-{service}-request":
        return _text(415, f"A {service} request must be sent as application/x-{service}-request.")
    return _serve(net, course, service, service, query="")


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def anything_else(rest: str) -> Response:
    """Answer 404 for every other address: no dumb protocol, no files of the repository."""
    return _not_found()


def _serve(net: str, slug: str, path: str, service: str, query: str) -> Response:
    """Authorize the request, then hand it to git http-backend."""
    if not (_NAME.fullmatch(net) and _NAME.fullmatch(slug)):
        return _not_found()
    caller = _authenticate()
    if isinstance(caller, Response):
        return caller
    network = db.session.scalar(db.select(Network).filter_by(slug=net))
    course, renamed = find_course(network, slug) if network is not None else (None, False)
    scope = caller.token.scope if caller.token is not None else None
    granted = Access.NONE
    if network is not None and course is not None:
        granted = permissions(caller.user, network, course, token_scope=scope)
    if network is None or course is None or not granted & Access.READ:
        # Anonymous callers learn nothing about private networks: everything there asks for
        # a token, whether or not the course exists.
        hidden = network is None or not permissions(None, network) & Access.READ
        return _ask_for_token() if caller.user is None and hidden else _not_found()
    if renamed:
        return _moved(course)
    pushing = service == "git-receive-pack"
    if pushing and not granted & Access.WRITE:
        return _refuse_push(caller, network, course)
    return serve_course(course, caller.user, path, query, pushing, granted)


def _authenticate() -> Caller | Response:
    """Return who is asking, or the 401/429 response refusing their credentials."""
    raw = _offered_token()
    if raw is None:
        return Caller()
    if not raw:
        return _ask_for_token()
    try:
        token = authenticate_token(db.session, raw, request.remote_addr or "")
    except TokenThrottled as exc:
        response = _text(429, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    if token is None:
        return _ask_for_token(refused="password" if not raw.startswith(TOKEN_PREFIX) else "token")
    return Caller(user=token.user, token=token)


def _offered_token() -> str | None:
    """Return the token in the Authorization header ("" for unusable credentials), or None."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    if request.authorization is None:
        return ""
    auth = request.authorization
    if auth.type == "bearer":
        return auth.token or ""
    if auth.type == "basic":
        # Git puts a token typed as the user name (https://TOKEN@host/...) there, with no password.
        return auth.password or auth.username or ""
    return ""


def _ask_for_token(refused: str = "") -> Response:
    """Return 401 asking for a personal access token (git then asks its credential helper).

    `refused` says what was offered instead: "password" (anything not shaped like a token)
    or "token" (unknown, revoked or expired).
    """
    tokens = url_for("settings.tokens", _external=True)
    if refused == "password":
        message = (
            "Account passwords are not accepted by git. Use a personal access token as the "
            f"password instead (any user name): create one at {tokens}"
        )
    elif refused == "token":
        message = (
            "That personal access token is not valid: it may have been revoked or have "
            f"expired. Create a new one at {tokens}"
        )
    else:
        message = (
            "Sign in with a personal access token: use any user name and the token as the "
            f"password. Create a token at {tokens}"
        )
    response = _text(401, message)
    realm = current_app.config.get("SITE_NAME", "Workspace").replace('"', "")
    response.headers["WWW-Authenticate"] = f'Basic realm="{realm}", charset="UTF-8"'
    return response


def _refuse_push(caller: Caller, network: Network, course: Course) -> Response:
    """Return the answer to a push its sender may not make: 401 or 403, saying why."""
    if caller.user is None:
        return _ask_for_token()
    if course.is_archived:
        return _text(403, "This course is archived: it can be cloned but no longer changed.")
    if caller.token is not None and permissions(caller.user, network, course) & Access.WRITE:
        return _text(
            403,
            "This token can only read. To push, create a token with write access at "
            + url_for("settings.tokens", _external=True),
        )
    return _text(403, "Your role in this network lets you read this course but not change it.")


def _moved(course: Course) -> Response:
    """Return a redirect to the same git address under the course's current name."""
    target = this_page_url(course=course.slug)
    return redirect(target, code=301 if request.method in ("GET", "HEAD") else 308)


def _not_found() -> Response:
    return _text(404, "Repository not found.")


def _text(status: int, message: str) -> Response:
    """Return a plain-text answer; git prints such bodies to the person as "remote:" lines."""
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    current_app.logger.debug("git %s %s -> %s", request.method, request.path, status)
    return response
