"""The user's settings: profile, password and personal access tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user

from ...extensions import db
from ...forms.accounts import PasswordForm, ProfileForm, TokenForm, attach_error
from ...models import User
from ...services.accounts import (
    AccountError,
    TokenError,
    change_password,
    issue_token,
    revoke_token,
    token_status,
    update_profile,
    user_tokens,
)

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login() -> None:
    """Every settings page is about the signed-in user."""


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    """Show and save the profile colleagues see."""
    user = _me()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            update_profile(
                db.session,
                user,
                display_name=form.display_name.data or "",
                email=form.email.data or "",
                affiliation=form.affiliation.data or "",
                role_kind=form.role_kind.data or "",
                bio=form.bio.data or "",
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for(".profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    """Change the password, after confirming the current one."""
    form = PasswordForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            change_password(
                db.session,
                _me(),
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
                min_length=config["PASSWORD_MIN_LENGTH"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            # This session stays signed in (remembered if it was); every other one is signed out.
            remembered = "remember_token" in request.cookies
            login_user(_me(), remember=remembered)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for(".password"))
    return render_template("accounts/password.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> ResponseReturnValue:
    """List personal access tokens; create one and show it this once."""
    user = _me()
    form = TokenForm()
    raw = None
    if form.validate_on_submit():
        try:
            raw, _token = issue_token(
                db.session, user, form.name.data or "", form.scope.data or "", form.days
            )
        except TokenError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    page = render_template(
        "accounts/tokens.html",
        form=form,
        raw_token=raw,
        tokens=user_tokens(db.session, user),
        token_status=token_status,
    )
    # The one page that holds a raw token must not be kept in any cache.
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's tokens; git and the API refuse it from now on."""
    token = revoke_token(db.session, _me(), token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(f"Token “{token.name}” ({token.prefix}…) is revoked.", "success")
    return redirect(url_for(".tokens"))
