"""Things that happened to a course, for the parts of the app that must follow along.

`course_changed()` is called after a course's main branch moved by a route other than a save
in the editor (today: an accepted `git push`). The lesson index and open editors hook in here
to refresh; until they do, it only logs. The push itself is recorded in the activity feed by
the code that accepted it.
"""

from __future__ import annotations

import logging

from .models import Course

log = logging.getLogger(__name__)


def course_changed(course: Course, old: str | None, new: str) -> None:
    """Return nothing; note that `course`'s main moved from `old` (None: new branch) to `new`."""
    log.info("Course %s changed: %s -> %s", course.id, old or "(none)", new)
