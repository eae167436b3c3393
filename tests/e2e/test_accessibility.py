"""The everyday pages pass axe-core's accessibility checks on a desktop and on a phone.

One network, course and history are built once for the module (two teachers' saves, a real
conflict left open on Ben's conflict screen); each page is then checked at each viewport as
its own test, in browser contexts that stay signed in. axe-core comes from npm (`npm ci`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import sign_in
from import_support import workbench_zip
from playwright.sync_api import expect
from testdata import FAST_HASH, TEST_PASSWORD, png

from workspace.access import Access
from workspace.extensions import db
from workspace.git import Write
from workspace.models import Membership, Network, Role, User
from workspace.runtime import ctx, repo_store, settings
from workspace.services import adapting, exchange, partners, studies, threads
from workspace.services.context import LessonRef
from workspace.services.courses import CourseFields, create_course
from workspace.services.editing import save_lesson

pytestmark = pytest.mark.e2e

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")

COURSE = "/n/lab/physics"
EDIT = f"{COURSE}/edit/motion/ramps"
COURSE_YAML = """title: Physics
units:
  - slug: motion
    title: Motion
    lessons:
      - ramps
      - pendulums
"""
UNIT_MD = "---\ntitle: Motion\nsummary: How things move, measured.\n---\n\nRamps and swings.\n"
RAMPS = """---
title: Rolling down ramps
duration: 50
grade_band: 9-12
objectives:
  - Describe motion with distance and time
  - Compare speeds on two slopes
---

# Launch

Students roll a ball down a ramp and describe its motion.

![A wooden ramp with a ball at the top](images/ramp.png)

# Explore

Groups time the ball over one metre with a stopwatch.

| Slope | Time (s) |
|---|---|
| gentle | 2.4 |
| steep | 1.1 |

::: teacher-notes
Check the ramps are stable before the groups start.
:::
"""
PENDULUMS = """---
title: Swinging pendulums
duration: 45
objectives:
  - Relate a pendulum's length to its period
---

# Launch

Each group times ten swings of a pendulum.
"""


# A lesson in the Carpentries format, as teachers bring them: every kind of box, folded
# solutions, Pandoc attributes.
CARPENTRIES = """---
title: Navigating files
teaching: 30
exercises: 10
---

:::: questions
- How do I move around?
::::

![](images/ramp.png){alt='A ramp drawn in chalk'}

::::: challenge
## Explore `ls`

What does `ls -l` do?

:::: solution
A long listing.
::::

:::: hint
Try `ls --help`.
::::
:::::

::: callout
Paths differ between systems.
:::

::: instructor
Learners confuse root and home.
:::

::: keypoints
- The file system holds files and folders.
:::
"""


# page -> (who visits it, its address; {first} and {last} are versions of the course)
PAGES: dict[str, tuple[str, str | None]] = {
    "network-home": ("ana", "/n/lab/"),
    "course-home": ("ana", f"{COURSE}/"),
    "lesson": ("ana", f"{COURSE}/lessons/motion/ramps"),
    "editor": ("ana", EDIT),
    "lesson-history": ("ana", f"{COURSE}/history/motion/ramps"),
    "course-history": ("ana", f"{COURSE}/history"),
    "compare": ("ana", COURSE + "/compare/{first}...{last}"),
    "version": ("ana", COURSE + "/commit/{first}"),
    "conflict": ("ben", None),  # Ben's page stays on it: the screen answers a save
    "sign-in": ("visitor", "/auth/login"),
    "profile": ("ana", "/settings/profile"),
    "thread": ("ana", f"{COURSE}/threads/1"),
    "course-threads": ("ana", f"{COURSE}/threads?show=all"),
    "lesson-lines": ("ana", f"{COURSE}/lessons/motion/ramps/lines?start=2&end=3"),
    "study": ("ana", f"{COURSE}/studies/1"),
    "teaching": ("ana", f"{COURSE}/studies/1/iterations/1"),
    "hours": ("ana", "/settings/hours"),
    "carpentries-lesson": ("ana", f"{COURSE}/lessons/motion/navigating"),
    "import-upload": ("ana", f"{COURSE}/import"),
    "inbox": ("ana", "/inbox"),
    "adapt": ("ana", f"{COURSE}/lessons/motion/ramps/adapt"),
    "original": ("ana", f"{COURSE}/lessons/motion/swinging-pendulums/original"),
    "notification-settings": ("ana", "/settings/notifications"),
    "course-activity": ("ana", f"{COURSE}/activity"),
    "person-activity": ("ana", "/people/ben"),
    "import-preview": ("ana", COURSE + "/import/{import}"),
    "imported-lesson": ("ana", f"{COURSE}/lessons/measuring-motion/why-measure-motion"),
    "partners": ("ana", "/n/lab/partners/"),
    "partner": ("ana", "/n/lab/partners/1"),
    "resource": ("ana", "/n/lab/partners/resources/2"),
    "partnerships": ("ana", "/n/lab/partners/partnerships"),
    "search": ("ana", "/search?q=motion&net=lab&course=physics"),
    "search-visitor": ("visitor", "/search?q=motion"),
    "network-standards": ("ana", "/n/lab/standards"),
}


@dataclass(frozen=True)
class Site:
    """The course's versions, its id, and one signed-in browser page per visitor."""

    versions: dict[str, str]
    course_id: int
    visitors: dict[str, Any]


def add_user(username: str) -> User:
    user = User(
        username=username,
        email=f"{username}@school.example",
        display_name=username.capitalize(),
        affiliation="Lincoln High School",
    )
    user.set_password(TEST_PASSWORD, method=FAST_HASH)
    db.session.add(user)
    return user


def build_course() -> tuple[int, dict[str, str]]:
    """Return the course's id and its first and last versions, after saves by two teachers."""
    ana, ben = add_user("ana"), add_user("ben")
    network = Network(slug="lab", name="Physics Lab", purpose="Better physics labs together.")
    db.session.add(network)
    db.session.add(Membership(network=network, user=ana, role=Role.LEADER.value))
    db.session.add(Membership(network=network, user=ben, role=Role.MEMBER.value))
    db.session.commit()
    fields = CourseFields(title="Physics", slug="physics", subject="Physics", grade_band="9-12")
    course = create_course(ctx(ana), network, fields)
    with repo_store().open(course.id) as repo:
        files = {
            "course.yaml": COURSE_YAML,
            "units/motion/unit.md": UNIT_MD,
            "units/motion/lessons/ramps.md": RAMPS,
            "units/motion/lessons/pendulums.md": PENDULUMS,
        }
        changes = [Write(path, text.encode()) for path, text in files.items()]
        changes.append(Write("units/motion/lessons/images/ramp.png", png(8)))
        changes.append(Write("units/motion/lessons/navigating.md", CARPENTRIES.encode()))
        added = repo.commit(changes, settings().author(ana), "Add the motion unit", repo.head())
    first = added.commit
    ramps, pendulums = (
        LessonRef(course, "motion", "ramps"),
        LessonRef(course, "motion", "pendulums"),
    )
    text = RAMPS.replace("a stopwatch", "a phone timer")
    saved = save_lesson(ctx(ben), ramps, text, first, "Time with phones")
    text = text.replace("describe its motion", "sketch its motion")
    saved = save_lesson(ctx(ana), ramps, text, saved.commit, "Sketch before describing")
    later = PENDULUMS.replace("ten swings", "twenty swings")
    saved = save_lesson(ctx(ben), pendulums, later, saved.commit, "More swings, less error")
    # Review threads: one whose lines were changed since (outdated), one on the whole lesson.
    line = next(n for n, t in enumerate(RAMPS.splitlines(), 1) if "describe its motion" in t)
    asked = threads.NewThread("question", "Why **describe** first, @ana?", first, line, line)
    thread = threads.open_thread(ctx(ben), ramps, Access.everything(), asked)
    threads.reply(ctx(ana), thread, Access.everything(), "Because *words* come before graphs.")
    note = threads.NewThread("evidence", "Groups finished in 12 minutes.")
    threads.open_thread(ctx(ana), ramps, Access.everything(), note)
    cycle = studies.start_study(ctx(ana), ramps, Access.everything(), studies.NewStudy("Ramps"))
    studies.move_phase(ctx(ana), cycle, Access.everything(), "teach")
    seen = studies.NewObservation(4, "Points at the slope.", "Student A")
    studies.observe(ctx(ana), cycle, Access.everything(), 1, seen)
    db.session.commit()
    # A Carpentries-style lesson imported, and another import waiting in its preview.
    lesson_set = exchange.Upload("measuring-motion.zip", workbench_zip())
    imported = exchange.start_import(ctx(ana), course, [lesson_set])
    exchange.commit_import(ctx(ana), course, imported.id)
    waiting = exchange.start_import(ctx(ana), course, [lesson_set])
    # An adaptation of the pendulum lesson whose original changed since.
    adapting.adapt(ctx(ana), course, course, [("motion", "pendulums")])
    later = repo_text(course.id, "units/motion/lessons/pendulums.md").replace("twenty", "thirty")
    save_lesson(ctx(ben), pendulums, later, repo_head(course.id), "Even more swings")
    add_partners(ana, network, LessonRef(course, "motion", "pendulums"))
    return course.id, {"first": first, "last": saved.commit, "import": waiting.id}


def repo_head(course_id: int) -> str:
    with repo_store().open(course_id) as repo:
        return repo.head() or ""


def repo_text(course_id: int, path: str) -> str:
    with repo_store().open(course_id) as repo:
        return repo.read_file(path, "main").decode()


def add_partners(ana: User, network: Network, lesson: LessonRef) -> None:
    """A company with a dataset linked to a lesson and a site visit to ask for."""
    everything = Access.everything()
    org = partners.add_partner(
        ctx(ana),
        network,
        everything,
        partners.PartnerFields("Acme Labs", "company", "https://acme.example", "Test tracks."),
    )
    partners.set_logo(ctx(ana), org, everything, "logo.png", png(8), "Acme Labs logo")
    kinds = (("Pendulum timing data", "dataset"), ("Visit the test track", "site_visit"))
    made = [
        partners.add_resource(
            ctx(ana), org, everything, partners.ResourceFields(t, "https://acme.example/x", k)
        )
        for t, k in kinds
    ]
    partners.link(ctx(ana), lesson, made[0], everything)
    db.session.commit()


def editor_of(page: Any) -> None:
    page.goto(EDIT)
    expect(page.locator("#editor-form[data-enhanced]")).to_have_count(1)


def make_conflict(ana: Any, ben: Any) -> None:
    """Leave Ben on the conflict screen: both change the same two sentences, Ana saves first."""
    editor_of(ana)
    editor_of(ben)
    for page, words in ((ana, "a marble"), (ben, "a toy car")):
        body = page.locator("#body")
        text = body.input_value().replace("a ball down", f"{words} down")
        body.fill(text.replace("Check the ramps", f"Check {words}s and the ramps"))
    ana.get_by_role("button", name="Save", exact=True).click()
    expect(ana.locator(".flash--success")).to_be_visible()
    ben.get_by_role("button", name="Save", exact=True).click()
    expect(ben.get_by_role("heading", name=re.compile("^Combine your changes"))).to_be_visible()


@pytest.fixture(scope="module")
def site(browser: Any, module_app: Any, module_live_server: Any) -> Iterator[Site]:
    course_id, versions = build_course()
    visitors: dict[str, Any] = {}
    contexts = []
    for who in ("ana", "ben", "visitor"):
        # The pages forbid inline scripts (CSP); axe is added as one, so only tests bypass it.
        context = browser.new_context(base_url=module_live_server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        visitors[who] = context.new_page()
        if who != "visitor":
            sign_in(visitors[who], who)
    make_conflict(visitors["ana"], visitors["ben"])
    yield Site(versions, course_id, visitors)
    for page in visitors.values():
        page.goto("about:blank")  # the editors say goodbye while the server still runs
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core is missing ({AXE_SCRIPT}): run `npm ci` in the project folder")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def open_ready(page: Any, name: str, path: str | None) -> None:
    """Open the page (the conflict screen is already open) and wait for its scripts."""
    if path is None:
        expect(page.locator("#resolve-form[data-enhanced]")).to_have_count(1)
        return
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    if name == "editor":
        expect(page.locator(".editor-toolbar")).to_be_visible()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:3]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", " ")[:240])
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_page_has_no_serious_accessibility_violations(axe_source, site, viewport, name):
    who, address = PAGES[name]
    page = site.visitors[who]
    page.set_viewport_size(VIEWPORTS[viewport])
    open_ready(page, name, address and address.format(**site.versions))
    page.add_script_tag(content=axe_source)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name} at {viewport}:\n{describe(blocking)}"


def save_bar_fits_a_phone(page: Any) -> None:
    """Check the pinned save bar: at most a tenth of the screen, Save in reach and on top."""
    screen = VIEWPORTS["phone"]["height"]
    bar = page.locator(".editor-actions").bounding_box()
    assert bar is not None
    assert bar["height"] <= screen / 10, f"the save bar is {bar['height']:.0f}px of {screen}px"
    assert abs(bar["y"] + bar["height"] - screen) < 1, "the save bar is pinned to the bottom"
    save = page.get_by_role("button", name="Save", exact=True)
    expect(save).to_be_visible()
    expect(save).to_be_in_viewport()
    box = save.bounding_box()
    assert box is not None and box["height"] >= 44, "Save is a comfortable touch target"
    on_top = "el => { const r = el.getBoundingClientRect();"
    on_top += " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el; }"
    assert save.evaluate(on_top), "nothing covers the Save button"
    message = page.get_by_label("Describe your change")
    expect(message).to_be_in_viewport()
    assert (message.bounding_box() or {"width": 0})["width"] >= 120


def test_on_a_phone_the_save_bar_is_small_and_saves(site):
    page = site.visitors["ana"]
    page.set_viewport_size(VIEWPORTS["phone"])
    open_ready(page, "editor", EDIT)
    save_bar_fits_a_phone(page)
    # While editing, the draft status shares the label's line.
    page.locator("#draft-status").evaluate("el => { el.textContent = 'Draft saved at 10:42.'; }")
    save_bar_fits_a_phone(page)
    body = page.locator("#body")
    body.fill(body.input_value() + "\nTry a steeper ramp next.\n")
    page.get_by_label("Describe your change").fill("Steeper ramp next")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash--success")).to_have_text("Saved.")
    with repo_store().open(site.course_id) as repo:
        assert repo.commit_info("main").message.startswith("Steeper ramp next")


def test_on_a_phone_without_javascript_the_save_bar_is_small_too(browser, module_live_server, site):
    context = browser.new_context(
        base_url=module_live_server.url, java_script_enabled=False, viewport=VIEWPORTS["phone"]
    )
    try:
        page = context.new_page()
        sign_in(page, "ana")
        page.goto(EDIT)
        save_bar_fits_a_phone(page)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(f"{COURSE}/lessons/motion/ramps") + "$"))
    finally:
        context.close()
