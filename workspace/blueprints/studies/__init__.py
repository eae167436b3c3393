"""The lesson-study pages: cycles, their team and phases, teachings and observations."""

from __future__ import annotations

from .views import bp

__all__ = ["bp"]
