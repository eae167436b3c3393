"""The partners' pages: the directory of a network's partner organizations, an organization's
page and profile, its resources (proposed, approved, retired), linking a resource to a lesson
from either page, requests for visits, speakers and loans, and the network's partnerships
(district PD-credit agreements, funders' grants). Every action is a plain form."""

from __future__ import annotations

from . import funding, lessons, organizations, resources  # noqa: F401  (their views register)
from ._shared import bp

__all__ = ["bp"]
