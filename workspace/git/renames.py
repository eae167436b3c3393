"""Where a file went: the name a file has at a later revision after being renamed or moved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .commits import parse_name_status
from .objects import MODE_EXEC, MODE_FILE
from .paths import check_read_path

if TYPE_CHECKING:
    from .repo import CourseRepo


def renamed_to(repo: CourseRepo, path: str, base: str, head: str) -> str | None:
    """Return the name file `path` (present at `base`) has at `head`, None if it was not renamed.

    None also when the file is still at `path` at `head` or was deleted. Renames are found
    the way `git diff-tree -M` finds them: by content, between the two trees directly, so a
    file renamed twice (or moved to another unit) is followed to its latest name, and edits
    made along with the rename are allowed as long as most of the text stayed.
    """
    name = check_read_path(path)
    old, new = repo.resolve(base), repo.resolve(head)
    reader = repo.reader
    before = reader.lookup(reader.commit_tree(old), name)
    if old == new or before is None or before[0] not in (MODE_FILE, MODE_EXEC):
        return None
    after_tree = reader.commit_tree(new)
    if reader.lookup(after_tree, name) is not None:
        return None
    # A path limit would hide the new name from rename detection, so the whole trees are
    # compared; --diff-filter keeps the output to renames. Both ids are resolved commits.
    out = repo.git(["diff-tree", "-r", "-z", "-M", "--diff-filter=R", "--name-status", old, new])
    for change in parse_name_status(out):
        if change.status == "R" and change.old_path == name:
            found = reader.lookup(after_tree, change.path)
            if found is not None and found[0] in (MODE_FILE, MODE_EXEC):
                return change.path
    return None
