"""Networks: the directory, creating a network, its home page, settings and join requests.

Membership views (members page, roles, invitations, leaving) are in network_members.py and
attach to the same blueprint. Every view first asks access.require_network, which answers
404 for private networks the user may not see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ...access import Access, permissions, readable_networks
from ...extensions import db
from ...forms.networks import NO_PARENT, JoinRequestForm, NetworkSettingsForm, NewNetworkForm
from ...models import Activity, JoinRequest, Network, NetworkKind, Role, User
from ...runtime import ctx
from ...services import networks as service
from ...services import partners
from ...services.networks import NetworkError
from .._guards import require_network
from ._shared import bp, require_manager, show_error, sign_in_first, signed_in_user

PER_PAGE = 20
FEED_LENGTH = 20
PEOPLE_SHOWN = 12  # per role on a network's home page


@bp.context_processor
def network_helpers() -> dict[str, Any]:
    """Give this area's templates `Role` and `can_read(network)` (to link a parent network)."""

    def can_read(network: Network) -> bool:
        return bool(permissions(signed_in_user(), network) & Access.READ)

    return {"can_read": can_read, "Role": Role}


@bp.get("/networks/")
def directory() -> str:
    """Show the networks the user can see, searchable by name and filtered by kind."""
    q = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    query = select(Network).filter(readable_networks(signed_in_user()))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.filter(Network.name.ilike(pattern, escape="\\"))
    if kind in {k.value for k in NetworkKind}:
        query = query.filter(Network.kind == kind)
    page = db.paginate(
        query.order_by(Network.name, Network.id),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "networks/directory.html", page=page, q=q, kind=kind, kinds=list(NetworkKind)
    )


def _parent_choices(user: User, network: Network | None = None) -> list[tuple[int, str]]:
    """Return the (id, name) parents `user` may choose, keeping the network's current parent."""
    found = service.eligible_parents(db.session, user, network)
    if network is not None and network.parent is not None and network.parent not in found:
        found.insert(0, network.parent)
    return [(n.id, n.name) for n in found]


def _chosen_parent(form: NetworkSettingsForm) -> Network | None:
    return db.session.get(Network, form.parent_id.data) if form.parent_id.data else None


@bp.route("/networks/new", methods=["GET", "POST"])
def new() -> str | Response:
    """Create a network around a purpose; the creator becomes its first leader."""
    user = signed_in_user()
    if user is None:
        return sign_in_first("Please sign in to start a network.")
    form = NewNetworkForm()
    form.set_parents(_parent_choices(user))
    if form.validate_on_submit():
        try:
            network = service.create_network(
                db.session,
                user,
                name=form.name.data,
                slug=form.slug.data,
                purpose=form.purpose.data,
                kind=form.kind.data,
                visibility=form.visibility.data,
                parent=_chosen_parent(form),
            )
            db.session.commit()
        except NetworkError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(f"{network.name} is ready. Invite people to build it with you.", "success")
            return redirect(url_for("networks.home", net=network.slug))
    return render_template("networks/new.html", form=form)


@bp.get("/n/<net>/")
def home(net: str) -> str:
    """Show the network: purpose, leadership team, members, sub-networks, courses, activity."""
    network, access = require_network(net)
    user = signed_in_user()
    counts = service.role_counts(db.session, network)
    # The whole leadership team is shown; other roles show the first few and a count.
    by_role = {
        role: service.members_with_role(
            db.session, network, role, None if role == Role.LEADER else PEOPLE_SHOWN
        )
        for role in Role
    }
    children = db.session.scalars(
        select(Network)
        .filter(Network.parent_id == network.id, readable_networks(user))
        .order_by(Network.name, Network.id)
    )
    feed = db.session.scalars(
        select(Activity)
        .filter_by(network_id=network.id)
        .options(selectinload(Activity.actor))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(FEED_LENGTH)
    )
    upward = service.shared_upward(db.session, network, user)
    downward = service.shared_downward(db.session, network, user)
    mine = service.membership(db.session, network, user) if user is not None else None
    my_request = None
    if user is not None and mine is None:
        my_request = db.session.scalar(
            select(JoinRequest).filter_by(network_id=network.id, user_id=user.id, status="pending")
        )
    manage = bool(access & Access.MANAGE)
    reports = partners.upcoming_reports(ctx(), network, date.today()) if manage else []
    return render_template(
        "networks/home.html",
        network=network,
        access=access,
        by_role=by_role,
        role_counts=counts,
        member_count=sum(counts.values()),
        children=list(children),
        upward=upward,
        downward=downward,
        feed=list(feed),
        mine=mine,
        my_request=my_request,
        waiting=service.pending_request_count(db.session, network) if manage else 0,
        reports=reports,
    )


@bp.route("/n/<net>/settings", methods=["GET", "POST"])
def settings(net: str) -> str | Response:
    """Change the network's name, purpose, kind, visibility and parent (leaders)."""
    network, user, access = require_manager(net)
    form = NetworkSettingsForm(obj=network)
    form.set_parents(_parent_choices(user, network))
    if form.validate_on_submit():
        try:
            service.update_network(
                db.session,
                network,
                user,
                name=form.name.data,
                purpose=form.purpose.data,
                kind=form.kind.data,
                visibility=form.visibility.data,
                parent=_chosen_parent(form),
            )
            db.session.commit()
        except NetworkError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("networks.settings", net=network.slug))
    if request.method == "GET" and network.parent_id is None:
        form.parent_id.data = NO_PARENT
    return render_template("networks/settings.html", network=network, access=access, form=form)


@bp.route("/n/<net>/join", methods=["GET", "POST"])
def join(net: str) -> str | Response:
    """Ask to join a public network; its leaders approve or decline."""
    network, access = require_network(net)
    user = signed_in_user()
    if user is None:
        return sign_in_first("Please sign in to ask to join this network.")
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            service.request_to_join(db.session, network, user, form.message.data or "")
            db.session.commit()
        except NetworkError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash("Your request was sent. The network's leaders will decide soon.", "success")
        return redirect(url_for("networks.home", net=network.slug))
    return render_template("networks/join.html", network=network, access=access, form=form)
