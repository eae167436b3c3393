"""Accounts: register, sign in, sign out, confirm an email address, reset a forgotten password."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from ...extensions import db
from ...forms.accounts import (
    LoginForm,
    NewPasswordForm,
    RegisterForm,
    ResetRequestForm,
    attach_error,
)
from ...models import LoginSession, User
from ...models._base import utcnow
from ...runtime import ctx, settings
from ...services.accounts import (
    AccountError,
    LinkError,
    LinkSent,
    SignInThrottled,
    ThrottleLimits,
    authenticate,
    confirm_address,
    confirmation,
    create_account,
    end_session,
    remember_duration,
    renew_remembered,
    request_password_reset,
    reset_link,
    reset_password,
    send_confirmation,
    start_session,
)
from ...services.networks import home_network
from ...web import is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Pages whose address holds a secret token: kept by no cache, and never sent as a referrer.
TOKEN_PAGE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def safe_next() -> str | None:
    """Return the ?next= target if it stays on this site, else None."""
    target = request.args.get("next")
    return target if is_safe_next(target) else None


def _next_or_home() -> str:
    return safe_next() or url_for("main.index")


def _landing(user: User) -> str:
    """Return where someone goes after signing in: ?next=, else their network, else home."""
    target = safe_next()
    if target:
        return target
    network = home_network(db.session, user)
    if network is None:
        return url_for("main.index")
    return url_for("networks.home", net=network.slug)


def external_url(endpoint: str, **values: str) -> str:
    """Return the absolute address of a page, for emails: on PUBLIC_URL when it is set."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def confirm_link(token: str) -> str:
    """Return the address of the page that confirms an email address with `token`."""
    return external_url("auth.confirm_email", token=token)


def reset_page_link(token: str) -> str:
    """Return the address of the page that sets a new password with `token`."""
    return external_url("auth.reset_password_page", token=token)


def current_login() -> LoginSession | None:
    """Return the sign-in this request runs under, if someone is signed in."""
    if not current_user.is_authenticated:
        return None
    return current_user.current_login  # type: ignore[no-any-return]


def sign_in(user: User, remember: bool) -> None:
    """Start a sign-in for `user` in this browser (a row of its own, ended by signing out)."""
    started = start_session(
        db.session,
        settings(),
        user,
        remember=remember,
        user_agent=request.user_agent.string,
        address=request.remote_addr or "",
    )
    db.session.commit()
    user.bind_login(started.login, started.login_id)
    duration = remember_duration(settings()) if remember else None
    login_user(user, remember=remember, duration=duration)


def renew_remembered_cookie(_app: Flask, user: User, **_extra: Any) -> None:
    """Give a browser the remember-me cookie signed it in again a new secret (new cookies)."""
    login = user.current_login
    if login is None:
        return
    renewed = renew_remembered(db.session, login, user.get_id())
    if renewed is None:
        # Sent together with the request that rotated the secret, whose new cookies are on
        # their way: keep the old id out of the session cookie this answer writes.
        session.pop("_user_id", None)
        return
    db.session.commit()
    user.bind_login(login, renewed)
    session["_user_id"] = renewed
    session["_remember"] = "set"  # Flask-Login writes the new remember-me cookie
    # It lasts as long as the sign-in does, never longer.
    session["_remember_seconds"] = max(1, int((login.expires_at - utcnow()).total_seconds()))


@bp.record_once
def _listen_for_remembered_sign_ins(state: BlueprintSetupState) -> None:
    # Held strongly: blinker would drop the connection otherwise; one per app.
    user_loaded_from_cookie.connect(renew_remembered_cookie, state.app, weak=False)


def flash_link_sent(sent: LinkSent | None, before: str | None = None) -> None:
    """Say what became of a confirmation email; `before` is the address that stays in force."""
    if sent is None:
        return
    if not sent.sent:
        flash(sent.problem or "We could not send the email.", "error")
    elif before:
        flash(
            f"We sent a link to {sent.to}. Until you follow it, your address stays {before}.",
            "info",
        )
    else:
        flash(f"We sent a link to {sent.to}. Follow it to confirm your email address.", "info")


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Show the registration form; create the account, sign in and mail a confirmation link."""
    if current_user.is_authenticated:
        return redirect(_next_or_home())
    form = RegisterForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = create_account(
                db.session,
                username=form.username.data or "",
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                affiliation=form.affiliation.data or "",
                role_kind=form.role_kind.data or "",
                min_length=config["PASSWORD_MIN_LENGTH"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            sign_in(user, remember=False)
            sent = send_confirmation(
                ctx(user), user, link=confirm_link, address=request.remote_addr or ""
            )
            db.session.commit()
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
            flash_link_sent(sent)
            return redirect(_next_or_home())
    return render_template("accounts/register.html", form=form, next=safe_next())


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; sign in by username or email, throttling repeated failures."""
    if current_user.is_authenticated:
        return redirect(_next_or_home())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.identifier.data or "",
                form.password.data or "",
                address=request.remote_addr or "",
                limits=ThrottleLimits.from_config(current_app.config),
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except SignInThrottled as error:
            page = render_template("accounts/login.html", form=form, next=safe_next(), error=error)
            return page, 429, {"Retry-After": str(error.retry_after_seconds)}
        except AccountError as error:
            db.session.commit()  # keep the failed attempt on record for throttling
            return render_template("accounts/login.html", form=form, next=safe_next(), error=error)
        db.session.commit()
        sign_in(user, remember=bool(form.remember.data))
        if user.email is None:
            flash(
                f"Please confirm your email address: follow the link we sent to "
                f"{user.pending_email}, or send it again from your profile.",
                "info",
            )
        return redirect(_landing(user))
    return render_template("accounts/login.html", form=form, next=safe_next(), error=None)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST with the CSRF token, so other sites cannot sign people out)."""
    login = current_login()
    if login is not None:
        # Ends the sign-in itself: a copy of this browser's cookies no longer signs anyone in.
        end_session(db.session, current_user._get_current_object(), login.id)  # type: ignore[attr-defined]
        db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    response = redirect(url_for("main.index"))
    # Drafts the editor kept in this browser must not stay for the next person at this computer.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    """Show which address and account a link confirms; confirming makes the address count."""
    try:
        found = confirmation(db.session, token)
    except LinkError as error:
        return _link_problem(error.message, 410)
    if request.method == "POST":
        try:
            user = confirm_address(ctx(), token)
        except LinkError as error:
            db.session.commit()  # a claim another account beat stays dropped
            return _link_problem(error.message, 409)
        db.session.commit()
        flash(f"Thank you: {user.email} is confirmed as your email address.", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("settings.profile"))
        return redirect(url_for(".login"))
    page = render_template("accounts/confirm.html", link=found, token=token)
    return page, 200, TOKEN_PAGE


@bp.route("/reset", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for an emailed link to choose a new password (the answer never says who has one)."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        answer = request_password_reset(
            ctx(), form.email.data or "", link=reset_page_link, address=request.remote_addr or ""
        )
        if answer.throttled:
            page = render_template("accounts/forgot.html", form=form, problem=answer.message)
            return page, 429, {"Retry-After": str(answer.retry_after_seconds)}
        flash(answer.message, "info")
        return redirect(url_for(".forgot_password"))
    return render_template("accounts/forgot.html", form=form, problem=None)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password_page(token: str) -> ResponseReturnValue:
    """Choose a new password from an emailed link; every sign-in of the account ends."""
    try:
        found = reset_link(db.session, token)
    except LinkError as error:
        return _link_problem(error.message, 410, again=True)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = reset_password(ctx(), token, form.new_password.data or "")
        except LinkError as error:
            return _link_problem(error.message, 410, again=True)
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()  # this browser's sign-in ended with the others
            flash(
                "Your password is changed, and every device signed in to your account has "
                "been signed out. Sign in with your new password.",
                "success",
            )
            return redirect(url_for(".login"))
    page = render_template("accounts/reset.html", form=form, user=found.user, token=token)
    return page, 200, TOKEN_PAGE


def _link_problem(message: str, status: int, again: bool = False) -> ResponseReturnValue:
    page = render_template("accounts/link_problem.html", message=message, again=again)
    return page, status, TOKEN_PAGE
