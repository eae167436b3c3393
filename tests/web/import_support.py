"""Lessons to import, built here: a Carpentries-style lesson in both of its formats (every
box kind, nested, with attribute alt text), a folder of Markdown, and hostile archives."""

from __future__ import annotations

import io
import stat
import zipfile
from typing import Any

import docx
from docx.shared import Inches
from testdata import png

IMPORTS = "/api/v1/n/school/physics/imports"
PAGE = "/n/school/physics/import"

CONFIG = """title: "Measuring Motion"
carpentry: "incubator"
episodes:
- introduction.md
- speed.md
"""

INTRODUCTION = """---
title: "Why measure motion?"
teaching: 10
exercises: 5
---

:::::::::::::::::::::::::::::::::::::: questions

- How do we describe how fast something moves?

::::::::::::::::::::::::::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::: objectives

- Time a rolling ball over a metre.

::::::::::::::::::::::::::::::::::::::::::::::::

## Rolling balls

![](fig/ramp.png){alt='A ball on a wooden ramp beside a metre stick'}

::::::::::::::::::::::::::::::::::::: challenge

## Time it

How long does the ball take over one metre?

:::::::::::::::::::::::: hint

Start the stopwatch when the ball passes the first mark.

::::::::::::::::::::::::

:::::::::::::::::::::::: solution

About two seconds on a gentle ramp.

::::::::::::::::::::::::

:::::::::::::::::::::::::::::::::::::::::::::::

::: callout
Rulers are not metre sticks.
:::

::: discussion
Why do groups get different times?
:::

::: checklist
- stopwatch
:::

::: prereq
Students can read a stopwatch.
:::

::: testimonial
My class loved racing the balls.
:::

::: spoiler
The ramp's angle matters most.
:::

::: instructor
Set the ramps up before class; ANSWER-FOR-TEACHERS-ONLY.
:::

::: safety-briefing
Keep the floor clear.
:::

:::::::::::::::::::::::::::::::::::::: keypoints

- Speed is distance over time.

::::::::::::::::::::::::::::::::::::::::::::::::
"""

SPEED = """---
title: "Speed from a graph"
teaching: 15
exercises: 10
---

Plot distance against time.

![Distance-time graph of the ball](fig/graph.png)

![](fig/arrows.svg){alt='Arrows showing the direction of motion'}
"""

OLD_EPISODE = """---
title: "Timing a pendulum"
teaching: 10
exercises: 10
questions:
- "What sets a pendulum's period?"
objectives:
- "Measure a period."
keypoints:
- "Length sets the period."
---

Swing the pendulum.

> ## Count the swings
> Count ten swings and divide.
>
> > ## Solution
> > ~~~
> > period = time / 10
> > ~~~
> > {: .language-python}
> {: .solution}
{: .challenge}

![A pendulum]({{ page.root }}/fig/pendulum.png)

{% include links.md %}
"""


def zip_of(files: dict[str, bytes | str], links: dict[str, str] | None = None) -> bytes:
    """Return a .zip holding `files` (and symbolic links `links`: name -> target)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def workbench_zip() -> bytes:
    """Return a Carpentries Workbench lesson, as GitHub's "Download ZIP" packs it."""
    top = "measuring-motion-main/"
    return zip_of(
        {
            top + "config.yaml": CONFIG,
            top + "README.md": "# Measuring motion\n\nA lesson.\n",
            top + "LICENSE.md": "CC-BY 4.0\n",
            top + "episodes/introduction.md": INTRODUCTION,
            top + "episodes/speed.md": SPEED,
            top + "episodes/fig/ramp.png": png(4),
            top + "episodes/fig/graph.png": png(3),
            top + "episodes/fig/arrows.svg": "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            top + "learners/setup.md": "---\ntitle: Setup\n---\nInstall nothing.\n",
        }
    )


def jekyll_zip() -> bytes:
    """Return a lesson in the Carpentries' older format (_episodes/, kramdown boxes)."""
    return zip_of(
        {
            "pendulum/_config.yml": 'title: "Pendulums"\n',
            "pendulum/_episodes/01-timing.md": OLD_EPISODE,
            "pendulum/fig/pendulum.png": png(2),
        }
    )


def upload(client: Any, *files: tuple[str, bytes], url: str = IMPORTS) -> Any:
    """Return the answer to posting `files` (name, bytes) as the multipart `files` field."""
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    answer = client.post(url, data=data, content_type="multipart/form-data")
    # The test client spools a large body to a temporary file and leaves it to the server,
    # which closes it; a body refused unread (413) is left open otherwise.
    answer.request.environ["wsgi.input"].close()
    return answer


PICTURE = png(16)


def word_file(*, title: str | None = "Forces and motion") -> bytes:
    """Return a Word document as a teacher would make one: Title, Heading 1 and 2, a numbered
    and a bulleted list, a table, bold and italic words, an image with a description and one
    without."""
    document = docx.Document()
    if title:
        document.add_paragraph(title, style="Title")
    document.add_heading("Warm up", level=1)
    paragraph = document.add_paragraph("Push a cart with ")
    paragraph.add_run("bold").bold = True
    paragraph.add_run(" and ")
    paragraph.add_run("italic").italic = True
    paragraph.add_run(" words.")
    document.add_heading("Steps", level=2)
    for step in ("Set up the ramp", "Release the cart", "Measure the distance"):
        document.add_paragraph(step, style="List Number")
    for item in ("tape measure", "stopwatch"):
        document.add_paragraph(item, style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, (mass, distance) in enumerate(
        [("Mass (kg)", "Distance (m)"), ("1", "2.5"), ("2", "1.4")]
    ):
        table.cell(row, 0).text, table.cell(row, 1).text = mass, distance
    shape = document.add_picture(io.BytesIO(PICTURE), width=Inches(1))
    shape._inline.docPr.set("descr", "A red cart at the top of a ramp")
    document.add_picture(io.BytesIO(png(4)), width=Inches(1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
