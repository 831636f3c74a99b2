"""What stops this process, not the source, from polling a source: its own settings.

`escucha poll` runs in the user's shell, which may lack settings the service has (an
`ESCUCHA_ALLOW_PRIVATE_HOSTS` exported only in the shell that ran `escucha up`, say). A poll
that fails for such a reason says so and is not made: the source's state (last_error,
consecutive_failures, backoff) is the service's record of the source, not of a shell.
"""

from urllib.parse import urlsplit

from sqlmodel import Session

from core.settings import Settings
from models.tables import Source
from sources.netguard import HostResolutionError, UnsafeURLError, check_host

HINT = (
    "this shell's settings differ from the service's? Put ESCUCHA_ settings in .env beside "
    "the data folder (read by every escucha command), or export them here too"
)
CREDENTIALS = {
    "reddit": ("ESCUCHA_REDDIT_CLIENT_ID", "ESCUCHA_REDDIT_CLIENT_SECRET"),
    "bluesky": ("ESCUCHA_BLUESKY_HANDLE", "ESCUCHA_BLUESKY_APP_PASSWORD"),
}


def environment_problem(session: Session, source_id: int, settings: Settings) -> str | None:
    """Why this process's settings keep it from polling the source; None when they do not."""
    source = session.get(Source, source_id)
    if source is None:
        return None
    missing = [name for name in CREDENTIALS.get(source.kind, ()) if not _setting(settings, name)]
    if missing:
        return f"not polled: {' and '.join(missing)} not set in this process ({HINT})"
    target = source.url or source.instance
    if target and not settings.allow_private_hosts:
        try:
            check_host(urlsplit(target).hostname or "")
        except UnsafeURLError as exc:
            return f"not polled: {exc.message} ({HINT})"
        except HostResolutionError:
            return None  # a real failure of the source: the poll records it
    return None


def _setting(settings: Settings, variable: str) -> str:
    value = getattr(settings, variable.removeprefix("ESCUCHA_").lower())
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text.strip()
