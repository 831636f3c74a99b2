"""The `google_alerts` adapter: the RSS (Atom) feed of a Google Alert.

The user creates the alert with "Deliver to: RSS feed" and gives us the feed URL. Entry
titles are HTML with `<b>` highlights (made plain text here); links are Google redirects
(`https://www.google.com/url?...&url=REAL`), returned as they are: the store unwraps them
with `domain.canonical.canonical_url`; the always-empty author names become None.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from sources.base import PollOutcome, SourceConfig
from sources.http import FetchLimits
from sources.rss import poll_feed


class GoogleAlertsAdapter:
    kind: ClassVar[str] = "google_alerts"

    def __init__(self, limits: FetchLimits | None = None) -> None:
        self.limits = limits

    def poll(
        self, client: httpx.Client, config: SourceConfig, cursor: Mapping[str, Any]
    ) -> PollOutcome:
        return poll_feed(client, config, cursor, limits=self.limits)
