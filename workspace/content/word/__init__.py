"""Word documents (.docx) both ways, through pandoc (bundled with pypandoc-binary).

`docx_to_markdown` reads a Word file into a lesson (title, Markdown body in the lesson dialect,
its images and the problems a teacher should know about); `markdown_to_docx` writes a lesson
file as a Word document, `unit_to_docx` a unit with its lessons, `course_to_docx` every lesson
and unit of a course. Like the rest of workspace.content this knows nothing of the app:
callers hand in text and bytes.
"""

from ._documents import (
    SOLUTIONS,
    VERSIONS,
    UnitSource,
    course_to_docx,
    markdown_to_docx,
    unit_to_docx,
)
from ._lessons import LessonSource
from ._pandoc import PANDOC_TIMEOUT, WordExportFailed
from ._reading import MAX_DOCX_BYTES, NotAWordFile, WordDocument, docx_to_markdown

__all__ = [
    "MAX_DOCX_BYTES",
    "PANDOC_TIMEOUT",
    "SOLUTIONS",
    "VERSIONS",
    "LessonSource",
    "NotAWordFile",
    "UnitSource",
    "WordDocument",
    "WordExportFailed",
    "course_to_docx",
    "docx_to_markdown",
    "markdown_to_docx",
    "unit_to_docx",
]
