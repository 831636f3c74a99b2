"""Send one email over SMTP as ESCUCHA_SMTP_URL says.

    smtp://user:pass@host:587?starttls=1   plain SMTP, upgraded with STARTTLS
    smtp://host:25                         plain SMTP (a local relay)
    smtps://user:pass@host:465             SMTP over TLS from the first byte

User name and password are percent-decoded (`%40` for an @ in a user name). Errors come
out as MailError, `permanent` when the server refused for good (5xx), else temporary.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_VALUES = {"1", "true", "yes", "on"}


class MailError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False


def parse_smtp_url(url: str) -> SmtpConfig:
    if not url:
        raise MailError("no SMTP server configured: set ESCUCHA_SMTP_URL")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError("ESCUCHA_SMTP_URL must look like smtp://user:pass@host:port?starttls=1")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in TRUE_VALUES
    tls = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if tls else 25)
    except ValueError as exc:
        raise MailError(f"ESCUCHA_SMTP_URL has a bad port: {exc}") from None
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls,
        tls=tls,
    )


def _connect(config: SmtpConfig, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.tls:
        return smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(config.host, config.port, timeout=timeout)
    if config.starttls:
        smtp.starttls(context=context)
    return smtp


def send_email(config: SmtpConfig, message: EmailMessage, *, timeout: float) -> None:
    """Hand `message` to the server for its To recipients; MailError on failure."""
    try:
        with _connect(config, timeout) as smtp:
            if config.username:
                smtp.login(config.username, config.password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"recipient refused: {_codes(exc.recipients)}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        raise MailError(f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP to {config.host}:{config.port} failed: {exc}") from None
    if refused:
        raise MailError(f"recipient refused: {_codes(refused)}", permanent=True)


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({code})" for addr, (code, _text) in refused.items())
