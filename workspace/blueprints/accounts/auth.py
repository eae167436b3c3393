"""Accounts: register, sign in, sign out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from ...extensions import db
from ...forms.accounts import LoginForm, RegisterForm, attach_error
from ...services.accounts import (
    AccountError,
    SignInThrottled,
    authenticate,
    create_account,
    limits_from_app,
)
from ...web import is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next() -> str | None:
    """Return the ?next= target if it stays on this site, else None."""
    target = request.args.get("next")
    return target if is_safe_next(target) else None


def _next_or_home() -> str:
    return safe_next() or url_for("main.index")


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Show the registration form; create the account and sign the new user in."""
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
            login_user(user)
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
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
                limits=limits_from_app(),
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except SignInThrottled as error:
            page = render_template("accounts/login.html", form=form, next=safe_next(), error=error)
            return page, 429, {"Retry-After": str(error.retry_after_seconds)}
        except AccountError as error:
            db.session.commit()  # keep the failed attempt on record for throttling
            return render_template("accounts/login.html", form=form, next=safe_next(), error=error)
        db.session.commit()
        login_user(user, remember=bool(form.remember.data))
        return redirect(_next_or_home())
    return render_template("accounts/login.html", form=form, next=safe_next(), error=None)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST with the CSRF token, so other sites cannot sign people out)."""
    logout_user()
    flash("You are signed out.", "info")
    response = redirect(url_for("main.index"))
    # Drafts the editor kept in this browser must not stay for the next person at this computer.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response
