"""Telling people what needs them: who hears of what happened, their inbox, and their email.

The `on_*` functions run as jobs after what happened was committed (a thread posted, a cycle
moved, an invitation, a join request): each works out the people concerned, leaves out the
one who acted and anyone who may not read the course, adds a notification for each, and
sends the ones their settings want emailed at once. `send_digest` sends the daily digests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from ...access import Access, permissions
from ...mail import MailError, Message, send
from ...models import (
    Comment,
    Course,
    EmailChoice,
    Invitation,
    Membership,
    Network,
    Notification,
    NotificationKind,
    NotificationSetting,
    Role,
    Study,
    Thread,
    User,
)
from ...models._base import utcnow
from ..context import Ctx
from ..reading import title_now
from ..studies import PHASE_WORDS

K = NotificationKind

# What each kind is called on the settings page, and how it reaches people by default.
KINDS: dict[str, tuple[str, str]] = {
    K.MENTION.value: ("Someone mentions me (@name) in a thread", EmailChoice.NOW.value),
    K.REPLY.value: ("Someone replies in a thread I started or took part in", EmailChoice.NOW.value),
    K.PHASE.value: (
        "A lesson-study cycle I am on moves to its next phase",
        EmailChoice.DAILY.value,
    ),
    K.INVITATION.value: ("I am invited to join a network", EmailChoice.OFF.value),
    K.JOIN_REQUEST.value: ("Someone asks to join a network I lead", EmailChoice.DAILY.value),
    K.RESOURCE_REQUEST.value: (
        "A teacher asks my organization for a visit, speaker or loan",
        EmailChoice.NOW.value,
    ),
}
EXCERPT = 280


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    inbox: bool
    email: str


def preferences(ctx: Ctx, user: User) -> list[Preference]:
    """Return the user's setting for every kind, defaults filled in."""
    stored = {
        row.kind: row
        for row in ctx.session.scalars(select(NotificationSetting).filter_by(user_id=user.id))
    }
    found = []
    for kind, (label, email) in KINDS.items():
        row = stored.get(kind)
        found.append(
            Preference(kind, label, row.inbox if row else True, row.email if row else email)
        )
    return found


class SettingsError(ValueError):
    """A notification setting that is not one of the choices."""


def set_preferences(ctx: Ctx, user: User, chosen: dict[str, tuple[bool, str]]) -> None:
    """Return nothing, after storing `chosen` ({kind: (in the inbox, email choice)})."""
    for kind, (inbox, email) in chosen.items():
        if kind not in KINDS:
            raise SettingsError(f"There is no kind of notification called \u201c{kind}\u201d.")
        if email not in {choice.value for choice in EmailChoice}:
            raise SettingsError("Email is sent at once, in a daily digest, or not at all.")
        row = ctx.session.get(NotificationSetting, (user.id, kind))
        if row is None:
            row = NotificationSetting(user_id=user.id, kind=kind)
            ctx.session.add(row)
        row.inbox, row.email = bool(inbox), email
    ctx.session.commit()


def _preference(ctx: Ctx, user_id: int, kind: str) -> tuple[bool, str]:
    row = ctx.session.get(NotificationSetting, (user_id, kind))
    if row is not None:
        return row.inbox, row.email
    return True, KINDS[kind][1]


def notify(
    ctx: Ctx,
    recipients: Iterable[User],
    kind: str,
    *,
    actor: User | None,
    network: Network | None,
    title: str,
    url: str,
    excerpt: str = "",
    base_url: str = "",
) -> list[Notification]:
    """Return the notifications added (one per recipient, the actor left out), after
    emailing those whose settings say "at once"."""
    added: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen or (actor is not None and user.id == actor.id):
            continue
        seen.add(user.id)
        inbox, email = _preference(ctx, user.id, kind)
        if not inbox and email == EmailChoice.OFF.value:
            continue
        row = Notification(
            user_id=user.id,
            kind=kind,
            actor_id=actor.id if actor else None,
            network_id=network.id if network else None,
            title=title[:300],
            excerpt=_plain(excerpt)[:EXCERPT],
            url=url[:500],
            # Not shown in the inbox: counted as read there, kept for the email.
            read_at=None if inbox else utcnow(),
        )
        ctx.session.add(row)
        added.append(row)
    ctx.session.commit()
    for row in added:
        if _preference(ctx, row.user_id, kind)[1] == EmailChoice.NOW.value:
            _email_now(ctx, row, base_url)
    return added


def _plain(text: str) -> str:
    return " ".join(text.split())


def _email_now(ctx: Ctx, row: Notification, base_url: str) -> None:
    user = ctx.session.get(User, row.user_id)
    if user is None or not user.email:
        return
    site = ctx.settings.site_name
    body = f"{row.title}\n\n"
    if row.excerpt:
        body += f"\u201c{row.excerpt}\u201d\n\n"
    body += f"Open it: {_link(base_url, row.url)}\n\n"
    body += _footer(base_url, site)
    try:
        send(ctx.settings, Message(user.email, row.title, body))
    except MailError:
        return  # logged by send(); the notification stays in the inbox
    row.emailed_at = utcnow()
    ctx.session.commit()


def _link(base_url: str, path: str) -> str:
    return (base_url.rstrip("/") + path) if base_url else path


def _footer(base_url: str, site: str) -> str:
    return (
        f"You receive this because of your notification settings on {site}: "
        f"{_link(base_url, '/settings/notifications')}\n"
    )


def _readers(ctx: Ctx, users: Iterable[User], network: Network, course: Course) -> list[User]:
    return [
        user
        for user in users
        if permissions(user, network, course, session=ctx.session) & Access.READ
    ]


def on_thread_posted(
    ctx: Ctx, thread_id: int, comment_id: int, actor_id: int, opened: bool, base_url: str = ""
) -> None:
    """Tell the people mentioned in the comment, and (for a reply) the thread's people."""
    from ..threads import member_names, mentioned

    thread = ctx.session.get(Thread, thread_id)
    comment = ctx.session.get(Comment, comment_id)
    actor = ctx.session.get(User, actor_id)
    if thread is None or comment is None or actor is None:
        return
    course = ctx.session.get(Course, thread.course_id)
    if course is None:
        return
    network = course.network
    names = mentioned(comment.body, member_names(ctx, network))
    named = list(ctx.session.scalars(select(User).where(User.username.in_(names)))) if names else []
    title_of = title_now(ctx, course, thread.path)
    who = actor.display_name or actor.username
    url = f"/n/{network.slug}/{course.slug}/threads/{thread.id}"
    notify(
        ctx,
        _readers(ctx, named, network, course),
        K.MENTION.value,
        actor=actor,
        network=network,
        title=f"{who} mentioned you in a thread on \u201c{title_of}\u201d",
        url=url,
        excerpt=comment.body,
        base_url=base_url,
    )
    if opened:
        return
    mentioned_ids = {user.id for user in named}
    people = [c.author for c in thread.comments if c.author is not None and c.id != comment.id]
    if thread.author is not None:
        people.insert(0, thread.author)
    others = [user for user in people if user.id not in mentioned_ids]
    notify(
        ctx,
        _readers(ctx, others, network, course),
        K.REPLY.value,
        actor=actor,
        network=network,
        title=f"{who} replied in a thread on \u201c{title_of}\u201d",
        url=url,
        excerpt=comment.body,
        base_url=base_url,
    )


def on_study_moved(
    ctx: Ctx, study_id: int, actor_id: int, from_phase: str, to_phase: str, base_url: str = ""
) -> None:
    """Tell the cycle's team that it moved on."""
    study = ctx.session.get(Study, study_id)
    actor = ctx.session.get(User, actor_id)
    if study is None:
        return
    course = ctx.session.get(Course, study.course_id)
    if course is None:
        return
    network = course.network
    team = [member.user for member in study.team if member.user is not None]
    who = (actor.display_name or actor.username) if actor else "Someone"
    phase = PHASE_WORDS.get(to_phase, to_phase)
    notify(
        ctx,
        team,
        K.PHASE.value,
        actor=actor,
        network=network,
        title=f"{who} moved the cycle \u201c{study.title}\u201d to {phase}",
        url=f"/n/{network.slug}/{course.slug}/studies/{study.id}",
        base_url=base_url,
    )


def on_invited(
    ctx: Ctx, network_id: int, invitation_id: int, actor_id: int, email: str, base_url: str = ""
) -> None:
    """Tell the person invited, if they have an account with that confirmed address."""
    network = ctx.session.get(Network, network_id)
    invitation = ctx.session.get(Invitation, invitation_id)
    actor = ctx.session.get(User, actor_id)
    if network is None or invitation is None:
        return
    found = ctx.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if found is None:
        return
    who = (actor.display_name or actor.username) if actor else "A leader"
    notify(
        ctx,
        [found],
        K.INVITATION.value,
        actor=actor,
        network=network,
        title=f"{who} invited you to join {network.name}: open the invitation link they sent "
        "you to accept",
        url=f"/n/{network.slug}/",
        base_url=base_url,
    )


def on_join_requested(ctx: Ctx, network_id: int, user_id: int, base_url: str = "") -> None:
    """Tell the network's leaders that someone asks to join."""
    network = ctx.session.get(Network, network_id)
    asker = ctx.session.get(User, user_id)
    if network is None or asker is None:
        return
    leaders = ctx.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.network_id == network.id, Membership.role == Role.LEADER.value)
    )
    notify(
        ctx,
        leaders,
        K.JOIN_REQUEST.value,
        actor=asker,
        network=network,
        title=f"{asker.display_name or asker.username} asks to join {network.name}",
        url=f"/n/{network.slug}/members",
        base_url=base_url,
    )


@dataclass(frozen=True)
class InboxPage:
    items: list[Notification]
    unread: int
    next_before: int | None


def inbox(
    ctx: Ctx, user: User, *, unread_only: bool = False, before: int | None = None, limit: int = 30
) -> InboxPage:
    """Return a page of the user's notifications, newest first (paged by id)."""
    query = select(Notification).where(Notification.user_id == user.id)
    hidden = [kind for kind, inbox_on in _inbox_settings(ctx, user).items() if not inbox_on]
    if hidden:
        query = query.where(Notification.kind.not_in(hidden))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before is not None:
        query = query.where(Notification.id < before)
    rows = list(ctx.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(rows, unread_count(ctx, user), rows[-1].id if more else None)


def _inbox_settings(ctx: Ctx, user: User) -> dict[str, bool]:
    return {
        row.kind: row.inbox
        for row in ctx.session.scalars(select(NotificationSetting).filter_by(user_id=user.id))
    }


def unread_count(ctx: Ctx, user: User) -> int:
    """Return how many notifications the user has not read (the header's number)."""
    return int(
        ctx.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(ctx: Ctx, user: User, ids: Sequence[int] | None = None) -> int:
    """Return how many of the user's notifications were marked read (all, without `ids`)."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    done = ctx.session.execute(query.values(read_at=utcnow()))
    ctx.session.commit()
    return int(getattr(done, "rowcount", 0) or 0)


def send_digest(ctx: Ctx, base_url: str = "", now: datetime | None = None) -> int:
    """Return how many digests were sent: one email per person with notifications of kinds
    they want daily, not yet emailed, from the last day (older ones are left to the inbox)."""
    now = now or utcnow()
    pending = ctx.session.scalars(
        select(Notification)
        .where(
            Notification.emailed_at.is_(None), Notification.created_at >= now - timedelta(days=1)
        )
        .order_by(Notification.user_id, Notification.id)
    )
    by_user: dict[int, list[Notification]] = {}
    for row in pending:
        if _preference(ctx, row.user_id, row.kind)[1] == EmailChoice.DAILY.value:
            by_user.setdefault(row.user_id, []).append(row)
    sent = 0
    for user_id, rows in by_user.items():
        user = ctx.session.get(User, user_id)
        if user is None or not user.email:
            continue
        lines = [f"- {row.title}\n  {_link(base_url, row.url)}" for row in rows]
        count = len(rows)
        things = f"{count} thing{'s' if count != 1 else ''}"
        subject = f"{ctx.settings.site_name}: {things} for you today"
        footer = _footer(base_url, ctx.settings.site_name)
        body = "Since yesterday:\n\n" + "\n".join(lines) + "\n\n" + footer
        try:
            send(ctx.settings, Message(user.email, subject, body))
        except MailError:
            continue
        for row in rows:
            row.emailed_at = now
        sent += 1
    ctx.session.commit()
    return sent


def as_json(row: Notification) -> dict[str, Any]:
    """Return a notification as the API shows it."""
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "excerpt": row.excerpt,
        "url": row.url,
        "actor": row.actor.username if row.actor else None,
        "created_at": row.created_at.isoformat(),
        "read": row.read_at is not None,
    }


_REQUEST_WORDS = {
    "asked": "asked {partner} for \u201c{resource}\u201d",
    "accepted": "accepted the request for \u201c{resource}\u201d",
    "declined": "declined the request for \u201c{resource}\u201d",
    "wrote": "wrote about the request for \u201c{resource}\u201d",
}


def on_request_changed(
    ctx: Ctx, network_id: int, request_id: int, actor_id: int, action: str, base_url: str = ""
) -> None:
    """Tell the other side of a request to a partner: its people when the teacher asks or
    writes, the teacher when the partner answers or writes."""
    from ...models import ResourceRequest

    request = ctx.session.get(ResourceRequest, request_id)
    network = ctx.session.get(Network, network_id)
    actor = ctx.session.get(User, actor_id)
    if request is None or network is None or actor is None:
        return
    resource = request.resource
    partner = resource.partner
    if actor.id == request.requester_id:
        recipients = [person.user for person in partner.people if person.user is not None]
    else:
        recipients = [request.requester]
    who = actor.display_name or actor.username
    if actor.id != request.requester_id and action in ("accepted", "declined"):
        who = f"{who} ({partner.name})"
    words = _REQUEST_WORDS.get(action, _REQUEST_WORDS["wrote"])
    last = request.history[-1].message if request.history else ""
    notify(
        ctx,
        recipients,
        K.RESOURCE_REQUEST.value,
        actor=actor,
        network=network,
        title=f"{who} " + words.format(partner=partner.name, resource=resource.title),
        url=f"/n/{network.slug}/partners/requests/{request.id}",
        excerpt=last or "",
        base_url=base_url,
    )
