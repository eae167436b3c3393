"""Network membership views: members and roles, join requests, invitations, leaving.

Part of the `networks` blueprint (imported by networks.py). Leaders (MANAGE) change roles,
add and remove people and invite; everyone who can see a network sees who is in it.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from ...access import Access
from ...extensions import db
from ...forms.networks import AddMemberForm, InvitationForm, RoleForm
from ...models import Membership, Network, Role, User
from ...models._base import utcnow
from ...services import networks as service
from ...services.networks import InvitationError, NetworkError
from .._guards import require_network
from ._shared import bp, require_manager, show_error, sign_in_first, signed_in_user

# How a refused invitation answers: gone for good (410), not yours (403), no such link (404).
INVITATION_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 410, "wrong_user": 403}


def _manager(net: str) -> tuple[Network, User]:
    network, user, _ = require_manager(net)
    return network, user


def _to_members(network: Network) -> Response:
    return redirect(url_for("networks.members", net=network.slug))


def _done(network: Network, message: str) -> Response:
    """Commit, say what happened, and go back to the members page."""
    db.session.commit()
    flash(message, "success")
    return _to_members(network)


def _refused(network: Network, error: NetworkError) -> Response:
    db.session.rollback()
    flash(error.message, "error")
    return _to_members(network)


def _role_form(member: Membership) -> RoleForm:
    form = RoleForm(prefix=f"m{member.user_id}", data={"role": member.role})
    form.role.label.text = f"Role for {member.user.display_name}"
    return form


@bp.get("/n/<net>/members")
def members(net: str) -> str:
    """List the people in the network by role; leaders also get controls and join requests."""
    network, access = require_network(net)
    everyone = service.members(db.session, network)
    manage = bool(access & Access.MANAGE)
    role_forms = {m.user_id: _role_form(m) for m in everyone} if manage else {}
    user = signed_in_user()
    return render_template(
        "networks/members.html",
        network=network,
        access=access,
        everyone=everyone,
        role_forms=role_forms,
        add_form=AddMemberForm() if manage else None,
        requests=service.pending_requests(db.session, network) if manage else [],
        mine=next((m for m in everyone if user is not None and m.user_id == user.id), None),
        leaders=sum(1 for m in everyone if m.role == Role.LEADER.value),
    )


@bp.post("/n/<net>/members/add")
def add_member(net: str) -> Response:
    """Add someone who has an account, by username or email, with a role."""
    network, actor = _manager(net)
    form = AddMemberForm()
    if not form.validate_on_submit():
        flash("Say whom to add and with which role.", "error")
        return _to_members(network)
    who = form.person.data.lower()
    person = db.session.scalar(
        select(User).filter(or_(func.lower(User.username) == who, func.lower(User.email) == who))
    )
    if person is None:
        flash(f"No account matches “{form.person.data}”. Send them an invitation link.", "error")
        return _to_members(network)
    try:
        service.add_member(db.session, network, actor, person, form.role.data)
    except NetworkError as error:
        return _refused(network, error)
    return _done(network, f"{person.display_name} is now {Role(form.role.data).label}.")


@bp.post("/n/<net>/members/<int:user_id>/role")
def change_role(net: str, user_id: int) -> Response:
    """Change a member's role; the last leader cannot step down."""
    network, actor = _manager(net)
    person = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"m{user_id}")
    if not form.validate_on_submit():
        flash("Choose one of the roles offered.", "error")
        return _to_members(network)
    try:
        service.set_role(db.session, network, actor, person, form.role.data)
    except NetworkError as error:
        return _refused(network, error)
    return _done(network, f"{person.display_name} is now {Role(form.role.data).label}.")


@bp.post("/n/<net>/members/<int:user_id>/remove")
def remove_member(net: str, user_id: int) -> Response:
    """Remove someone from the network; the last leader cannot be removed."""
    network, actor = _manager(net)
    person = db.get_or_404(User, user_id)
    try:
        service.remove_member(db.session, network, actor, person)
    except NetworkError as error:
        return _refused(network, error)
    return _done(network, f"{person.display_name} is no longer in {network.name}.")


@bp.post("/n/<net>/leave")
def leave(net: str) -> Response:
    """Leave the network; the last leader must first hand over to another leader."""
    network, _ = require_network(net)
    user = signed_in_user()
    if user is None:
        flash("You are not a member of this network.", "error")
        return redirect(url_for("networks.home", net=network.slug))
    try:
        service.leave(db.session, network, user)
    except NetworkError as error:
        return _refused(network, error)
    db.session.commit()
    flash(f"You left {network.name}.", "success")
    return redirect(url_for("networks.directory"))


@bp.post("/n/<net>/requests/<int:request_id>/<decision>")
def decide_request(net: str, request_id: int, decision: str) -> Response:
    """Approve (the person becomes a member) or decline a request to join."""
    network, actor = _manager(net)
    if decision not in ("approve", "decline"):
        abort(404)
    try:
        found = service.decide_join_request(
            db.session, network, actor, request_id, decision == "approve", utcnow()
        )
    except NetworkError as error:
        return _refused(network, error)
    name = found.user.display_name
    said = "joined as a member" if decision == "approve" else "was declined"
    return _done(network, f"{name}'s request {said}.")


@bp.route("/n/<net>/invitations", methods=["GET", "POST"])
def invitations(net: str) -> str:
    """Create invitation links (each shown once) and list the pending ones."""
    network, actor, access = require_manager(net)
    form = InvitationForm()
    if request.method == "GET":
        form.days.data = current_app.config["INVITATION_DAYS"]
    link = None
    if form.validate_on_submit():
        try:
            raw, _ = service.create_invitation(
                db.session,
                network,
                actor,
                role=form.role.data,
                days=form.days.data,
                email=form.email.data or None,
                now=utcnow(),
            )
            db.session.commit()
        except NetworkError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            # Only the hash is stored, so the page that answers this POST is the only place the
            # link ever appears.
            link = url_for("networks.invitation", token=raw, _external=True)
    page = render_template(
        "networks/invitations.html",
        network=network,
        access=access,
        form=form,
        link=link,
        pending=service.pending_invitations(db.session, network, utcnow()),
    )
    # A page that shows a new link must not be kept by the browser or a proxy.
    return page, 200, {"Cache-Control": "no-store"} if link else {}


@bp.post("/n/<net>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(net: str, invitation_id: int) -> Response:
    """Withdraw an invitation so its link stops working."""
    network, _ = _manager(net)
    try:
        service.revoke_invitation(db.session, network, invitation_id, utcnow())
    except NetworkError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The invitation was withdrawn; its link no longer works.", "success")
    return redirect(url_for("networks.invitations", net=network.slug))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token: str) -> str | Response | tuple[str, int]:
    """Show an invitation with an Accept button; accepting joins the network, once."""
    user = signed_in_user()
    if user is None:
        return sign_in_first("Please sign in (or create an account) to accept the invitation.")
    found = service.find_invitation(db.session, token)
    try:
        service.check_invitation(found, user, utcnow())
        if request.method == "POST":
            accepted = service.accept_invitation(db.session, token, user, utcnow())
            db.session.commit()
            flash(accepted.message, "success")
            return redirect(url_for("networks.home", net=accepted.membership.network.slug))
    except InvitationError as error:
        db.session.rollback()
        if error.reason == "joined_meanwhile":  # the invitation is still unused: show it again
            flash(error.message, "info")
            return redirect(url_for("networks.invitation", token=token))
        if found is None:
            abort(404, error.message)
        page = render_template("networks/invitation.html", invitation=found, problem=error.message)
        return page, INVITATION_STATUS[error.reason]
    current = service.membership(db.session, found.network, user) if found else None
    return render_template(
        "networks/invitation.html",
        invitation=found,
        problem=None,
        current=current,
        stronger=current is not None
        and service.role_rank(current.role) >= service.role_rank(found.role),
    )
