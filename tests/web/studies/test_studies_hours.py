"""Professional-development hours: meetings recorded on a cycle add up per teacher (CSV and a
printable record) and per network for its leaders; only the team takes part."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from threads_support import LESSON, client_as, make_lesson_school

BASE = "/n/school/physics/studies"


@pytest.fixture
def cycle(app: Any, make_user: Any, make_network: Any) -> dict[str, Any]:
    school = make_lesson_school(make_user, make_network)
    facilitator = client_as(app, school["member"])
    url = facilitator.post(f"{BASE}/new", data={"lesson": LESSON, "title": "=Ramps"}).headers[
        "Location"
    ]
    facilitator.post(f"{url}/team", data={"user": str(school["reader"].id), "role": "observer"})
    return {**school, "url": url, "facilitator": facilitator}


def record(client: Any, url: str, people: list[int], minutes: str, kind: str = "planning") -> Any:
    return client.post(
        f"{url}/events",
        data={"kind": kind, "held_on": "2026-11-05", "minutes": minutes, "people": people},
    )


def test_hours_add_up_per_teacher_and_per_network(app: Any, cycle: dict[str, Any]) -> None:
    member, reader, lead = cycle["member"], cycle["reader"], cycle["lead"]
    facilitator, url = cycle["facilitator"], cycle["url"]
    assert record(facilitator, url, [member.id, reader.id], "90").status_code == 302
    assert record(facilitator, url, [member.id], "45", "debrief").status_code == 302
    page = client_as(app, reader).get("/settings/hours").get_data(as_text=True)
    assert "Planning meeting" in page and "1.50" in page and "Verified by" in page
    mine = client_as(app, member).get("/settings/hours.csv")
    assert mine.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(mine.get_data(as_text=True))))
    assert rows[0][-1] == "Hours" and rows[-1] == ["Total", "", "", "", "", "", "", "", "2.25"]
    assert rows[1][5] == "'=Ramps"  # a cycle's title never runs as a formula
    network = client_as(app, lead).get("/n/school/hours.csv").get_data(as_text=True)
    assert network.strip().splitlines()[-1].endswith(",3.75")
    assert client_as(app, member).get("/n/school/hours.csv").status_code == 403


def test_only_the_facilitator_records_and_only_the_team_takes_part(
    app: Any, cycle: dict[str, Any]
) -> None:
    url, outsider = cycle["url"], cycle["partner"]
    assert (
        record(client_as(app, cycle["reader"]), url, [cycle["reader"].id], "30").status_code == 403
    )
    refused = record(cycle["facilitator"], url, [outsider.id], "30")
    assert refused.status_code == 422 and "Only the cycle" in refused.get_data(as_text=True)
    too_long = record(cycle["facilitator"], url, [cycle["member"].id], "9000")
    assert too_long.status_code == 422
    page = client_as(app, outsider).get("/settings/hours").get_data(as_text=True)
    assert "No hours recorded yet." in page
