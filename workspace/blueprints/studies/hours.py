"""Professional-development hours: each member's own (a printable record and CSV), and a
network's for its leaders."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...access import Access
from ...models import User
from ...runtime import ctx
from ...services import partners, studies
from .._guards import require_network

bp = Blueprint("hours", __name__)


def _csv(text: str, name: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _agreements(networks: list[int]) -> list[str]:
    """Return the PD-credit agreements of these networks' districts, one line each."""
    lines = []
    for a in partners.agreements_in(ctx(), networks):
        cap = f"up to {a.hours_cap} hours per teacher" if a.hours_cap else "no hours cap"
        contact = f"; contact: {a.contact}" if a.contact else ""
        lines.append(f"{a.partner.name} ({a.partner.network.name}): {a.activities}; {cap}{contact}")
    return lines


def _mine(user: User) -> list[int]:
    return [m.network_id for m in user.memberships]


@bp.get("/settings/hours")
@login_required
def my_hours() -> ResponseReturnValue:
    """Your professional-development hours from lesson study, printable for a district."""
    rows = studies.hours_of(ctx(), current_user)
    return render_template(
        "studies/hours.html",
        rows=rows,
        total=studies.total_minutes(rows),
        who=current_user,
        network=None,
        agreements=_agreements(_mine(current_user)),
    )


@bp.get("/settings/hours.csv")
@login_required
def my_hours_csv() -> ResponseReturnValue:
    """Your hours as CSV."""
    rows = studies.hours_of(ctx(), current_user)
    agreements = _agreements(_mine(current_user))
    return _csv(studies.hours_csv(rows, agreements), f"pd-hours-{current_user.username}.csv")


@bp.get("/n/<net>/hours")
@login_required
def network_hours(net: str) -> ResponseReturnValue:
    """Every member's hours in the network's cycles (leaders)."""
    network, _access = require_network(net, Access.MANAGE)
    rows = studies.network_hours(ctx(), network)
    return render_template(
        "studies/hours.html",
        rows=rows,
        total=studies.total_minutes(rows),
        who=None,
        network=network,
        agreements=_agreements([network.id]),
    )


@bp.get("/n/<net>/hours.csv")
@login_required
def network_hours_csv(net: str) -> ResponseReturnValue:
    """The network's hours as CSV (leaders)."""
    network, _access = require_network(net, Access.MANAGE)
    rows = studies.network_hours(ctx(), network)
    agreements = _agreements([network.id])
    return _csv(studies.hours_csv(rows, agreements), f"pd-hours-{network.slug}.csv")
