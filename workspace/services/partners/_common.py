"""What every part of the partners area shares: its error, and checks of what people type."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ...access import Access

MAX_TEXT = 5000


class PartnerError(Exception):
    """A partners request that cannot be done, with a message a teacher understands;
    `status` is the HTTP status that fits (403, 404, 409, 422) and `field` the form field."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def need(access: Access, flag: Access, message: str) -> None:
    """Raise PartnerError(403) unless `access` holds `flag`."""
    if (access & flag) != flag:
        raise PartnerError(message, status=403)


def text(value: str | None, field: str, limit: int, *, required: str | None = None) -> str:
    """Return `value` trimmed; raise when it is longer than `limit`, or empty and `required`
    (the message to give)."""
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if required and not cleaned:
        raise PartnerError(required, field=field)
    if len(cleaned) > limit:
        raise PartnerError(
            f"This is too long ({len(cleaned):,} characters; at most {limit:,}).", field=field
        )
    return cleaned


_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def web_address(value: str | None, field: str, *, required: bool = True) -> str:
    """Return a web address that starts with http:// or https:// and names a site; raise
    PartnerError saying why anything else (javascript:, data:, ftp:, no site) is refused."""
    address = (value or "").strip()
    if not address:
        if required:
            raise PartnerError("Give the web address, starting with https://.", field=field)
        return ""
    if len(address) > 1000:
        raise PartnerError("This web address is too long (at most 1,000 characters).", field=field)
    scheme = address.split(":", 1)[0].lower() if ":" in address else ""
    try:
        parts = urlsplit(address)
        hostname = parts.hostname
    except ValueError:  # such as an unclosed [ in the site's name
        parts, hostname = None, None
    if scheme not in ("http", "https") or (parts and parts.scheme.lower() not in ("http", "https")):
        shown = f"\u201c{scheme}:\u201d addresses are" if scheme else "This is"
        raise PartnerError(
            f"{shown} not accepted: a web address must start with http:// or https:// "
            "(such as https://example.org/data).",
            field=field,
        )
    if not hostname or _CONTROL.search(address) or "\\" in address:
        raise PartnerError(
            "This web address is not complete: write it as https://example.org/page.",
            field=field,
        )
    return address


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: str | None, field: str) -> str:
    """Return an email address (or empty); raise for text that is not one."""
    address = (value or "").strip()
    if address and (len(address) > 254 or not _EMAIL.match(address)):
        raise PartnerError("Write the email address as name@example.org.", field=field)
    return address


def choice(value: str | None, allowed: dict[str, str], field: str, what: str) -> str:
    """Return `value` if it is one of `allowed` (value: label); raise naming the choices."""
    if value in allowed:
        return value  # type: ignore[return-value]
    names = ", ".join(label.lower() for label in allowed.values())
    raise PartnerError(f"Choose {what}: {names}.", field=field)
