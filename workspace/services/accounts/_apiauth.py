"""Who is calling the JSON API: a personal access token, the browser session, or nobody.

A request that carries `Authorization: Bearer <token>` is judged by the token alone: the
session cookie is ignored, so a script's rights never depend on who is signed in in the same
browser, and a read-scoped token caps access at READ whoever owns it. Without a bearer token
the signed-in session user (if any) calls the API; unsafe methods then need the CSRF header,
which the API blueprint checks, because a cookie rides along on cross-site requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ...models import TokenScope, User
from ._throttle import ThrottleLimits
from ._tokens import authenticate_token

BEARER = "bearer"


class ApiAuthError(Exception):
    """A credential that does not let the request in (answered with 401)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ApiCaller:
    """The caller of one API request; `via` is "token", "session" or "anonymous"."""

    user: User | None
    via: str
    token_scope: str | None = None

    @property
    def uses_token(self) -> bool:
        """Return True when a bearer token (not a cookie) authenticated the request."""
        return self.via == "token"

    @property
    def can_write_with_token(self) -> bool:
        """Return True unless a read-scoped token made the request."""
        return self.token_scope != TokenScope.READ.value


def bearer_credential(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer` header, "" if empty, None if absent.

    Other schemes (Basic, Digest...) return None: they are not how the API is called, and the
    session then decides as if no header were sent.
    """
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != BEARER:
        return None
    return value.strip()


def authenticate_api_request(
    session: Session,
    authorization: str | None,
    address: str,
    session_user: User | None,
    now: datetime | None = None,
    limits: ThrottleLimits | None = None,
) -> ApiCaller:
    """Return the caller of an API request.

    Raises ApiAuthError for a bearer token that is empty, unknown, revoked or expired, and
    TokenThrottled while too many bad tokens came from `address` (`limits`: the token throttle,
    by default the running app's LOGIN_THROTTLE_*).
    """
    raw = bearer_credential(authorization)
    if raw is None:
        if session_user is not None and getattr(session_user, "is_authenticated", False):
            return ApiCaller(user=session_user, via="session")
        return ApiCaller(user=None, via="anonymous")
    if not raw:
        raise ApiAuthError("The Authorization header names no token: send “Bearer <token>”.")
    token = authenticate_token(session, raw, address, now, limits)
    if token is None:
        raise ApiAuthError(
            "This access token is not valid: it may be mistyped, revoked or expired. "
            "Create a new one under Settings → Access tokens."
        )
    return ApiCaller(user=token.user, via="token", token_scope=token.scope)
