"""The `google_alerts` adapter: the RSS (Atom) feed of a Google Alert.

The user creates the alert with "Deliver to: RSS feed" and gives us the feed URL. Entry
titles are HTML with `<b>` highlights (made plain text here); links are Google redirects
(`https://www.google.com/url?...&url=REAL`), returned as they are: the store unwraps them
with `domain.canonical.canonical_url`; the always-empty author names become None.
"""

from typing import ClassVar

from sources.rss import RssAdapter


class GoogleAlertsAdapter(RssAdapter):
    """A feed like any other: only its kind, and so its checks at creation, differ."""

    kind: ClassVar[str] = "google_alerts"
