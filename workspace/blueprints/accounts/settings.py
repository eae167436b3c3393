"""The user's settings: profile and email address, password, sign-ins, personal access tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...extensions import db
from ...forms.accounts import PasswordForm, ProfileForm, TokenForm, attach_error
from ...models import User
from ...runtime import ctx
from ...services.accounts import (
    AccountError,
    TokenError,
    active_sessions,
    cancel_pending_address,
    change_password,
    end_other_sessions,
    end_session,
    issue_token,
    revoke_token,
    send_confirmation,
    token_status,
    update_profile,
    user_tokens,
)
from .auth import confirm_link, current_login, flash_link_sent

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login() -> None:
    """Every settings page is about the signed-in user."""


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _address() -> str:
    return request.remote_addr or ""


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    """Show and save the profile colleagues see; a new email address waits for confirmation."""
    user = _me()
    form = ProfileForm(obj=user)
    if not form.is_submitted():
        form.email.data = user.address
    if form.validate_on_submit():
        before = user.email
        try:
            saved = update_profile(
                ctx(user),
                display_name=form.display_name.data or "",
                email=form.email.data or "",
                affiliation=form.affiliation.data or "",
                role_kind=form.role_kind.data or "",
                bio=form.bio.data or "",
                link=confirm_link,
                address=_address(),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your profile is saved.", "success")
            flash_link_sent(saved.link, before)
            return redirect(url_for(".profile"))
    return render_template("accounts/profile.html", form=form)


@bp.post("/email/resend")
def resend_confirmation() -> ResponseReturnValue:
    """Mail the link confirming the pending email address again (a few times an hour)."""
    user = _me()
    sent = send_confirmation(ctx(user), user, link=confirm_link, address=_address())
    db.session.commit()
    flash_link_sent(sent, user.email)
    return redirect(url_for(".profile"))


@bp.post("/email/cancel")
def cancel_email_change() -> ResponseReturnValue:
    """Keep the confirmed address and forget the one waiting for confirmation."""
    dropped = cancel_pending_address(ctx(_me()))
    db.session.commit()
    if dropped:
        flash(f"The change to {dropped} is cancelled; its link no longer works.", "success")
    return redirect(url_for(".profile"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    """Change the password, after confirming the current one; other sign-ins end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                ctx(_me()),
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
                keep=current_login(),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for(".password"))
    return render_template("accounts/password.html", form=form)


@bp.get("/sessions")
def sessions() -> ResponseReturnValue:
    """List the browsers signed in to this account, with a way to sign each one out."""
    here = current_login()
    return render_template(
        "accounts/sessions.html",
        logins=active_sessions(db.session, _me()),
        here=here.id if here is not None else None,
    )


@bp.post("/sessions/<int:login_id>/end")
def end_login(login_id: int) -> ResponseReturnValue:
    """Sign one of the account's other browsers out; its cookies stop working at once."""
    here = current_login()
    if here is not None and here.id == login_id:
        return redirect(url_for(".sessions"))  # this browser signs out with "Sign out"
    ended = end_session(db.session, _me(), login_id)
    if ended is None:
        abort(404)
    db.session.commit()
    flash(f"{ended.user_agent or 'That browser'} is signed out.", "success")
    return redirect(url_for(".sessions"))


@bp.post("/sessions/end-others")
def end_other_logins() -> ResponseReturnValue:
    """Sign out every browser but this one."""
    count = end_other_sessions(db.session, _me(), keep=current_login())
    db.session.commit()
    if count:
        flash(f"Signed out {count} other session{'s' if count != 1 else ''}.", "success")
    else:
        flash("No other device was signed in.", "info")
    return redirect(url_for(".sessions"))


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
