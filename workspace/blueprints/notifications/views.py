"""The inbox (`/inbox`): what needs me, newest first, marked read one by one or all at once;
and `/settings/notifications`: per kind, in the inbox or not, and email at once, daily or
never."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...runtime import ctx
from ...services import notifications
from ...services.notifications import KINDS, SettingsError

bp = Blueprint("notifications", __name__)

EMAIL_CHOICES = {"now": "Email at once", "daily": "In a daily email", "off": "No email"}


def _before() -> int | None:
    value = request.args.get("before", "")
    if not value:
        return None
    if not value.isdigit():
        abort(400, description="“before” is the number of a notification.")
    return int(value)


@bp.get("/inbox")
@login_required
def inbox() -> ResponseReturnValue:
    """Show the signed-in person's notifications."""
    unread_only = request.args.get("show") == "unread"
    page = notifications.inbox(
        ctx(), current_user._get_current_object(), unread_only=unread_only, before=_before()
    )
    return render_template("notifications/inbox.html", page=page, unread_only=unread_only)


@bp.post("/inbox/read")
@login_required
def mark_read() -> ResponseReturnValue:
    """Mark one notification read (`id`) and go to it (`open`), or mark them all read."""
    user = current_user._get_current_object()
    chosen = request.form.get("id", "")
    if chosen:
        if not chosen.isdigit():
            abort(400, description="Choose a notification.")
        notifications.mark_read(ctx(), user, [int(chosen)])
        target = request.form.get("open", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect(url_for(".inbox"))
    count = notifications.mark_read(ctx(), user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} read.", "success")
    return redirect(url_for(".inbox"))


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """Show and change which notifications arrive, and how."""
    user = current_user._get_current_object()
    if request.method == "POST":
        current = {p.kind: p.email for p in notifications.preferences(ctx(), user)}
        chosen = {
            kind: (
                request.form.get(f"inbox-{kind}") == "yes",
                request.form.get(f"email-{kind}") or current[kind],
            )
            for kind in KINDS
        }
        try:
            notifications.set_preferences(ctx(), user, chosen)
        except SettingsError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".settings")), 303
        flash("Your notification settings are saved.", "success")
        return redirect(url_for(".settings"))
    return render_template(
        "notifications/settings.html",
        preferences=notifications.preferences(ctx(), user),
        choices=EMAIL_CHOICES,
    )
