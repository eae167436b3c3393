"""The files of a brand-new course: course.yaml, a README and one example unit and lesson."""

from __future__ import annotations

import re

from .errors import CourseFileError, Problem
from .frontmatter import compose_lesson
from .lesson import is_grade_band
from .paths import COURSE_FILE, lesson_path, unit_path
from .standards import normalize_standard
from .yamlio import dump_yaml

EXAMPLE_UNIT = "getting-started"
EXAMPLE_LESSON = "first-lesson"


def _example_standard(subject: str, grade_band: str) -> str:
    """Return a standard every course of this kind can use: a math practice or engineering."""
    if "math" in subject.lower():
        return normalize_standard("MP1").code
    band = grade_band.strip().upper()
    first = re.match(r"(?:GRADES?\s*)?(K|\d+)", band)
    low = 0 if first is None or first.group(1) == "K" else int(first.group(1))
    if band in ("HS", "HIGH SCHOOL") or (first and low >= 9):
        return "HS-ETS1-2"
    if band in ("MS", "MIDDLE SCHOOL") or (first and low >= 6):
        return "MS-ETS1-1"
    if band in ("ES", "ELEMENTARY") or (first and low >= 3):
        return "3-5-ETS1-1"
    return "K-2-ETS1-1"


def _readme(title: str, description: str, license: str) -> str:
    about = f"{description.strip()}\n\n" if description.strip() else ""
    return f"""# {title}

{about}This is a shared course written by a network of teachers. Every lesson is a Markdown file;
every change is saved with the name of the teacher who made it, so the history of each lesson
shows how it grew.

## How the course is organized

- `course.yaml` names the course and lists its units and lessons **in teaching order**. To
  reorder lessons, change the order there; files never need renaming.
- `units/<unit>/unit.md` introduces a unit.
- `units/<unit>/lessons/<lesson>.md` is one lesson. Images it uses go in
  `units/<unit>/lessons/images/`, and every image needs alt text: `![what it shows](images/x.png)`.

A lesson starts with a front matter block between `---` lines:

```yaml
title: Energy transfer        # required
duration: 50                  # minutes
grade_band: "9-12"
standards: [HS-PS3-1, MP4]    # NGSS or Common Core math codes
objectives: [Explain how heat flows between objects]
materials: [Two cups, Thermometers]
```

The body is Markdown, with tables, task lists (`- [ ]`), footnotes (`[^1]`) and three kinds of
sections:

```markdown
::: objectives
What students will be able to do.
:::

::: anticipated-responses
What students are likely to say or do, and how to respond.
:::

::: teacher-notes
Notes for the teacher; shown apart from the lesson itself.
:::
```

Lessons never contain student names or student work: use labels such as "Student A".

## Editing

Most teachers edit lessons in the browser. If you prefer your own tools, clone the course with
the address shown on the course page, edit, commit and push:

```sh
git clone <address from the course page>
cd <course>
# edit units/.../lessons/....md
git commit -am "Revise the launch of the energy lesson"
git push
```

If someone changed the same lesson meanwhile, `git pull` first; changes to different lines
merge on their own.

## License

{license}
"""


def _unit_file() -> str:
    front_matter = {
        "title": "Getting started",
        "summary": "A first unit that shows how units and lessons are written.",
    }
    body = """# Getting started

This unit holds one example lesson. Rename it, rewrite it, or delete it once your own units are
in place. A unit page introduces the big ideas of the unit and how its lessons build on each
other.
"""
    return compose_lesson(front_matter, body)


def _lesson_file(subject: str, grade_band: str) -> str:
    front_matter = {
        "title": "Your first lesson",
        "duration": 50,
        "grade_band": grade_band,
        "standards": [_example_standard(subject, grade_band)],
        "objectives": [
            "Describe a question the class wants to investigate",
            "Plan a fair test in small groups",
        ],
        "materials": ["Chart paper", "Markers", "Timer"],
    }
    body = """# Your first lesson

::: objectives
Students will be able to:

- describe a question the class wants to investigate;
- plan a fair test in small groups.
:::

## Launch (10 minutes)

Show a short phenomenon and ask students what they notice and wonder. Record their questions
on chart paper.

## Explore (25 minutes)

| Group | Question | What they measure |
|-------|----------|-------------------|
| A     | Does size matter? | Time |
| B     | Does shape matter? | Distance |

::: anticipated-responses
- "It depends on how hard you push": ask how the group could keep the push the same.
- Groups change two things at once: ask which change caused the result.
:::

## Summarize (15 minutes)

- [ ] Each group shares one finding
- [ ] Collect exit tickets
- [ ] Note questions to open the next lesson

::: teacher-notes
During lesson study, observers watch what students say and do, not the teacher. Use labels
such as "Student A" in notes; never student names.[^1]
:::

[^1]: Observation notes live in the workspace's lesson-study records, not in the lesson.
"""
    return compose_lesson(front_matter, body)


def new_course_files(
    title: str,
    subject: str,
    grade_band: str,
    license: str = "CC-BY-4.0",
    description: str = "",
) -> dict[str, bytes]:
    """Return the files of a new course by path; the same arguments give the same bytes."""
    problems = []
    if not title or not title.strip():
        problems.append(Problem("title", "The course needs a title."))
    if not is_grade_band(grade_band):
        problems.append(
            Problem("grade_band", f"\u201c{grade_band}\u201d is not a grade band like 9-12 or K-2.")
        )
    if problems:
        summary = " ".join(problem.message for problem in problems)
        raise CourseFileError(summary, problems=problems)
    course: dict[str, object] = {"title": title.strip(), "subject": subject.strip()}
    course |= {"grade_band": grade_band.strip(), "license": license.strip()}
    if description.strip():
        course["description"] = description.strip()
    course["units"] = [
        {"slug": EXAMPLE_UNIT, "title": "Getting started", "lessons": [EXAMPLE_LESSON]}
    ]
    files = {
        COURSE_FILE: dump_yaml(course),
        "README.md": _readme(title.strip(), description, license.strip()),
        unit_path(EXAMPLE_UNIT): _unit_file(),
        lesson_path(EXAMPLE_UNIT, EXAMPLE_LESSON): _lesson_file(subject, grade_band.strip()),
    }
    return {path: text.encode("utf-8") for path, text in files.items()}
