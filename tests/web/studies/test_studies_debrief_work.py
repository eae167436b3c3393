"""The debrief in protocol order, student work (metadata really removed, team-only access)
and the closing report committed to the course."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from courses_support import git
from threads_support import LESSON, client_as, make_lesson_school

from workspace.extensions import db
from workspace.models import Membership

API = "/api/v1/n/school/physics/studies"
WEB = "/n/school/physics/studies"


def jpeg_with_gps() -> bytes:
    """A tiny JPEG with an EXIF segment naming a place, an XMP one and a comment."""
    exif = b"Exif\x00\x00" + b"MM\x00*" + b"GPSLatitude 40.7128 N Lincoln High School"
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Ana's phone</x:xmpmeta>"

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    quant = segment(0xDB, b"\x00" + bytes(range(64)))
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\x56" + b"\xff\xd9"
    return (
        b"\xff\xd8"
        + jfif
        + segment(0xE1, exif)
        + segment(0xE1, xmp)
        + segment(0xFE, b"Taken in room 12")
        + quant
        + scan
    )


def png_with_text() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    text = chunk(b"tEXt", b"Author\x00Priya at Lakeside High")
    data = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + text + data + chunk(b"IEND", b"")


@pytest.fixture
def cycle(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    school = make_lesson_school(make_user, make_network)
    for name, role in (("ivy", "member"), ("obi", "member"), ("kai", "partner")):
        school[name] = make_user(name)
        db.session.add(Membership(network=school["network"], user=school[name], role=role))
    db.session.commit()
    facilitator = client_as(app, school["member"])
    study = facilitator.post(API, json={"lesson": LESSON, "title": "Ramps"}).get_json()["id"]
    web = f"{WEB}/{study}"
    for name, role, assignment in (
        ("ivy", "instructor", ""),
        ("obi", "observer", "Student A"),
        ("kai", "knowledgeable_other", ""),
    ):
        user = school[name]
        added = facilitator.post(
            f"{web}/team", data={"user": str(user.id), "role": role, "assignment": assignment}
        )
        assert added.status_code == 302
    assert facilitator.post(f"{API}/{study}/phase", json={"phase": "teach"}).status_code == 200
    return {**school, "study": study, "web": web, "facilitator": facilitator}


def test_the_debrief_hears_every_voice_in_protocol_order(app: Any, cycle: dict[str, Any]) -> None:
    study, facilitator = cycle["study"], cycle["facilitator"]
    ivy, obi, kai = (client_as(app, cycle[n]) for n in ("ivy", "obi", "kai"))
    note = obi.post(
        f"{API}/{study}/iterations/1/observations",
        json={"minute": 9, "focus": "Student A", "body": "Explains with the times."},
    ).get_json()
    facilitator.post(f"{API}/{study}/phase", json={"phase": "debrief"})
    url = f"{API}/{study}/iterations/1/debrief"
    early = obi.post(url, json={"body": "I saw..."})
    assert early.status_code == 403 and "the instructor" in early.get_json()["message"]
    assert ivy.post(url, json={"body": "It went faster than planned."}).status_code == 201
    assert ivy.post(f"{url}/next").status_code == 403  # the facilitator moves the turn on
    assert facilitator.post(f"{url}/next").get_json()["stage"] == "planning"
    assert facilitator.post(url, json={"body": "The launch worked."}).status_code == 201
    facilitator.post(f"{url}/next")
    cited = obi.post(url, json={"body": "Student A used data.", "observations": [note["id"]]})
    assert cited.status_code == 201 and cited.get_json()["observations"] == [note["id"]]
    wrong = obi.post(url, json={"body": "x", "observations": [999]})
    assert wrong.status_code == 422
    assert kai.post(url, json={"body": "Too early"}).status_code == 403
    facilitator.post(f"{url}/next")
    assert kai.post(url, json={"body": "Ask for units next time."}).status_code == 201
    found = facilitator.get(url).get_json()
    assert [p["stage"] for p in found["points"]] == [
        "instructor",
        "planning",
        "observers",
        "knowledgeable_other",
    ]
    page = facilitator.get(cycle["web"]).get_data(as_text=True)
    assert "Now: the knowledgeable other’s final comments." in page
    assert "citing notes at 9 min (Student A)" in page


def test_student_work_is_stored_without_its_metadata_and_shown_to_the_team_only(
    app: Any, cycle: dict[str, Any], client: Any
) -> None:
    study, obi = cycle["study"], client_as(app, cycle["obi"])
    url = f"{API}/{study}/iterations/1/work"
    photo = jpeg_with_gps()
    added = obi.post(url, data={"file": (io.BytesIO(photo), "IMG_0042.jpg"), "label": "A's graph"})
    assert added.status_code == 201, added.get_json()
    work = added.get_json()
    stored = Path(app.config["STUDENT_WORK_ROOT"])
    [saved] = list(stored.iterdir())
    data = saved.read_bytes()
    assert b"GPSLatitude" not in data and b"Lincoln" not in data and b"xmpmeta" not in data
    assert b"room 12" not in data and b"JFIF" in data and data.endswith(b"\x12\x34\x56\xff\xd9")
    assert "IMG_0042" not in saved.name
    assert git(cycle["course"], "log", "--all", "--format=%H", "--", saved.name).strip() == ""

    for name in ("obi", "member", "lead"):
        response = client_as(app, cycle[name]).get(work["url"])
        assert response.status_code == 200 and response.data == data
        assert response.headers["Cache-Control"] == "private, no-store"
    assert (
        client_as(app, cycle["other" if "other" in cycle else "reader"])
        .get(work["url"])
        .status_code
        == 404
    )
    assert client.get(work["url"]).status_code == 404

    png = obi.post(url, data={"file": (io.BytesIO(png_with_text()), "scan.png")})
    assert png.status_code == 201
    stored_png = next(p for p in stored.iterdir() if p.suffix == ".png").read_bytes()
    assert b"Lakeside" not in stored_png and stored_png.endswith(b"IEND\xaeB`\x82")
    refused = obi.post(url, data={"file": (io.BytesIO(b"<html>"), "x.html")})
    assert refused.status_code == 422 and "JPEG or PNG" in refused.get_json()["message"]
    outsider = client_as(app, cycle["reader"]).post(
        url, data={"file": (io.BytesIO(photo), "a.jpg")}
    )
    assert outsider.status_code == 403


def test_closing_commits_the_report_into_the_course(app: Any, cycle: dict[str, Any]) -> None:
    study, facilitator = cycle["study"], cycle["facilitator"]
    facilitator.post(f"{API}/{study}/phase", json={"phase": "debrief"})
    closed = facilitator.post(
        f"{API}/{study}/phase", json={"phase": "closed", "learned": "Times beat adjectives."}
    )
    assert closed.status_code == 200
    found = closed.get_json()
    assert found["phase"] == "closed" and found["report_commit"]
    report = git(cycle["course"], "show", f"main:studies/{study}/report.md")
    assert report.startswith("# Ramps\n") and "Times beat adjectives." in report
    assert "Rolling down ramps" in report and f"studies/{study}/iteration-1" in report
    author = git(cycle["course"], "log", "-1", "--format=%an %s", "main").strip()
    assert author == "member Lesson-study report: Ramps" or author.endswith(
        "Lesson-study report: Ramps"
    )
