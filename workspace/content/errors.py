"""Errors and problem reports shared by the lesson content format."""

from __future__ import annotations

from dataclasses import dataclass


class ContentError(Exception):
    """A problem with course content that the author can fix; `message` is shown to them."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


class FrontMatterError(ContentError):
    """The front matter block of a Markdown file cannot be read."""


class InvalidStandard(ContentError):
    """A standards code is not a valid NGSS or Common Core math code."""

    def __init__(self, code: str, reason: str, framework: str | None = None) -> None:
        shown = code.strip() or code
        what = f"a valid {framework} code" if framework else "a valid NGSS or Common Core math code"
        super().__init__(f"\u201c{shown}\u201d is not {what}: {reason}")
        self.code = code
        self.reason = reason
        self.framework = framework


class CourseFileError(ContentError):
    """course.yaml (or the data meant for it) cannot be read or is not well formed."""

    def __init__(
        self, message: str, *, line: int | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message, line=line)
        self.problems = problems or []


class CourseEditError(ContentError):
    """A requested change to course.yaml does not fit the course as it is."""


class InvalidSlug(ContentError):
    """A unit or lesson name cannot be used in a path or URL."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, in words a teacher can act on."""

    field: str
    message: str
    line: int | None = None
