"""What the partners' views share: the blueprint, and turning a refused request into the
same page again, saying why, with what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Network, PartnerKind, ResourceKind
from ...runtime import ctx
from ...services import partners
from ...services.partners import PartnerError

bp = Blueprint("partners", __name__, url_prefix="/n/<net>")


@bp.context_processor
def partner_helpers() -> dict[str, Any]:
    """Give this area's templates the kinds of organizations and resources."""
    return {
        "partner_kinds": list(PartnerKind),
        "partner_kind_choices": [(k.value, k.label) for k in PartnerKind],
        "resource_kind_choices": [(k.value, k.label) for k in ResourceKind],
    }


def form_text(name: str) -> str:
    """Return a posted text field ('' when missing)."""
    return request.form.get(name, "")


def again(template: str, exc: PartnerError, **context: Any) -> tuple[str, int]:
    """Return the form page again with the problem and what was typed; 404 stays 404."""
    db.session.rollback()
    if exc.status == 404:
        abort(404)
    status = exc.status if exc.status in (403, 409, 413) else 422
    return render_template(template, error=exc, posted=request.form, **context), status


def fresh_index(network: Network) -> None:
    """Return nothing, once the index of lessons linking resources is at every course's
    newest version (normally already so: it follows every change of a course)."""
    try:
        partners.index_network(ctx(), network)
        db.session.commit()
    except IntegrityError:  # another request indexed the same change at the same moment
        db.session.rollback()
