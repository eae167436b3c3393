"""API search: `GET /api/v1/search?q=&net=&course=&unit=&grade=&standard=&kind=&page=`."""

from __future__ import annotations

from typing import Any

from flask import abort, request

from ...runtime import ctx
from ...services import search
from ..search import read_search, result_url
from . import bp, caller


def _result_json(result: search.Result) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "title": result.label,
        "title_html": str(result.title.html),
        "snippet_html": str(result.passage.html),
        "snippet": result.passage.text,
        "network": result.network.slug,
        "course": result.course.slug if result.course else None,
        "path": result.path,
        "unit": result.unit or None,
        "standards": list(result.standards),
        "thread_id": result.thread.id if result.thread is not None else None,
        "url": result_url(result, _external=True),
    }


@bp.get("/search")
def search_api() -> dict[str, Any]:
    """Return one page of what the caller may read that matches, best first."""
    who = caller()
    asked = read_search(request.args, who.user, who.token_scope)
    if asked.problems:
        abort(422, description=" ".join(asked.problems))
    found = search.search(
        ctx(who.user), asked.text, asked.filters, page=asked.page, token_scope=who.token_scope
    )
    if not found.asked:
        abort(400, description="Give words to look for (q), or a filter such as standard.")
    return {
        "query": asked.text,
        "words": list(found.query.words),
        "notes": asked.notes,
        "page": found.page,
        "next_page": found.page + 1 if found.has_next else None,
        "results": [_result_json(r) for r in found.results],
    }
