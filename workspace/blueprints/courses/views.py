"""Courses: create one, its home page, settings, archive, delete, zip download and print.

Every view first asks access.require_course (or require_network to create), which answers 404
for private networks the user may not see and redirects a renamed course's old address.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from ...access import Access, require_course, require_network
from ...extensions import db
from ...forms.courses import ArchiveForm, CourseForm, CourseSettingsForm, DeleteCourseForm
from ...git import CommitInfo, CourseRepo, GitStoreError
from ...models import Course, Network, User
from ...runtime import repo_store
from ...services import courses as service
from ...services import reading
from ...services.courses import CourseError, CourseFields
from ...services.reading import printed_lessons, reading_cache
from ..reading.lessons import course_links, git_error_page, resolve_or_404

bp = Blueprint("courses", __name__)
bp.register_error_handler(GitStoreError, git_error_page)
RECENT_CHANGES = 10


def _user() -> User:
    return current_user  # type: ignore[return-value]


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
            course = service.create_course(db.session, repo_store(), _user(), network, fields)
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
    with repo_store().open(row.id) as repo:
        view = reading.course_view(db.session, repo, row.id, "main", row.title)
        recent = _recent_changes(repo, row.id, view.commit)
    return render_template(
        "courses/home.html",
        network=network,
        course=row,
        access=access,
        view=view,
        outline_html=_outline_html(network, row, view),
        recent=recent,
        clone_url=clone_url_for(network, row),
    )


def _recent_changes(repo: CourseRepo, course_id: int, commit: str) -> list[CommitInfo]:
    """Return the newest commits up to `commit` (cached: a commit's past never changes)."""
    cache = reading_cache()
    key = ("recent", course_id, commit)
    found = cache.get(key)
    if found is None:
        found = repo.history(commit, limit=RECENT_CHANGES).commits
        cache.put(key, found)
    return found


def _outline_html(network: Network, course: Course, view: reading.CourseView) -> Markup:
    """Return the rendered outline, made once per commit: a thousand lessons take a while."""
    cache = reading_cache()
    key = ("outline-html", course.id, view.commit, network.slug, course.slug)
    html = cache.get(key)
    if html is None:
        page = render_template("courses/_outline.html", network=network, course=course, view=view)
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
                db.session,
                repo_store(),
                _user(),
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
        service.set_archived(db.session, _user(), row, archived)
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
            service.delete_course(db.session, repo_store(), _user(), row, form.confirmation.data)
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
    repo = repo_store().open(row.id)
    try:
        commit = resolve_or_404(repo, rev)
    except BaseException:
        repo.close()
        raise
    name = f"{row.slug}-{commit[:10]}"

    body = repo.iter_archive_zip(commit, prefix=f"{name}/")
    response = Response(body, mimetype="application/zip")
    # Closed with the response, read or not (a HEAD request, a client that went away).
    response.call_on_close(repo.close)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response.headers["Cache-Control"] = "private, no-cache" if rev == "main" else "private"
    return response


@bp.get("/n/<net>/<course>/print")
def print_course(net: str, course: str) -> str:
    """Show every lesson of the course in order, for printing."""
    network, row, _access = require_course(net, course)
    rev = request.args.get("rev") or "main"
    with repo_store().open(row.id) as repo:
        commit = resolve_or_404(repo, rev)
        view = reading.course_view(db.session, repo, row.id, commit, row.title)
        lessons = printed_lessons(
            db.session, repo, view, lambda unit: course_links(network, row, unit, rev, commit)
        )
    return render_template(
        "courses/print.html", network=network, course=row, view=view, lessons=lessons
    )
