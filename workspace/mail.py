"""Sending email: through an SMTP server when one is configured, else into the log.

With `MAIL_SERVER` set (`WORKSPACE_MAIL_SERVER`), messages go out over SMTP on `MAIL_PORT`,
upgraded with STARTTLS when `MAIL_USE_TLS` is on, signed in with `MAIL_USERNAME` and
`MAIL_PASSWORD` when given, from `MAIL_FROM` (default: the site name at
noreply@<NOREPLY_DOMAIN>). Connections time out after `MAIL_TIMEOUT_SECONDS`.

Without a server (the default on a single machine), the whole message, links included, is
written to the `workspace.mail` log at INFO, so someone running the app locally can follow
the link from the terminal. Nothing here reads Flask: callers pass the settings.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Protocol

logger = logging.getLogger("workspace.mail")


class SettingsLike(Protocol):
    """What sending needs of the settings: any configuration value by name."""

    def get(self, name: str, default: Any = None) -> Any: ...


@dataclass(frozen=True)
class Message:
    """One plain-text email to one person."""

    to: str
    subject: str
    body: str


class MailError(Exception):
    """The message could not be handed to the mail server (it was not sent)."""


def sender(settings: SettingsLike) -> str:
    """Return the From address: MAIL_FROM, or the site's name at its no-reply address."""
    configured = settings.get("MAIL_FROM")
    if configured:
        return str(configured)
    site = settings.get("SITE_NAME") or "Lesson Study Workspace"
    domain = settings.get("NOREPLY_DOMAIN") or "workspace.invalid"
    return formataddr((str(site), f"noreply@{domain}"))


def build(settings: SettingsLike, message: Message) -> EmailMessage:
    """Return the message as it goes over the wire."""
    email = EmailMessage()
    email["From"] = sender(settings)
    email["To"] = message.to
    email["Subject"] = message.subject
    domain = str(settings.get("NOREPLY_DOMAIN") or "workspace.invalid")
    email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.body)
    return email


def send(settings: SettingsLike, message: Message) -> None:
    """Send `message` through the configured SMTP server, or write it to the log.

    Raises MailError when the server cannot be reached or refuses the message.
    """
    email = build(settings, message)
    server = settings.get("MAIL_SERVER")
    if not server:
        logger.info(
            "Email not sent (no MAIL_SERVER is configured); here it is:\nTo: %s\nSubject: %s\n\n%s",
            message.to,
            message.subject,
            message.body,
        )
        return
    port = int(settings.get("MAIL_PORT") or 587)
    timeout = float(settings.get("MAIL_TIMEOUT_SECONDS") or 10)
    try:
        with smtplib.SMTP(str(server), port, timeout=timeout) as smtp:
            if settings.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            username = settings.get("MAIL_USERNAME")
            if username:
                smtp.login(str(username), str(settings.get("MAIL_PASSWORD") or ""))
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        # Never log the password; the server and the recipient are enough to investigate.
        logger.warning(
            "Could not send email to %s through %s:%s: %s", message.to, server, port, error
        )
        raise MailError(str(error)) from error
    logger.info("Sent email to %s: %s", message.to, message.subject)
