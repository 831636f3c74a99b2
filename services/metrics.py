"""Prometheus text built from the database, so every API replica reports the same figures
whatever worker did the work."""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlmodel import Session

from models.stats import mentions_by_kind, poll_counts, sources_by_status


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
        sources = GaugeMetricFamily("escucha_sources", "Sources by status", labels=["kind", "status"])
        for kind, status, count in sources_by_status(self.session):
            sources.add_metric([kind, status], count)
        yield from (polls, failures, seconds, mentions, sources)


def render_metrics(session: Session) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector(session))
    return generate_latest(registry).decode()
