"""Push rules: what a `git push` may change, the same rules as saves made in the browser.

`check_push()` runs inside the pre-receive hook, where the pushed objects still wait in git's
quarantine directory (see hookgit). This module checks the refs: only main (unless other
branches are enabled), never deleted or force-pushed. `content_rules` checks the files the
new commits bring, with workspace.content.checks, the check every other door uses too.
This module imports neither Flask nor the models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .content_rules import content_problems
from .hookgit import is_ancestor, is_commit
from .updates import MAIN_REF, ZERO_SHA, RefUpdate, parse_updates

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REPORTED = 20  # problems listed in the refusal; the rest are counted

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "MAIN_REF",
    "ZERO_SHA",
    "PushCheck",
    "PushRules",
    "RefUpdate",
    "check_push",
    "parse_updates",
]


@dataclass(frozen=True)
class PushRules:
    """What a push is checked against: PUSH_* limits of the app and who is pushing.

    `may_manage` is True when the pusher may manage the course (a leader): only then may a
    push change course.yaml's settings (title, license, ...), as on the course settings page.
    """

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    allow_other_branches: bool = False
    may_manage: bool = False

    def to_env(self) -> dict[str, str]:
        """Return the variables that carry these rules into the hook's process."""
        return {
            "WORKSPACE_PUSH_MAX_FILE_BYTES": str(self.max_file_bytes),
            "WORKSPACE_PUSH_ALLOW_OTHER_BRANCHES": "1" if self.allow_other_branches else "0",
            "WORKSPACE_PUSH_MAY_MANAGE": "1" if self.may_manage else "0",
        }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PushRules:
        """Return the rules set by to_env(); anything missing gets the default (least) rights."""
        size = env.get("WORKSPACE_PUSH_MAX_FILE_BYTES", "")
        return cls(
            max_file_bytes=int(size) if size.isdigit() else DEFAULT_MAX_FILE_BYTES,
            allow_other_branches=env.get("WORKSPACE_PUSH_ALLOW_OTHER_BRANCHES") == "1",
            may_manage=env.get("WORKSPACE_PUSH_MAY_MANAGE") == "1",
        )


@dataclass
class PushCheck:
    """What check_push() found: `problems` in the words shown to the person pushing."""

    problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """Return the refusal as printed by the hook (git shows each line after "remote:")."""
        shown = self.problems[:MAX_REPORTED]
        lines = ["This push was refused; nothing in the course was changed.", *shown]
        if len(self.problems) > len(shown):
            lines.append(f"...and {len(self.problems) - len(shown)} more problems.")
        return "\n".join(lines) + "\n"


def check_push(git_dir: Path, updates: list[RefUpdate], rules: PushRules) -> PushCheck:
    """Return what is wrong with these ref updates (an empty list accepts the push)."""
    result = PushCheck()
    kept = []
    for update in updates:
        problem = _ref_problem(git_dir, update, rules)
        if problem is not None:
            result.problems.append(problem)
        elif not update.deletes:
            kept.append(update)
    if kept and result.accepted:
        result.problems.extend(
            content_problems(
                git_dir,
                kept,
                max_file_bytes=rules.max_file_bytes,
                may_manage=rules.may_manage,
            )
        )
    return result


def _ref_problem(git_dir: Path, update: RefUpdate, rules: PushRules) -> str | None:
    """Return why this ref may not be updated this way, or None."""
    if not update.deletes and not is_commit(git_dir, update.new):
        # rev-list would quietly list nothing for a tree or a file, so nothing would be checked.
        return f"{update.ref} can only point to a commit, not to a folder or a file."
    if update.ref == MAIN_REF:
        if update.deletes:
            return "Deleting main is not allowed: it is the course everyone teaches from."
        if not update.creates and not is_ancestor(git_dir, update.old, update.new):
            return (
                "Force pushes to main are not allowed: they would drop other teachers' "
                "changes. Pull (git pull --rebase), then push again."
            )
        return None
    if not rules.allow_other_branches:
        return (
            f"Only main can be pushed to this course, not {update.ref}. "
            "Push your commits to main: git push origin HEAD:main"
        )
    if not update.ref.startswith(("refs/heads/", "refs/tags/")):
        return f"{update.ref} cannot be pushed: only branches and tags are kept."
    if not update.creates and not update.deletes and update.ref.startswith("refs/heads/"):
        if not is_ancestor(git_dir, update.old, update.new):
            return f"Force pushes are not allowed ({update.ref}). Pull, then push again."
    return None
