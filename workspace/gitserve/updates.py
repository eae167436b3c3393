"""The ref updates of a push, as git gives them to the hooks: "<old> <new> <ref>" lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ZERO_SHA = "0" * 40
MAIN_REF = "refs/heads/main"


@dataclass(frozen=True)
class RefUpdate:
    """One line of a push: the ref and its old and new commit ids (zeros mean none)."""

    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return self.new == ZERO_SHA

    @property
    def creates(self) -> bool:
        return self.old == ZERO_SHA


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    """Return the ref updates in the "<old> <new> <ref>" lines git gives a hook."""
    updates = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates
