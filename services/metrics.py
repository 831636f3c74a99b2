"""Prometheus text built from the database, so every API replica reports the same figures
whatever worker did the work.

Labels hold bounded values only: a source kind, an outcome, a status, a sentiment label, and
for the per-brand business series the brand's id and name (cut to BRAND_LABEL_CHARS). Never
a source id, a URL or error text: those live in `GET /v1/sources/{id}`. Counters end in
`_total`, times are seconds.
"""

from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlmodel import Session

from models.stats import (
    BrandMentions,
    BrandSources,
    brand_mentions,
    brand_sources,
    mentions_by_kind,
    poll_counts,
    skipped_by_kind,
    sources_by_status,
)

BRAND_LABELS = ["brand_id", "brand", "kind"]
BRAND_LABEL_CHARS = 100
LABELS = ("positive", "neutral", "negative")


class _DatabaseCollector(Collector):
    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        yield from poll_metrics(poll_counts(self.session))
        mentions = CounterMetricFamily(
            "escucha_mentions_stored", "Mentions stored by source kind", labels=["kind"]
        )
        for kind, count in mentions_by_kind(self.session):
            mentions.add_metric([kind], count)
        sources = GaugeMetricFamily(
            "escucha_sources", "Sources by kind and status", labels=["kind", "status"]
        )
        for kind, status, count in sources_by_status(self.session):
            sources.add_metric([kind, status], count)
        skipped = CounterMetricFamily(
            "escucha_poll_items_skipped",
            "Items sources sent that could not be read (left out; the rest was stored)",
            labels=["kind"],
        )
        for kind, count in skipped_by_kind(self.session):
            skipped.add_metric([kind], count)
        yield from (mentions, sources, skipped)
        yield brand_mention_metric(brand_mentions(self.session))
        yield from brand_source_metrics(brand_sources(self.session))


def poll_metrics(rows: Sequence[tuple[str, bool, bool, int, float]]) -> list[Metric]:
    polls = CounterMetricFamily(
        "escucha_polls", "Poll attempts by source kind and outcome", labels=["kind", "outcome"]
    )
    failures = CounterMetricFamily(
        "escucha_poll_failures", "Failed poll attempts by source kind", labels=["kind"]
    )
    seconds = CounterMetricFamily(
        "escucha_poll_seconds", "Time spent in poll attempts, in seconds", labels=["kind"]
    )
    totals: dict[str, float] = {}
    failed: dict[str, int] = {}
    for kind, ok, not_modified, count, duration in rows:
        outcome = "not_modified" if not_modified else ("ok" if ok else "failed")
        polls.add_metric([kind, outcome], count)
        totals[kind] = totals.get(kind, 0.0) + duration
        failed[kind] = failed.get(kind, 0) + (0 if ok else count)
    for kind, duration in totals.items():
        seconds.add_metric([kind], duration)
        failures.add_metric([kind], failed[kind])
    return [polls, failures, seconds]


def _brand(brand_id: int, name: str, kind: str) -> list[str]:
    return [str(brand_id), " ".join(name.split())[:BRAND_LABEL_CHARS], kind]


def brand_mention_metric(rows: Sequence[BrandMentions]) -> Metric:
    """Mentions held now per brand, source kind and sentiment label. A gauge: a mention
    deleted at its source leaves the store. Volume over a range: `delta(...[1d])`."""
    held = GaugeMetricFamily(
        "escucha_brand_mentions",
        "Mentions stored for a brand, by source kind and sentiment label",
        labels=[*BRAND_LABELS, "label"],
    )
    for row in rows:
        labels = _brand(row.brand_id, row.brand, row.kind)
        for label, count in zip(LABELS, (row.positive, row.neutral, row.negative), strict=True):
            held.add_metric([*labels, label], count)
    return held


def brand_source_metrics(rows: Sequence[BrandSources]) -> list[Metric]:
    """Source health per brand and kind: how many sources in each status, their failures
    in a row, and the oldest last poll (a stalled scheduler shows as a growing age)."""
    sources = GaugeMetricFamily(
        "escucha_brand_sources",
        "A brand's sources by kind and status (ok, failing, paused)",
        labels=[*BRAND_LABELS, "status"],
    )
    failures = GaugeMetricFamily(
        "escucha_brand_source_consecutive_failures",
        "Failed polls in a row, summed over a brand's sources of a kind and status",
        labels=[*BRAND_LABELS, "status"],
    )
    oldest = GaugeMetricFamily(
        "escucha_brand_source_oldest_poll_timestamp_seconds",
        "The least recent last poll among a brand's sources of a kind and status (Unix time)",
        labels=[*BRAND_LABELS, "status"],
    )
    for row in rows:
        labels = [*_brand(row.brand_id, row.brand, row.kind), row.status]
        sources.add_metric(labels, row.count)
        failures.add_metric(labels, row.consecutive_failures)
        if row.oldest_poll is not None:
            oldest.add_metric(labels, row.oldest_poll.timestamp())
    return [sources, failures, oldest]


def render_metrics(session: Session) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector(session))
    return generate_latest(registry).decode()
