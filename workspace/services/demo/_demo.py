"""The demo: a public network with a leadership team, a sub-network, and a course with history.

`seed_demo()` is idempotent: what exists already is left as it is, so running it twice
changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...access import Access
from ...models import (
    Course,
    Membership,
    Network,
    NetworkKind,
    Partner,
    Role,
    RoleKind,
    User,
    Visibility,
)
from ..accounts import create_account
from ..context import Ctx, LessonRef, Settings
from ..courses import CourseFields, create_course
from ..editing import create_lesson, create_unit, save_lesson
from ..exchange import Upload, commit_import, start_import
from ..networks import create_network
from ..partners import (
    PartnerFields,
    ResourceFields,
    add_agreement,
    add_partner,
    add_person,
    add_resource,
    approve_resource,
    link,
)
from ..studies import (
    NewObservation,
    NewStudy,
    Teaching,
    contribute,
    move_phase,
    next_turn,
    observe,
    set_member,
    start_study,
)
from ..threads import NewThread, lines_of, open_thread, reply, set_status

DEMO_PASSWORD = "lesson-study-demo"  # noqa: S105 (printed for the demo; not a real account)

PEOPLE = [
    # username, display name, affiliation, kind, role in the network
    ("maria", "Maria Lopez", "Riverside High School", RoleKind.TEACHER_LEADER, Role.LEADER),
    ("james", "James Okafor", "Northfield Academy", RoleKind.TEACHER_LEADER, Role.LEADER),
    ("priya", "Priya Raman", "Lakeside High School", RoleKind.TEACHER, Role.MEMBER),
    ("sam", "Sam Becker", "Hill Valley High School", RoleKind.TEACHER, Role.MEMBER),
    ("dana", "Dana Whitfield", "Greenfield Chemicals", RoleKind.STEM_PROFESSIONAL, Role.PARTNER),
    ("alex", "Alex Moreau", "STEM Learning Alliance", RoleKind.SUPPORT_ORGANIZATION, Role.READER),
]

NETWORK = {
    "slug": "chem-collab",
    "name": "Chemistry Teachers Collaborative",
    "purpose": (
        "Chemistry teachers who are often the only one in their building, developing one shared "
        "first-year chemistry course together and improving it through lesson study."
    ),
    "kind": NetworkKind.NATIONAL.value,
    "visibility": Visibility.PUBLIC.value,
}

REGIONAL = {
    "slug": "chem-northeast",
    "name": "Northeast Chemistry Circle",
    "purpose": "Monthly in-person lesson study for chemistry teachers in the Northeast region.",
    "kind": NetworkKind.REGIONAL.value,
    "visibility": Visibility.PRIVATE.value,
}

COURSE = CourseFields(
    title="Chemistry in Context",
    slug="chemistry",
    subject="Chemistry",
    grade_band="9-12",
    description="A first-year high school chemistry course built around everyday phenomena.",
)

# Lessons added after the course is created, each as its own commit by a different teacher.
LESSONS = [
    ("energy", "Energy and change", "energy-transfer", "maria"),
    ("energy", "Energy and change", "calorimetry", "priya"),
    ("reactions", "Reactions", "conservation-of-mass", "sam"),
]


def seed_demo(ctx: Ctx) -> Iterator[str]:
    """Create the demo data that is missing; yield lines to print.

    Courses and lessons are made by the same use cases as on the web, so the demo's lessons
    pass the same checks and announce the same events.
    """
    session, config = ctx.session, ctx.settings
    users = {row[0]: _person(session, config, *row) for row in _people()}
    leader = users["maria"]
    network = session.scalar(select(Network).filter_by(slug=NETWORK["slug"]))
    if network is None:
        network = create_network(session, leader, **NETWORK)
    for username, *_rest, role in PEOPLE:
        _ensure_member(session, network, users[username], role)
    regional = session.scalar(select(Network).filter_by(slug=REGIONAL["slug"]))
    if regional is None:
        create_network(session, users["james"], parent=network, **REGIONAL)
    session.commit()

    course = session.scalar(select(Course).filter_by(network_id=network.id, slug=COURSE.slug))
    if course is None:
        course = create_course(ctx.acting(leader), network, COURSE)
        _add_lessons(ctx, course, users)
        session.commit()
        _import_carpentries(ctx, course, users["priya"])
        _add_threads(ctx, course, users)
    session.commit()
    if session.scalar(select(Partner).filter_by(network_id=network.id)) is None:
        _add_partners(ctx, network, course, users)
        session.commit()

    yield f"Demo network: /n/{network.slug}/  course: /n/{network.slug}/{course.slug}/"
    yield f"Sign in as maria / {DEMO_PASSWORD} (a network leader)"
    yield f"Other demo accounts (same password): {', '.join(u for u, *_ in PEOPLE[1:])}"


def _people() -> Iterator[tuple[str, str, str, RoleKind]]:
    for username, name, affiliation, kind, _role in PEOPLE:
        yield username, name, affiliation, kind


def _person(
    session: Session, config: Settings, username: str, name: str, org: str, kind: RoleKind
) -> User:
    user = session.scalar(select(User).filter_by(username=username))
    if user is not None:
        return user
    return create_account(
        session,
        username=username,
        email=f"{username}@demo.example",
        display_name=name,
        password=DEMO_PASSWORD,
        affiliation=org,
        role_kind=kind.value,
        min_length=config.get("PASSWORD_MIN_LENGTH", 10),
        hash_method=config.get("PASSWORD_HASH_METHOD", "scrypt"),
    )


def _ensure_member(session: Session, network: Network, user: User, role: Role) -> None:
    found = session.scalar(select(Membership).filter_by(network_id=network.id, user_id=user.id))
    if found is None:
        session.add(Membership(network=network, user=user, role=role.value))


def _add_lessons(ctx: Ctx, course: Course, users: dict[str, User]) -> None:
    """Add the demo lessons one by one, so the course has a history with several authors."""
    content = resources.files(__package__).joinpath("content")
    units: set[str] = set()
    for unit, unit_title, lesson, username in LESSONS:
        teacher = ctx.acting(users[username])
        if unit not in units:
            create_unit(teacher, course, unit_title, unit)
            units.add(unit)
        body = content.joinpath(f"{lesson}.md").read_text("utf-8")
        create_lesson(teacher, course, unit, lesson, content=body)


def _import_carpentries(ctx: Ctx, course: Course, teacher: User) -> None:
    """Import a lesson written in the Carpentries' format, as a teacher would upload it: the
    .zip GitHub's "Download ZIP" makes of a lesson's repository."""
    folder = resources.files(__package__).joinpath("content", "carpentries")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        top = "properties-of-matter-main/"
        archive.writestr(top + "config.yaml", folder.joinpath("config.yaml").read_bytes())
        archive.writestr(top + "episodes/density.md", folder.joinpath("density.md").read_bytes())
        picture = folder.joinpath("displacement.png").read_bytes()
        archive.writestr(top + "episodes/fig/displacement.png", picture)
    upload = Upload("properties-of-matter.zip", packed.getvalue())
    started = start_import(ctx.acting(teacher), course, [upload])
    commit_import(ctx.acting(teacher), course, started.id)


# Review threads on the hand warmers lesson: (who, kind, the line it starts with, how many
# lines, what they wrote). Sam then rewrites the line Priya asked about: her thread is outdated.
THREADS = [
    (
        "dana",
        "evidence",
        "Hand each group a sealed hand warmer.",
        2,
        "In our lab these warmers reach about 55 °C within five minutes: groups can compare "
        "their curves with that.",
    ),
    (
        "priya",
        "question",
        "2. Repeat with the bag sealed",
        1,
        "Do the sealed bags still warm up at all? My groups expected nothing to happen.",
    ),
    ("alex", "note", None, 0, "Observers: watch for who explains the energy diagram first."),
]
REWRITE = (
    "2. Repeat with the bag sealed (little oxygen) and compare.",
    "2. Repeat with the bag sealed (little oxygen) and compare the two temperature curves.",
)


def _add_threads(ctx: Ctx, course: Course, users: dict[str, User]) -> None:
    """Open the demo threads, a reply mentioning a member, and outdate one of them."""
    ref = LessonRef(course, "energy", "energy-transfer")
    with ctx.store.open(course.id) as repo:
        commit = repo.resolve("main")
        text = repo.read_file(ref.path, commit).decode("utf-8")
    lines = lines_of(text)
    opened = []
    for username, kind, starts, count, body in THREADS:
        start = next(
            (n for n, line in enumerate(lines, 1) if starts and line.startswith(starts)), None
        )
        end = start + count - 1 if start is not None else None
        new = NewThread(kind=kind, body=body, commit=commit, start_line=start, end_line=end)
        opened.append(
            open_thread(ctx.acting(users[username]), ref, Access.READ | Access.COMMENT, new)
        )
    reply(
        ctx.acting(users["maria"]),
        opened[1],
        Access.everything(),
        "Good question, @priya: "
        "they do, slowly. Let us ask the observers to note what groups predict.",
    )
    set_status(ctx.acting(users["maria"]), opened[2], Access.everything(), "resolved")
    ctx.session.commit()
    old, new = REWRITE
    save_lesson(ctx.acting(users["sam"]), ref, text.replace(old, new), commit, "Compare the curves")
    ctx.session.commit()
    _add_cycle(ctx, ref, users)


# A cycle in progress on the hand warmers lesson: taught once, observed, debriefed; now the
# team revises the lesson before teaching it again.
OBSERVATIONS = [
    ("priya", 3, "Student A", "Predicts the warmer will get cold once opened."),
    ("dana", 6, "Student B", "Says 'the iron burns' and points at the label."),
    ("priya", 14, "Student A", "Uses the temperature table to argue the open bag gets hotter."),
    ("dana", 22, "Whole class", "Most groups skip the sealed bag comparison: time ran out."),
]
DEBRIEF = [
    ("james", "It ran long: the sealed bag comparison came too late for most groups."),
    ("maria", "Next time we start the sealed bag first, while the open one warms."),
    ("priya", "Student A reasoned from the data once the table had numbers in it."),
    ("dana", "In industry we would call this a controlled comparison: name it for them."),
]


def _add_cycle(ctx: Ctx, ref: LessonRef, users: dict[str, User]) -> None:
    """Start, staff and teach the demo cycle once; observations and a debrief."""
    lead = ctx.acting(users["maria"])
    everything = Access.everything()
    cycle = start_study(
        lead,
        ref,
        everything,
        NewStudy(
            "Where does the warmth come from?",
            theme="Students explain their reasoning with evidence",
            goals="Students connect temperature data to energy leaving the system.",
            questions="When do students use the data, and when do they rely on the label?",
        ),
    )
    team = [
        ("james", "instructor", ""),
        ("priya", "observer", "Student A"),
        ("dana", "knowledgeable_other", ""),
        ("sam", "planner", ""),
    ]
    for username, role, assignment in team:
        set_member(lead, cycle, everything, users[username], role, assignment)
    move_phase(lead, cycle, everything, "teach", Teaching(setting="Grade 10, 26 students"))
    set_member(lead, cycle, everything, users["dana"], "observer", "Student B")
    for username, minute, focus, body in OBSERVATIONS:
        note = NewObservation(minute, body, focus)
        observe(ctx.acting(users[username]), cycle, everything, 1, note)
    move_phase(lead, cycle, everything, "debrief")
    iteration = cycle.iterations[0]
    for (username, body), stage in zip(
        DEBRIEF, ("instructor", "planning", "observers", "knowledgeable_other"), strict=True
    ):
        while iteration.debrief_stage != stage:
            next_turn(lead, cycle, everything, iteration)
        contribute(ctx.acting(users[username]), cycle, everything, iteration, body)
    next_turn(lead, cycle, everything, iteration)
    move_phase(lead, cycle, everything, "revise")
    ctx.session.commit()


COMPANY = PartnerFields(
    "Greenfield Chemicals",
    "company",
    "https://greenfield-chemicals.example",
    "A specialty chemicals maker whose engineers share lab data and host class visits.",
    "Dana Whitfield",
    "dana@demo.example",
)
RESOURCES = [
    ResourceFields(
        "Hand warmer temperature curves from our lab",
        "https://greenfield-chemicals.example/data/hand-warmers.csv",
        "dataset",
        "Temperature every 10 seconds for open and sealed iron hand warmers, 20 minutes each.",
        "9-12",
        "HS-PS3-4, HS-PS1-4",
        "CC BY 4.0",
    ),
    ResourceFields(
        "Visit the Greenfield quality lab",
        "https://greenfield-chemicals.example/visits",
        "site_visit",
        "A morning in the quality-control lab: calorimetry and titration as chemists do them.",
        "9-12",
        "",
        "",
        "Tuesdays and Thursdays, up to 30 students; book four weeks ahead.",
    ),
]
DISTRICT = PartnerFields(
    "Riverside Unified School District",
    "district",
    "https://riverside-usd.example",
    "Credits the network's lesson study as professional development for its teachers.",
)


def _add_partners(ctx: Ctx, network: Network, course: Course, users: dict[str, User]) -> None:
    """A company whose person is Dana (a dataset linked to the calorimetry lesson, and a site
    visit), and a district that credits lesson study as professional development."""
    lead, everything = ctx.acting(users["maria"]), Access.everything()
    company = add_partner(lead, network, everything, COMPANY)
    add_person(lead, company, everything, "dana")
    dana = ctx.acting(users["dana"])
    offered = [add_resource(dana, company, Access.READ | Access.CURATE, r) for r in RESOURCES]
    for resource in offered:
        approve_resource(lead, resource, everything)
    ctx.session.commit()
    link(
        ctx.acting(users["priya"]),
        LessonRef(course, "energy", "calorimetry"),
        offered[0],
        everything,
    )
    district = add_partner(lead, network, everything, DISTRICT)
    add_agreement(
        lead,
        district,
        everything,
        "Lesson-study planning meetings, research lessons and debriefs",
        30,
        "Professional learning office, pd@riverside-usd.example",
    )
