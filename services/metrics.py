"""Prometheus text built from the database, so every API replica reports the same figures
whatever worker did the work."""

from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlmodel import Session

from models.stats import (
    mentions_by_kind,
    poll_counts,
    skipped_by_kind,
    source_health,
    sources_by_status,
)
from models.tables import Source

SOURCE_LABELS = ["source_id", "brand_id", "workspace_id", "kind"]
ERROR_LABEL_CHARS = 200


class _DatabaseCollector(Collector):
    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        polls = CounterMetricFamily(
            "escucha_polls", "Poll attempts by source kind and outcome", labels=["kind", "outcome"]
        )
        failures = CounterMetricFamily(
            "escucha_poll_failures", "Failed poll attempts by source kind", labels=["kind"]
        )
        seconds = CounterMetricFamily(
            "escucha_poll_seconds", "Total time spent in poll tasks", labels=["kind"]
        )
        totals: dict[str, float] = {}
        failed: dict[str, int] = {}
        for kind, ok, not_modified, count, duration in poll_counts(self.session):
            outcome = "not_modified" if not_modified else ("ok" if ok else "failed")
            polls.add_metric([kind, outcome], count)
            totals[kind] = totals.get(kind, 0.0) + duration
            if not ok:
                failed[kind] = failed.get(kind, 0) + count
        for kind, duration in totals.items():
            seconds.add_metric([kind], duration)
            failures.add_metric([kind], failed.get(kind, 0))
        mentions = CounterMetricFamily(
            "escucha_mentions_stored", "Mentions stored by source kind", labels=["kind"]
        )
        for kind, count in mentions_by_kind(self.session):
            mentions.add_metric([kind], count)
        sources = GaugeMetricFamily(
            "escucha_sources", "Sources by status", labels=["kind", "status"]
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
        yield from (polls, failures, seconds, skipped, mentions, sources)
        yield from source_metrics(source_health(self.session))


def source_metrics(rows: Sequence[Source]) -> list[Metric]:
    """Per-source health, as in the API: status, last and next poll, failures, mentions."""
    status = GaugeMetricFamily(
        "escucha_source_status",
        "1 for the source's current status (ok, failing, paused) and last_error",
        labels=[*SOURCE_LABELS, "status", "last_error"],
    )
    failures = GaugeMetricFamily(
        "escucha_source_consecutive_failures", "Failed polls in a row", labels=SOURCE_LABELS
    )
    found = CounterMetricFamily(
        "escucha_source_mentions_found", "Mentions this source found first", labels=SOURCE_LABELS
    )
    last = GaugeMetricFamily(
        "escucha_source_last_polled_timestamp_seconds",
        "When the source was last polled (Unix time)",
        labels=SOURCE_LABELS,
    )
    upcoming = GaugeMetricFamily(
        "escucha_source_next_poll_timestamp_seconds",
        "When the source is due next (Unix time)",
        labels=SOURCE_LABELS,
    )
    for source in rows:
        labels = [str(source.id), str(source.brand_id), str(source.workspace_id), source.kind]
        error = (source.last_error or "")[:ERROR_LABEL_CHARS]
        status.add_metric([*labels, source.status, error], 1)
        failures.add_metric(labels, source.consecutive_failures)
        found.add_metric(labels, source.mentions_found)
        if source.last_polled_at is not None:
            last.add_metric(labels, source.last_polled_at.timestamp())
        if source.next_poll_at is not None:
            upcoming.add_metric(labels, source.next_poll_at.timestamp())
    return [status, failures, found, last, upcoming]


def render_metrics(session: Session) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector(session))
    return generate_latest(registry).decode()
