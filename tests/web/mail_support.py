"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), collecting what the app sends.

Use `smtp_server()` in a fixture and point the app at it with `mail_config(box)`; the app sends
synchronously, so a message is in `box.messages` as soon as the request that sent it returns.
"""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LINK = re.compile(r"https?://[^\s/]+(/\S+)")


@dataclass
class Mailbox:
    """The messages the test SMTP server accepted, and who signed in to send them."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages sent to `address`, oldest first."""
        return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """Return the path of the link in the newest message to `address`."""
        found = self.to(address)
        assert found, f"no email was sent to {address}"
        return link_in(found[-1])


def link_in(message: EmailMessage) -> str:
    """Return the path (without scheme and host) of the one link in a message's text."""
    body = message.get_content()
    links = LINK.findall(body)
    assert len(links) == 1, body
    return str(links[0])


class _Collector:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.box.messages.append(message)  # type: ignore[arg-type]
        self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(users: dict[str, str] | None = None) -> Iterator[Mailbox]:
    """Run an SMTP server on a free local port; with `users`, it accepts AUTH LOGIN/PLAIN."""
    box = Mailbox("127.0.0.1", _free_port())

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        if isinstance(auth, LoginPassword):
            name, password = auth.login.decode(), auth.password.decode()
            if users and users.get(name) == password:
                box.logins.append((name, mechanism))
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    options: dict[str, Any] = {}
    if users is not None:
        options = {"authenticator": authenticator, "auth_require_tls": False}
    controller = Controller(_Collector(box), hostname=box.host, port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def mail_config(box: Mailbox) -> dict[str, Any]:
    """Return the app settings that send mail to the test server."""
    return {"MAIL_SERVER": box.host, "MAIL_PORT": box.port, "MAIL_USE_TLS": False}
