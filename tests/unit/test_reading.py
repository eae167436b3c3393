"""Reading helpers: where lesson links point, the in-process cache, and the SQL caches."""

from __future__ import annotations

from typing import Any

import pytest

from workspace.content import outline_with_tree, parse_course, parse_lesson_path
from workspace.extensions import db
from workspace.git import Author, RepoStore, TreeEntry
from workspace.models import LessonSummary, RenderedBlob
from workspace.runtime import reading_cache
from workspace.services.reading import (
    Caches,
    CourseFiles,
    CourseLinks,
    LessonLinks,
    PendingRows,
    ReadingCache,
    cached_html,
    cached_summaries,
    read_blobs,
    reading_order,
    summarize,
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


def test_course_links_point_at_main_for_the_newest_version_and_pin_older_ones() -> None:
    site = CourseLinks(raw_base="/n/s/c/raw", lesson_base="/n/s/c/lessons")
    assert site.lesson("motion", "main", "a" * 40) == HEAD
    assert site.lesson("motion", "a" * 10, "a" * 40) == PINNED


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
    caches = Caches(reading_cache())

    def render() -> str:
        calls.append("x")
        return "<p>hi</p>"

    for _ in range(3):
        assert cached_html(db.session, "b1", "1", "ctx", render, caches) == "<p>hi</p>"
    reading_cache().clear()
    assert cached_html(db.session, "b1", "1", "ctx", render, caches) == "<p>hi</p>"  # the table
    assert len(calls) == 1
    cached_html(db.session, "b1", "2", "ctx", render, caches)  # a new renderer version
    cached_html(db.session, "b1", "1", "other", render, caches)  # another link context
    assert len(calls) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(RenderedBlob)) == 3


def test_summaries_are_made_only_for_blobs_no_cache_has(app: Any) -> None:
    made: list[str] = []

    def make(blob_ids: list[str]) -> dict[str, dict[str, Any]]:
        made.extend(blob_ids)
        return {blob_id: {"title": blob_id.upper()} for blob_id in blob_ids}

    caches = Caches(reading_cache())
    assert cached_summaries(db.session, ["a", "b", "a"], make, caches) == {
        "a": {"title": "A"},
        "b": {"title": "B"},
    }
    reading_cache().clear()
    found = cached_summaries(db.session, ["a", "b", "c"], make, caches)
    assert found["c"] == {"title": "C"}
    assert made == ["a", "b", "c"]
    assert db.session.scalar(db.select(db.func.count()).select_from(LessonSummary)) == 3


def test_batched_cache_rows_wait_for_the_flush_and_are_stored_once(app: Any) -> None:
    pending = PendingRows()
    caches = Caches(ReadingCache(), pending)
    cached_html(db.session, "b1", "1", "ctx", lambda: "<p>hi</p>", caches)
    cached_summaries(db.session, ["s1"], lambda ids: {i: {"title": i} for i in ids}, caches)
    count = db.select(db.func.count()).select_from(RenderedBlob)
    assert len(pending) == 2 and db.session.scalar(count) == 0
    pending.flush(db.session)
    pending.flush(db.session)  # nothing left to store twice
    assert len(pending) == 0 and db.session.scalar(count) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(LessonSummary)) == 1


def test_the_app_keeps_one_reading_cache(app: Any) -> None:
    assert reading_cache() is reading_cache(app)
    assert isinstance(reading_cache(), ReadingCache)


def test_many_blobs_are_read_in_one_batch_byte_for_byte(tmp_path: Any) -> None:
    files = {
        f"units/u/lessons/l{n}.md": f"---\ntitle: L{n}\n---\n{'x' * n}\n".encode()
        for n in range(12)
    }
    files["units/u/lessons/images/pic.png"] = bytes(range(256)) + b"\n\n"
    store = RepoStore(tmp_path)
    store.create(1, files, Author("Ana", "ana@example.test"), "Create")
    try:
        with store.open(1) as repo:
            entries = {e.path: e.blob_id for e in repo.list_tree("main")}
            found = read_blobs(repo, list(entries.values()))
    finally:
        store.close()  # stops the pooled git reader
    assert {path: found[blob_id] for path, blob_id in entries.items()} == files
    assert summarize(files["units/u/lessons/l3.md"])["title"] == "L3"
    assert summarize(b"---\ntitle: [broken\n---\n")["error"]


def test_reading_order_matches_the_course_index_order(app: Any) -> None:
    outline = parse_course(
        "title: T\nunits:\n"
        "  - {slug: b, lessons: [two, one, gone]}\n"
        "  - {slug: a, lessons: [solo]}\n"
        "  - {slug: empty, lessons: [nothing]}\n"
    )
    paths = [
        "units/a/lessons/solo.md",
        "units/a/lessons/extra.md",
        "units/b/lessons/one.md",
        "units/b/lessons/two.md",
        "units/b/lessons/aardvark.md",
        "units/z/lessons/late.md",
        "units/c/lessons/early.md",
        "units/c/unit.md",
    ]
    entries = {p: TreeEntry(p, "100644", "blob", 1, "0" * 40) for p in paths}
    lessons = {p: names for p in paths if (names := parse_lesson_path(p)) is not None}
    files = CourseFiles(1, "f" * 40, outline, None, entries, lessons)
    index = outline_with_tree(outline, paths)
    expected = [(e.unit, e.slug) for e in index.lessons if e.status != "missing"]
    assert reading_order(files, Caches()) == expected
    assert expected[:4] == [("b", "two"), ("b", "one"), ("b", "aardvark"), ("a", "solo")]
