"""The demo network, people and course that `workspace seed-demo` adds."""

from __future__ import annotations

from ._demo import (
    COURSE,
    DEMO_PASSWORD,
    LESSONS,
    NETWORK,
    PEOPLE,
    REGIONAL,
    seed_demo,
)

__all__ = [
    "COURSE",
    "DEMO_PASSWORD",
    "LESSONS",
    "NETWORK",
    "PEOPLE",
    "REGIONAL",
    "seed_demo",
]
