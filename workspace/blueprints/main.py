"""The front page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..models import Membership, Network

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """Show the signed-in user's networks, or what the product is to a visitor."""
    networks: list[Network] = []
    if current_user.is_authenticated:
        networks = list(
            db.session.scalars(
                db.select(Network)
                .join(Membership)
                .filter(Membership.user_id == current_user.id)
                .order_by(Network.name)
            )
        )
    return render_template("main/index.html", networks=networks)
