"""The network's partnerships at a glance, and what leaders record with districts (PD-credit
agreements) and funders (grants and their report dates)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from ...access import Access
from ...extensions import db
from ...runtime import ctx
from ...services import partners
from ...services.partners import PartnerError
from .._guards import require_network, require_partner
from ._shared import bp, form_text


@bp.get("/partners/partnerships")
@login_required
def partnerships(net: str) -> ResponseReturnValue:
    """The network's partners by kind, PD-credit agreements and grants (amounts for leaders)."""
    network, access = require_network(net, Access.COMMENT)
    return render_template(
        "partners/partnerships.html",
        network=network,
        access=access,
        overview=partners.partnerships(ctx(), network, access),
        reports=partners.upcoming_reports(ctx(), network, date.today(), days=366, limit=20)
        if access & Access.MANAGE
        else [],
    )


def _date(name: str, label: str) -> date:
    try:
        return date.fromisoformat(form_text(name).strip())
    except ValueError:
        raise PartnerError(f"Give the {label} as a date, such as 2027-06-30.", field=name) from None


def _back(net: str, partner_id: int, exc: PartnerError | None, done: str) -> ResponseReturnValue:
    if exc is not None:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("partners.partner", net=net, partner_id=partner_id, _anchor="funding"))


@bp.post("/partners/<int:partner_id>/agreements")
@login_required
def add_agreement(net: str, partner_id: int) -> ResponseReturnValue:
    """Record a district's PD-credit agreement (leaders)."""
    _network, partner, access = require_partner(net, partner_id, Access.MANAGE)
    cap = form_text("hours_cap").strip()
    try:
        if cap and not cap.isdigit():
            raise PartnerError("Give the hours cap as a whole number of hours.", field="hours_cap")
        partners.add_agreement(
            ctx(),
            partner,
            access,
            form_text("activities"),
            int(cap) if cap else None,
            form_text("contact"),
        )
    except PartnerError as exc:
        return _back(net, partner_id, exc, "")
    return _back(net, partner_id, None, "The agreement is recorded.")


@bp.post("/partners/<int:partner_id>/grants")
@login_required
def add_grant(net: str, partner_id: int) -> ResponseReturnValue:
    """Record a funder's grant with its report due dates (leaders)."""
    _network, partner, access = require_partner(net, partner_id, Access.MANAGE)
    try:
        reports = [
            date.fromisoformat(day.strip())
            for day in request.form.get("reports", "").replace(",", " ").split()
        ]
    except ValueError:
        return _back(
            net,
            partner_id,
            PartnerError("Give report due dates as dates, such as 2027-01-15.", field="reports"),
            "",
        )
    try:
        partners.add_grant(
            ctx(),
            partner,
            access,
            form_text("purpose"),
            form_text("amount"),
            _date("starts_on", "start"),
            _date("ends_on", "end"),
            reports,
        )
    except PartnerError as exc:
        return _back(net, partner_id, exc, "")
    return _back(net, partner_id, None, "The grant is recorded.")
