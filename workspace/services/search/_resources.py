"""Documents other areas put in the index themselves (partner resources, when that area
exists): whatever they put is found with the same permissions as lessons, by network."""

from __future__ import annotations

from sqlalchemy import delete, select

from ...content.plaintext import clean
from ...models import DocumentKind, SearchDocument
from ..context import Ctx

RESOURCE = DocumentKind.RESOURCE.value


def put_document(
    ctx: Ctx,
    kind: str,
    ref: str,
    network_id: int,
    title: str,
    body: str,
    course_id: int | None = None,
) -> SearchDocument:
    """Return the document `kind`/`ref` with these words (added, or its words replaced);
    flushed, for the caller to commit. Put only what everyone who may read the network may
    see (an approved resource, not a proposed one)."""
    doc = ctx.session.scalar(select(SearchDocument).filter_by(kind=kind, ref=ref))
    if doc is None:
        doc = SearchDocument(kind=kind, ref=ref)
        ctx.session.add(doc)
    doc.network_id, doc.course_id = network_id, course_id
    doc.title = doc.label = clean(title)[:300]
    doc.body = clean(body)
    ctx.session.flush()
    return doc


def remove_document(ctx: Ctx, kind: str, ref: str) -> None:
    """Return nothing; the document `kind`/`ref` is no longer found (for the caller to commit)."""
    ctx.session.execute(delete(SearchDocument).filter_by(kind=kind, ref=ref))
