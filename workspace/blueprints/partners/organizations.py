"""Partner organizations: the directory, adding or proposing one, its page, profile, logo and
people, and a leader's approval."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...access import Access
from ...extensions import db
from ...models import Network, Partner
from ...runtime import ctx
from ...services import partners
from ...services.partners import KINDS, LOGO_TYPES, PartnerError, PartnerFields
from .._guards import require_network, require_partner
from ._shared import again, bp, form_text, fresh_index


def partner_url(network: Network, partner: Partner, **extra: object) -> str:
    return url_for("partners.partner", net=network.slug, partner_id=partner.id, **extra)


@bp.get("/partners/")
def directory(net: str) -> ResponseReturnValue:
    """The network's partner organizations, searchable, filtered by kind."""
    network, access = require_network(net)
    q, kind = request.args.get("q", "").strip()[:100], request.args.get("kind", "")
    context = ctx()
    return render_template(
        "partners/directory.html",
        network=network,
        access=access,
        entries=partners.directory(context, network, access, q, kind),
        waiting=partners.waiting_resources(context, network, access)
        if access & Access.CURATE
        else [],
        q=q,
        kind=kind if kind in KINDS else "",
    )


def _fields() -> PartnerFields:
    return PartnerFields(
        name=form_text("name"),
        kind=form_text("kind"),
        website=form_text("website"),
        description=form_text("description"),
        contact_name=form_text("contact_name"),
        contact_email=form_text("contact_email"),
    )


@bp.route("/partners/new", methods=["GET", "POST"])
@login_required
def new_partner(net: str) -> ResponseReturnValue:
    """Add a partner organization (leaders), or propose one for a leader to approve
    (partner members)."""
    network, access = require_network(net, Access.CURATE)
    page = {"network": network, "access": access, "partner": None}
    if request.method == "GET":
        return render_template("partners/edit_partner.html", posted={}, error=None, **page)
    try:
        partner = partners.add_partner(ctx(), network, access, _fields())
    except PartnerError as exc:
        return again("partners/edit_partner.html", exc, **page)
    db.session.commit()
    if partner.is_approved:
        flash(f"{partner.name} is now a partner of {network.name}.", "success")
    else:
        flash(
            f"{partner.name} is proposed. A leader of the network will approve it; meanwhile "
            "you can prepare its profile and resources.",
            "success",
        )
    return redirect(partner_url(network, partner))


@bp.get("/partners/<int:partner_id>")
def partner(net: str, partner_id: int) -> ResponseReturnValue:
    """An organization's page: its profile, its resources and the lessons that use them."""
    network, found, access = require_partner(net, partner_id)
    context = ctx()
    fresh_index(network)
    agreements, grants = partners.partner_funding(context, found, access)
    return render_template(
        "partners/partner.html",
        network=network,
        partner=found,
        access=access,
        resources=partners.partner_resources(context, found, access),
        lessons=partners.partner_lessons(context, found),
        requests=partners.partner_requests(context, found) if access & Access.CURATE else [],
        agreements=agreements,
        grants=grants,
    )


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@login_required
def edit_partner(net: str, partner_id: int) -> ResponseReturnValue:
    """Change an organization's profile (its people and the leaders)."""
    network, found, access = require_partner(net, partner_id, Access.CURATE)
    page = {"network": network, "access": access, "partner": found}
    if request.method == "GET":
        posted = {
            name: getattr(found, name)
            for name in ("name", "kind", "website", "description", "contact_name", "contact_email")
        }
        return render_template("partners/edit_partner.html", posted=posted, error=None, **page)
    try:
        partners.update_partner(ctx(), found, access, _fields())
    except PartnerError as exc:
        return again("partners/edit_partner.html", exc, **page)
    db.session.commit()
    flash("The profile is saved.", "success")
    return redirect(partner_url(network, found))


@bp.post("/partners/<int:partner_id>/logo")
@login_required
def upload_logo(net: str, partner_id: int) -> ResponseReturnValue:
    """Upload the organization's logo: a PNG, JPEG, GIF or WebP image with alt text."""
    network, found, access = require_partner(net, partner_id, Access.CURATE)
    upload = request.files.get("logo")
    data = upload.read() if upload is not None else b""
    try:
        partners.set_logo(
            ctx(), found, access, upload.filename or "" if upload else "", data, form_text("alt")
        )
    except PartnerError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("partners.edit_partner", net=network.slug, partner_id=found.id))
    db.session.commit()
    flash("The logo is saved.", "success")
    return redirect(partner_url(network, found))


@bp.get("/partners/<int:partner_id>/logo")
def logo(net: str, partner_id: int) -> ResponseReturnValue:
    """Send the organization's logo (404 when it has none)."""
    _network, found, _access = require_partner(net, partner_id)
    if found.logo_kind not in LOGO_TYPES or found.logo is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.logo),
        mimetype=LOGO_TYPES[found.logo_kind],
        etag=f"logo-{found.id}-{found.logo_version}",
        conditional=True,
        max_age=None,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/partners/<int:partner_id>/approve")
@login_required
def approve_partner(net: str, partner_id: int) -> ResponseReturnValue:
    """Approve a proposed organization (leaders)."""
    network, found, access = require_partner(net, partner_id, Access.MANAGE)
    partners.approve_partner(ctx(), found, access)
    db.session.commit()
    flash(f"{found.name} is now a partner of {network.name}.", "success")
    return redirect(partner_url(network, found))


@bp.post("/partners/<int:partner_id>/people")
@login_required
def add_person(net: str, partner_id: int) -> ResponseReturnValue:
    """Make a member of the network one of the organization's people (leaders)."""
    network, found, access = require_partner(net, partner_id, Access.MANAGE)
    try:
        link = partners.add_person(ctx(), found, access, form_text("user"))
    except PartnerError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(partner_url(network, found))
    db.session.commit()
    name = link.user.display_name or link.user.username
    flash(f"{name} now speaks for {found.name}.", "success")
    return redirect(partner_url(network, found))


def my_organizations(network: Network) -> list[Partner]:
    """Return the signed-in person's organizations in the network."""
    if not current_user.is_authenticated:
        return []
    return partners.partners_of(ctx(), current_user, network)
