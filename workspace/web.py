"""Cross-cutting web concerns: login loading, error pages, security headers, template helpers."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    appcontext_pushed,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager
from .models import Membership, Network, User, Visibility
from .services import accounts

ERROR_TEXT = {
    400: ("Bad request", "The request could not be understood. Nothing was changed."),
    401: ("Sign-in needed", "Please sign in to continue."),
    403: ("Not allowed", "Your role in this network does not allow this."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts. Nothing was saved."),
    429: ("Slow down", "Too many attempts. Please wait a few minutes and try again."),
    500: ("Something went wrong", "The error was logged and nothing half-done was saved."),
}

# Pages for a signed-in person, or of a private network, are kept by no cache at all.
PRIVATE_CACHE = "private, no-store"
HSTS = "max-age=31536000"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def is_safe_next(target: str | None) -> bool:
    """Return True if `target` is a path on this site (for ?next= redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def this_page_url(**changes: Any) -> str:
    """Return the current page's URL with some values changed (None drops a query value).

    Path values come from the route; the query string can add values but never replace a
    path value, nor pass url_for's own options (`_external`, `_anchor`, ...).
    """
    path_args = dict(request.view_args or {})
    query: dict[str, Any] = {
        key: values if len(values) > 1 else values[0]
        for key, values in request.args.to_dict(flat=False).items()
        if key not in path_args and not key.startswith("_") and key != "endpoint"
    }
    for key, value in changes.items():
        target = path_args if key in path_args else query
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return url_for(request.endpoint or "main.index", **query, **path_args)


def wants_json() -> bool:
    """Return True for requests answered in JSON: the API and git endpoints."""
    return request.path.startswith(("/api/", "/git/"))


def init_app(app: Flask) -> None:
    """Wire login loading, error handlers, headers and template globals into the app."""
    app.wsgi_app = SecureCookies(app.wsgi_app)  # type: ignore[method-assign]
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    # Without a mail server, emailed links are written to this log; make sure they show.
    mail_log = logging.getLogger("workspace.mail")
    if mail_log.level == logging.NOTSET:
        mail_log.setLevel(logging.INFO)
    _ = app.logger  # creates the app's log handler, which mail messages reach

    def share_config(sender: Flask, **_extra: Any) -> None:
        g._shared_config = accounts.share_app_config(sender.config)

    # Strongly held: blinker would drop a nested function otherwise.
    appcontext_pushed.connect(share_config, app, weak=False)

    @app.teardown_appcontext
    def unshare_config(_error: BaseException | None) -> None:
        token = g.pop("_shared_config", None)
        if token is not None:
            accounts.unshare_app_config(token)

    @login_manager.user_loader
    def load_user(login_id: str) -> User | None:
        # The id names one sign-in (services.accounts._sessions): signed out, revoked or
        # expired, it signs nobody in, whichever cookie (copied or not) carries it.
        resumed = accounts.resume_session(db.session, current_app.config, login_id)
        if resumed is None:
            return None
        user = resumed.login.user
        user.bind_login(resumed.login, login_id)
        g.login_touched = resumed.touched
        return user

    request_log = logging.getLogger("workspace.requests")
    if request_log.level == logging.NOTSET:
        request_log.setLevel(logging.INFO)

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        # One line a request: method, path, status, milliseconds, who (never a password or
        # token: the query string is left out, it may carry a reset or invitation token).
        started = g.get("request_started")
        if started is not None and request.endpoint != "static":
            caller = getattr(g.get("api_caller"), "user", None) or g.get("git_user")
            if current_user.is_authenticated:
                who = current_user.username
            else:
                who = getattr(caller, "username", None) or "-"
            path = request.path
            token = (request.view_args or {}).get("token")
            if isinstance(token, str) and token:
                path = path.replace(token, "<token>")  # one-time links stay out of logs
            request_log.info(
                "%s %s %s %.1fms user=%s",
                request.method,
                path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                who,
            )
        return response

    @app.before_request
    def resume_login() -> None:
        # Load the signed-in user before any view work, so saving the sign-in's last-seen
        # time (at most once a minute) commits nothing else.
        if request.endpoint != "static" and current_user.is_authenticated:
            if g.pop("login_touched", False):
                db.session.commit()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Any, int]:
        message = "This form expired or was sent from elsewhere. Please reload and try again."
        return _error_response(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is not None and 300 <= error.code < 400:
            return error.get_response()
        return _error_response(error.code or 500, None, error)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[Any, int]:
        db.session.rollback()
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _error_response(500, None)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if _is_private(request):
            # A view's own private or no-store choice stands (raw files revalidate by ETag).
            chosen = headers.get("Cache-Control", "")
            if "no-store" not in chosen and "private" not in chosen:
                headers["Cache-Control"] = PRIVATE_CACHE
        return response

    # A global, not a context value, so imported macros can use it too.
    app.jinja_env.globals["this_page_url"] = this_page_url

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        from .access import Access

        return {
            "Access": Access,
            "header_networks": _header_networks,
            "header_unread": _header_unread,
        }


class SecureCookies:
    """WSGI middleware: over HTTPS every cookie is marked Secure (the session, remember-me...).

    Behind a TLS-terminating proxy, wrap the app in werkzeug's ProxyFix so the scheme is known.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
            marked = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, marked, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def _is_private(req: Any) -> bool:
    """Return True for an answer no shared cache may keep: for a signed-in person, a request
    with credentials, or any page of a network that is not public."""
    if req.endpoint == "static":
        return False
    if "Authorization" in req.headers or current_user.is_authenticated:
        return True
    net = (req.view_args or {}).get("net")
    if not net:
        return False
    visibility = db.session.scalar(select(Network.visibility).filter_by(slug=net))
    return visibility != Visibility.PUBLIC.value


def _header_networks() -> list[Network]:
    """Return the signed-in user's networks for the header menu."""
    if not current_user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            db.select(Network)
            .join(Membership)
            .filter(Membership.user_id == current_user.id)
            .order_by(Network.name)
            .limit(20)
        )
    )


def _header_unread() -> int:
    """Return the signed-in user's unread notifications, for the header's Inbox link."""
    if not current_user.is_authenticated:
        return 0
    from .runtime import ctx
    from .services.notifications import unread_count

    return unread_count(ctx(), current_user._get_current_object())  # type: ignore[attr-defined]


def _error_response(
    code: int, message: str | None, error: HTTPException | None = None
) -> tuple[Any, int]:
    title, default_text = ERROR_TEXT.get(code, ("Error", "Something went wrong."))
    # A view may abort with a specific, user-facing description; show it instead of the default.
    detail = error.description if error is not None and _custom(error) else None
    text = message or detail or default_text
    if wants_json():
        return jsonify({"status": "error", "error": title, "message": text}), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def _custom(error: HTTPException) -> bool:
    return type(error).description != error.description
