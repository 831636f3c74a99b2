"""Which adapter polls which source kind: an explicit dict, one entry per kind."""

from sources.base import SourceAdapter, SourceError
from sources.google_alerts import GoogleAlertsAdapter
from sources.rss import RssAdapter

ADAPTERS: dict[str, SourceAdapter] = {
    RssAdapter.kind: RssAdapter(),
    GoogleAlertsAdapter.kind: GoogleAlertsAdapter(),
}


class UnknownSourceKindError(SourceError, LookupError):
    """No adapter is registered for the source's kind."""


def adapter_for(kind: str) -> SourceAdapter:
    try:
        return ADAPTERS[kind]
    except KeyError:
        raise UnknownSourceKindError(f"no adapter for source kind {kind!r}") from None
