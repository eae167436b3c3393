"""The networks area (views are added by the work on this area)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("networks", __name__)
