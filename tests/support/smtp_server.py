"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.processes import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class SmtpSink:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 OK"

    def url(self, *, user: str | None = None, password: str | None = None, **query: str) -> str:
        auth = f"{user}:{password}@" if user else ""
        suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        return f"smtp://{auth}{self.host}:{self.port}{suffix}"


class _Authenticator:
    def __init__(self, sink: SmtpSink, user: str, password: str) -> None:
        self.sink, self.user, self.password = sink, user, password

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        ok = (
            isinstance(auth, LoginPassword)
            and auth.login.decode() == self.user
            and auth.password.decode() == self.password
        )
        if ok:
            self.sink.logins.append(self.user)
        return AuthResult(success=ok)


@contextmanager
def smtp_server(
    *,
    host: str = "127.0.0.1",
    login: tuple[str, str] | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> Iterator[SmtpSink]:
    """Serve SMTP on a free port; with `login`, AUTH is required (over plain text unless a
    `tls_context` makes the server offer and require STARTTLS)."""
    sink = SmtpSink(host=host, port=free_port())
    options: dict[str, Any] = {}
    if login is not None:
        options |= {
            "authenticator": _Authenticator(sink, *login),
            "auth_required": True,
            "auth_require_tls": tls_context is not None,
        }
    if tls_context is not None:
        options |= {"tls_context": tls_context, "require_starttls": True}
    controller = Controller(sink, hostname=host, port=sink.port, **options)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
