"""Human names for the report's fields, metrics, labels and statuses, in the reader's language.

The keys are the API's names (fixed by the spec); the values are English msgids of the gettext
domain ``terms`` (``locales/es/LC_MESSAGES/terms.po`` has the Spanish), shared by the pages and
the emails so both call a figure the same: ``net_sentiment`` is "net sentiment" /
"sentimiento neto". Values of metrics are written by :func:`metric_value`.
"""

from core.i18n import Formats, Language, gettext

DOMAIN = "terms"

NAMES: dict[str, str] = {
    # metrics and figures
    "mentions": "mentions",
    "net_sentiment": "net sentiment",
    "avg_sentiment": "average sentiment",
    "positive_share": "positive share",
    "share_of_voice": "share of voice",
    "stories": "stories",
    "strength": "strength",
    "passion": "passion",
    "reach": "reach",
    "sentiment_ratio": "sentiment ratio",
    "sentiment": "sentiment",
    "volume": "volume",
    "previous_period": "previous period",
    "change_pct": "change",
    "engagement": "engagement",
    # lists of the Situation report
    "by_source": "source kinds",
    "by_media_type": "media types",
    "top_domains": "top sites",
    "top_authors": "top authors",
    "top_terms": "top terms",
    "top_mentions": "top mentions",
    "top_stories": "top stories",
    "peaks": "peaks",
    "health": "source health",
    # sentiment labels
    "positive": "positive",
    "neutral": "neutral",
    "negative": "negative",
    # media types
    "owned": "owned",
    "earned": "earned",
    "paid": "paid",
    # objectives (Control)
    "baseline": "baseline",
    "current": "current",
    "target": "target",
    "progress_pct": "progress",
    "projected": "projected",
    "start": "start",
    "deadline": "deadline",
    "at_least": "at least",
    "at_most": "at most",
    "achieved": "achieved",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    # sources
    "ok": "working",
    "failing": "failing",
    "paused": "paused",
    "google_alerts": "Google Alerts",
    "rss": "RSS feed",
    "reddit": "Reddit",
    "google_news": "Google News",
    "hackernews": "Hacker News",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    # alert kinds
    "spike": "spike",
    "negative_surge": "negative surge",
    "digest": "digest",
}

RATIO_METRICS = ("positive_share", "share_of_voice")


def name(key: str, language: Language, *, capital: bool = False) -> str:
    """The human name of an API name (an unknown key is returned with spaces for _)."""
    text = gettext(DOMAIN, language, NAMES[key]) if key in NAMES else key.replace("_", " ")
    return text[:1].upper() + text[1:] if capital else text


def metric_value(metric: str, value: float, formats: Formats) -> str:
    """A metric's value as a reader expects it: a count as a whole number, net sentiment
    with one decimal and its sign, average sentiment with two, shares as percentages."""
    if metric == "mentions":
        return formats.integer(value)
    if metric == "net_sentiment":
        return formats.signed(value, 1)
    if metric == "avg_sentiment":
        return formats.signed(value, 2)
    if metric in RATIO_METRICS:
        return formats.percent(value, 1)
    return formats.decimal(value, 2)
