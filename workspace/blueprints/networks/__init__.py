"""The networks area's pages: the directory, a network's home, members, invitations, settings."""

from . import members, views  # noqa: F401  (their views register on `bp`)
from ._shared import bp

__all__ = ["bp"]
