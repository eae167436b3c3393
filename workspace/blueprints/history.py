"""The history area (views are added by the work on this area)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("history", __name__)
