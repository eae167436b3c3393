"""Reading helpers: where lesson links point, the in-process cache, and the SQL caches."""

from __future__ import annotations

from typing import Any

import pytest

from workspace.extensions import db
from workspace.models import LessonSummary, RenderedBlob
from workspace.services.rendering import (
    LessonLinks,
    ReadingCache,
    cached_html,
    cached_summaries,
    reading_cache,
)

HEAD = LessonLinks(unit="motion", raw_base="/n/s/c/raw/main", lesson_base="/n/s/c/lessons")
PINNED = LessonLinks(
    unit="motion",
    raw_base="/n/s/c/raw/" + "a" * 40,
    lesson_base="/n/s/c/lessons",
    lesson_query="?rev=" + "a" * 40,
)


@pytest.mark.parametrize(
    "target, url",
    [
        ("images/diagram.png", "/n/s/c/raw/main/units/motion/lessons/images/diagram.png"),
        ("./images/a%20b.png", "/n/s/c/raw/main/units/motion/lessons/images/a%20b.png"),
        ("../unit.md", "/n/s/c/raw/main/units/motion/unit.md"),
        ("/README.md", "/n/s/c/raw/main/README.md"),
        ("heat.md", "/n/s/c/lessons/motion/heat"),
        ("../../energy/lessons/heat.md#warm-up", "/n/s/c/lessons/energy/heat#warm-up"),
        ("/units/energy/lessons/heat.md", "/n/s/c/lessons/energy/heat"),
        ("../energy/heat", "/n/s/c/lessons/energy/heat"),  # written against page addresses
        ("acceleration", "/n/s/c/lessons/motion/acceleration"),
        ("../../../../etc/passwd", "#"),
        ("?x=1", "?x=1"),
    ],
)
def test_relative_targets_resolve_to_raw_files_or_lesson_pages(target: str, url: str) -> None:
    assert HEAD.resolve(target) == url


def test_links_in_an_earlier_version_stay_in_that_version() -> None:
    sha = "a" * 40
    assert PINNED.resolve("heat.md") == f"/n/s/c/lessons/motion/heat?rev={sha}"
    assert PINNED.resolve("images/x.png") == f"/n/s/c/raw/{sha}/units/motion/lessons/images/x.png"


def test_link_contexts_differ_wherever_urls_would() -> None:
    other_unit = LessonLinks("energy", HEAD.raw_base, HEAD.lesson_base)
    renamed = LessonLinks("motion", "/n/s/d/raw/main", "/n/s/d/lessons")
    keys = {HEAD.context(), PINNED.context(), other_unit.context(), renamed.context()}
    assert len(keys) == 4
    assert HEAD.context() == LessonLinks("motion", HEAD.raw_base, HEAD.lesson_base).context()


def test_cache_forgets_the_least_recently_used_beyond_its_size() -> None:
    cache = ReadingCache(size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now "b" is the oldest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_html_is_rendered_once_per_blob_version_and_context(app: Any) -> None:
    calls: list[str] = []

    def render() -> str:
        calls.append("x")
        return "<p>hi</p>"

    for _ in range(3):
        assert cached_html(db.session, "b1", "1", "ctx", render) == "<p>hi</p>"
    reading_cache().clear()
    assert cached_html(db.session, "b1", "1", "ctx", render) == "<p>hi</p>"  # from the table
    assert len(calls) == 1
    cached_html(db.session, "b1", "2", "ctx", render)  # a new renderer version
    cached_html(db.session, "b1", "1", "other", render)  # another link context
    assert len(calls) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(RenderedBlob)) == 3


def test_summaries_are_made_only_for_blobs_no_cache_has(app: Any) -> None:
    made: list[str] = []

    def make(blob_id: str) -> dict[str, Any]:
        made.append(blob_id)
        return {"title": blob_id.upper()}

    assert cached_summaries(db.session, ["a", "b", "a"], make) == {
        "a": {"title": "A"},
        "b": {"title": "B"},
    }
    reading_cache().clear()
    found = cached_summaries(db.session, ["a", "b", "c"], make)
    assert found["c"] == {"title": "C"}
    assert made == ["a", "b", "c"]
    assert db.session.scalar(db.select(db.func.count()).select_from(LessonSummary)) == 3
