"""Comment bodies as HTML, and @mentions of network members.

A body is Markdown through the lessons' safe renderer (no raw HTML, safe links only). Then
"@username" of a member of the network is marked as a mention; any other "@word" stays plain
text, so mentioning someone outside the network reaches nobody and says nothing about them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import select

from ...content.render import render_body
from ...models import Membership, Network, User
from ..context import Ctx

# "@" at the start or after a space or punctuation, then a username (letters, digits, _ . -).
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})")
_TAG = re.compile(r"(<[^>]+>)")
# Inside these, an "@name" is code or a link's text: left alone.
_VERBATIM = ("code", "pre", "a")


def member_names(ctx: Ctx, network: Network) -> dict[str, str]:
    """Return {username: display name} of the network's members (for mentions)."""
    rows = ctx.session.execute(
        select(User.username, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .filter(Membership.network_id == network.id)
    )
    return {username: display or username for username, display in rows}


def mentioned(body: str, members: Collection[str]) -> list[str]:
    """Return the usernames of members `body` mentions, in order, each once."""
    seen: list[str] = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".-")
        if name in members and name not in seen:
            seen.append(name)
    return seen


@lru_cache(maxsize=4096)
def _rendered(body: str) -> str:
    return render_body(body)


def comment_html(body: str, members: Collection[str]) -> Markup:
    """Return a comment body as safe HTML, members' @mentions marked (the Markdown of a body
    is rendered once per process; marking mentions is a quick pass over the text)."""
    html = _rendered(body or "")
    parts = _TAG.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _VERBATIM:
                depth += -1 if part.startswith("</") else 1
            continue
        if depth == 0 and "@" in part:
            parts[index] = MENTION.sub(lambda m: _mark(m, members), part)
    return Markup("".join(parts))  # noqa: S704  (rendered by the safe renderer, then marked)


def _mark(match: re.Match[str], members: Collection[str]) -> str:
    name = match.group(1)
    trail = name[len(name.rstrip(".-")) :]
    name = name.rstrip(".-")
    if name not in members:
        return match.group(0)
    return f'<span class="mention">@{name}</span>{trail}'
