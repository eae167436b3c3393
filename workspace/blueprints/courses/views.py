"""Courses: create one, its home page, settings, archive, delete, zip download and print.

Every view first asks access.require_course (or require_network to create), which answers 404
for private networks the user may not see and redirects a renamed course's old address.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from ...access import Access
from ...content.render import without_sections
from ...content.sections import STUDENT_COPY_HIDES
from ...extensions import db
from ...forms.courses import ArchiveForm, CourseForm, CourseSettingsForm, DeleteCourseForm
from ...git import GitStoreError
from ...models import Course, Network
from ...runtime import ctx
from ...services import courses as service
from ...services import reading
from ...services.courses import CourseError, CourseFields
from .._guards import require_course, require_network
from ..reading import reading_caches
from ..reading.lessons import git_error_page, site_links, version_or_404

bp = Blueprint("courses", __name__)
bp.register_error_handler(GitStoreError, git_error_page)


def clone_url_for(network: Network, course: Course) -> str:
    """Return the address teachers give `git clone` for this course."""
    from ..githttp import clone_url

    return clone_url(network, course)


@bp.app_context_processor
def course_helpers() -> dict[str, Any]:
    """Give every template `network_courses(network)`, for the network home's course list."""

    def network_courses(network: Network) -> list[Course]:
        return service.network_courses(db.session, network)

    return {"network_courses": network_courses}


def _show_error(form: Any, error: CourseError) -> None:
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = [*field.errors, error.message]


@bp.route("/n/<net>/courses/new", methods=["GET", "POST"])
@login_required
def new(net: str) -> str | BaseResponse:
    """Create a course in the network, with its repository and first commit (members)."""
    network, _access = require_network(net, Access.WRITE)
    form = CourseForm()
    if form.validate_on_submit():
        fields = CourseFields(
            title=form.title.data,
            slug=form.slug.data,
            subject=form.subject.data or "",
            grade_band=form.grade_band.data,
            description=form.description.data or "",
            license=form.license.data,
        )
        try:
            course = service.create_course(ctx(), network, fields)
        except CourseError as error:
            _show_error(form, error)
        except GitStoreError as error:
            flash(error.message, "error")
        else:
            flash(f"{course.title} is ready: its first lesson is an example to edit.", "success")
            return redirect(url_for("courses.home", net=network.slug, course=course.slug))
    return render_template("courses/new.html", network=network, form=form)


@bp.get("/n/<net>/<course>/")
def home(net: str, course: str) -> str:
    """Show the course: units and lessons in order, the clone address, recent changes."""
    network, row, access = require_course(net, course)
    caches = reading_caches()
    found = reading.course_home(ctx(), row, caches=caches)
    return render_template(
        "courses/home.html",
        network=network,
        course=row,
        access=access,
        view=found.view,
        outline_html=_outline_html(
            network, row, found.view, caches.memory, teacher_copy=bool(access & Access.COMMENT)
        ),
        recent=found.recent_words,
        clone_url=clone_url_for(network, row),
    )


def _outline_html(
    network: Network,
    course: Course,
    view: reading.CourseView,
    cache: reading.ReadingCache,
    *,
    teacher_copy: bool,
) -> Markup:
    """Return the rendered outline, made once per commit (and kind of reader: who may download
    teachers' copies): a thousand lessons take a while."""
    key = ("outline-html", course.id, view.commit, network.slug, course.slug, teacher_copy)
    html = cache.get(key)
    if html is None:
        page = render_template(
            "courses/_outline.html",
            network=network,
            course=course,
            view=view,
            teacher_copy=teacher_copy,
        )
        html = Markup(page)  # noqa: S704 (a template rendered with autoescaping)
        cache.put(key, html)
    return html


@bp.route("/n/<net>/<course>/settings", methods=["GET", "POST"])
@login_required
def settings(net: str, course: str) -> str | BaseResponse:
    """Change the course's title, short name, description and license (leaders)."""
    network, row, access = require_course(net, course, Access.MANAGE)
    form = CourseSettingsForm(obj=row)
    if form.validate_on_submit():
        try:
            changed = service.update_course(
                ctx(),
                row,
                title=form.title.data,
                slug=form.slug.data,
                description=form.description.data or "",
                license=form.license.data,
            )
        except CourseError as error:
            _show_error(form, error)
        except GitStoreError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash("Settings saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("courses.settings", net=network.slug, course=row.slug))
    return render_template(
        "courses/settings.html",
        network=network,
        course=row,
        access=access,
        form=form,
        archive_form=ArchiveForm(),
    )


@bp.post("/n/<net>/<course>/settings/archive")
@login_required
def archive(net: str, course: str) -> BaseResponse:
    """Archive the course (read-only for everyone) or unarchive it (leaders)."""
    network, row, _access = require_course(net, course, Access.MANAGE)
    if ArchiveForm().validate_on_submit():
        archived = request.form.get("archived") == "1"
        service.set_archived(ctx(), row, archived)
        flash("The course is archived: it is read-only." if archived else "The course is "
              "editable again.", "success")  # fmt: skip
    return redirect(url_for("courses.settings", net=network.slug, course=row.slug))


@bp.route("/n/<net>/<course>/settings/delete", methods=["GET", "POST"])
@login_required
def delete(net: str, course: str) -> str | BaseResponse:
    """Delete the course and its repository, after the leader types its short name."""
    network, row, access = require_course(net, course, Access.MANAGE)
    form = DeleteCourseForm()
    if form.validate_on_submit():
        title = row.title
        try:
            service.delete_course(ctx(), row, form.confirmation.data)
        except CourseError as error:
            _show_error(form, error)
        else:
            flash(f"The course \u201c{title}\u201d was deleted.", "success")
            return redirect(url_for("networks.home", net=network.slug))
    return render_template(
        "courses/delete.html", network=network, course=row, access=access, form=form
    )


@bp.get("/n/<net>/<course>/archive/<rev>.zip")
def download(net: str, course: str, rev: str) -> Response:
    """Send the whole course at a revision as a zip file."""
    network, row, _access = require_course(net, course)
    with version_or_404():
        archive = reading.course_archive(ctx(), row, rev)
    response = Response(archive.chunks, mimetype="application/zip")
    # Closed with the response, read or not (a HEAD request, a client that went away): that
    # gives the course's repository back.
    response.call_on_close(archive.chunks.close)
    response.headers["Content-Disposition"] = f'attachment; filename="{archive.name}.zip"'
    response.headers["Cache-Control"] = "private, no-cache" if rev == "main" else "private"
    return response


@bp.get("/n/<net>/<course>/print")
def print_course(net: str, course: str) -> str:
    """Show every lesson of the course in order, for printing."""
    network, row, access = require_course(net, course)
    rev = request.args.get("rev") or "main"
    with version_or_404():
        found = reading.printed_course(
            ctx(), row, rev, links=site_links(network, row), caches=reading_caches()
        )
    hidden = STUDENT_COPY_HIDES if request.args.get("copy") == "student" else ()
    if not access & Access.COMMENT:  # visitors from outside the network
        hidden = (*hidden, "instructor")
    lessons = [(entry, _without(content, hidden)) for entry, content in found.lessons]
    return render_template(
        "courses/print.html",
        network=network,
        course=row,
        view=found.view,
        lessons=lessons,
        version=found.version,
        student_copy=request.args.get("copy") == "student",
    )


def _without(content: Any, hidden: tuple[str, ...]) -> Any:
    """Return the lesson content without the boxes a reader is not to get."""
    if not hidden or content.html is None:
        return content
    return replace(content, html=Markup(without_sections(str(content.html), hidden)))  # noqa: S704
