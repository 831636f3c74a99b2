"""The work benchmarks.reports times: our services, and the same reports written by hand as
plain SQL over the same tables and indexes (then the same Python for terms, source health
and the objective rules), so the ratio shows what our query layer costs."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from domain import control as rules
from domain.poll_health import failed_hours, find_gaps, gap_hours
from domain.query import parse_query
from domain.terms import top_terms
from models.tables import Brand
from services.control import build_control
from services.situation import build_situation
from services.trends import build_trend

SUMS = (
    "sum(mentions), sum(positive), sum(neutral), sum(negative), "
    "sum(compound_positive + compound_neutral + compound_negative), "
    "sum(owned), sum(earned), sum(paid)"
)


def _hour(moment: datetime) -> int:
    return int(moment.timestamp()) // 3600


class Work:
    def __init__(self, session: Session, brand_id: int, timezone: str, now: datetime) -> None:
        brand = session.get(Brand, brand_id)
        assert brand is not None
        self.session, self.brand, self.timezone = session, brand, timezone
        self.now = now.replace(minute=0, second=0, microsecond=0)  # periods end on the hour
        self.postgres = session.get_bind().dialect.name == "postgresql"
        offset = datetime.now(ZoneInfo(timezone)).utcoffset()
        self.offset = int(offset.total_seconds()) if offset else 0

    # -- ours -------------------------------------------------------------------------------

    def ours_trend(self, since: datetime, until: datetime) -> object:
        return build_trend(self.session, self.brand, since=since, until=until, interval="day")

    def ours_situation(self, since: datetime, until: datetime) -> object:
        since, until = self._aligned(since), self._aligned(until)
        return build_situation(self.session, self.brand, since=since, until=until, now=self.now)

    def ours_control(self, as_of: datetime, known_at: datetime | None = None) -> object:
        known = None if known_at is None else self._aligned(known_at)
        return build_control(
            self.session, self.brand, as_of=self._aligned(as_of), now=self.now, known_at=known
        )

    # -- by hand ----------------------------------------------------------------------------

    def _aligned(self, moment: datetime) -> datetime:
        return min(moment.replace(minute=0, second=0, microsecond=0), self.now)

    def _ts(self, moment: datetime) -> Any:
        if self.postgres:
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def _day(self, epoch: str) -> str:
        if self.postgres:
            return f"date_trunc('day', to_timestamp({epoch}) AT TIME ZONE :tz)"
        return f"(({epoch}) + :off) / 86400"

    def _epoch(self, column: str) -> str:
        if self.postgres:
            return f"extract(epoch FROM {column})"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def _all(self, sql: str, **params: Any) -> Sequence[Any]:
        params.setdefault("tz", self.timezone)
        params.setdefault("off", self.offset)
        return self.session.connection().execute(text(sql), params).all()

    def hand_trend(self, since: datetime, until: datetime) -> object:
        return self._all(
            f"SELECT {self._day('slot_hour * 3600')} AS d, {SUMS} FROM mention_hourly "
            "WHERE brand_id = :b AND source_kind = '*' AND slot_hour >= :h0 AND slot_hour < :h1 "
            "GROUP BY 1 ORDER BY 1",
            b=self.brand.id,
            h0=_hour(since),
            h1=_hour(until),
        )

    def raw_trend(self, since: datetime, until: datetime) -> object:
        return self._all(
            f"SELECT {self._day(self._epoch('published_at'))} AS d, count(*), "
            "sum(CASE WHEN sentiment_label = 'positive' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN sentiment_label = 'neutral' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN sentiment_label = 'negative' THEN 1 ELSE 0 END), "
            "sum(sentiment_compound) FROM mention WHERE brand_id = :b "
            "AND published_at >= :s AND published_at < :u GROUP BY 1 ORDER BY 1",
            b=self.brand.id,
            s=self._ts(since),
            u=self._ts(until),
        )

    def _in(self, ids: Sequence[int]) -> str:
        return ", ".join(str(int(i)) for i in ids)

    def hand_situation(self, since: datetime, until: datetime) -> object:
        since, until = self._aligned(since), self._aligned(until)
        b = self.brand.id
        assert b is not None
        rivals = self._all(
            f"SELECT id, name FROM brand WHERE workspace_id = :w "
            f"AND id IN ({self._in([b, *self.brand.competitor_ids])})",
            w=self.brand.workspace_id,
        )
        ids = self._in([r[0] for r in rivals])
        hours = {"h0": _hour(since), "h1": _hour(until), "hr": _hour(until - timedelta(hours=24))}
        kinds = self._all(
            f"SELECT brand_id, source_kind, {SUMS}, "
            "sum(CASE WHEN slot_hour >= :hr THEN mentions ELSE 0 END) FROM mention_hourly "
            f"WHERE brand_id IN ({ids}) AND source_kind <> '*' AND slot_hour >= :h0 "
            "AND slot_hour < :h1 GROUP BY brand_id, source_kind",
            **hours,
        )
        previous = self._all(
            f"SELECT {SUMS} FROM mention_hourly WHERE brand_id = :b AND source_kind = '*' "
            "AND slot_hour >= :h0 AND slot_hour < :h1",
            b=b,
            h0=_hour(since - (until - since)),
            h1=_hour(since),
        )
        mentions = sum(int(r[2]) for r in kinds if r[0] == b)
        period = {"b": b, "s": self._ts(since), "u": self._ts(until)}
        where = "brand_id = :b AND published_at >= :s AND published_at < :u"
        engagement = "coalesce(engagement_score, 0) + coalesce(engagement_comments, 0)"
        domains = self._all(
            f"SELECT domain, count(*) FROM mention WHERE {where} AND domain <> '' "
            "GROUP BY domain ORDER BY 2 DESC, 1 LIMIT 10",
            **period,
        )
        authors = self._all(
            "SELECT author, n, e, count(*) OVER (), sum(n) OVER (), "
            "sum(CASE WHEN n > 1 THEN n ELSE 0 END) OVER () FROM (SELECT author, count(*) AS n, "
            f"sum({engagement}) AS e FROM mention WHERE {where} AND author IS NOT NULL "
            "GROUP BY author) a ORDER BY e DESC, n DESC, author LIMIT 10",
            **period,
        )
        top = self._top(since, until)
        days = self._all(
            f"SELECT {self._day('slot_hour * 3600')} AS d, sum(mentions) FROM mention_hourly "
            "WHERE brand_id = :b AND source_kind = '*' AND slot_hour >= :h0 AND slot_hour < :h1 "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3",
            b=b,
            **hours,
        )
        peaks = [self._top(*self._local_day(d[0]), limit=3) for d in days]
        step = max(1, -(-mentions // 500))
        texts = self._all(
            "SELECT substr(title || ' ' || text, 1, 300) FROM mention WHERE id IN "
            f"(SELECT id FROM mention WHERE {where} AND id % :k = 0 LIMIT 500)",
            k=step,
            **period,
        )
        terms = top_terms(
            [t[0] for t in texts], brand_terms=parse_query(self.brand.query).positive_terms()
        )
        health = (
            self._health(ids, since, until),
            self._health(str(b), since - (until - since), since),
        )
        return kinds, previous, domains, authors, top, peaks, terms, health

    def _local_day(self, day: Any) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.timezone)
        if isinstance(day, datetime):
            start = day.replace(tzinfo=zone)
        else:
            start = (datetime(1970, 1, 1) + timedelta(days=int(day))).replace(tzinfo=zone)
        end = (start.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
        return start, end

    def _top(self, since: datetime, until: datetime, limit: int = 10) -> Sequence[Any]:
        engagement = "coalesce(engagement_score, 0) + coalesce(engagement_comments, 0)"
        order = f"{engagement} DESC, published_at DESC, id DESC"
        return self._all(
            f"SELECT * FROM mention WHERE id IN (SELECT id FROM mention WHERE brand_id = :b "
            f"AND published_at >= :s AND published_at < :u ORDER BY {order} LIMIT :n) "
            f"ORDER BY {order}",
            b=self.brand.id,
            s=self._ts(since),
            u=self._ts(until),
            n=limit,
        )

    def _health(self, ids: str, since: datetime, until: datetime) -> list[Any]:
        sources = self._all(
            "SELECT id, interval_seconds, created_at FROM source "
            f"WHERE brand_id IN ({ids}) ORDER BY id"
        )
        if not sources:
            return []
        lookback = max(gap_hours(s[1]) for s in sources)
        source_ids = self._in([s[0] for s in sources])
        days = self._all(
            "SELECT source_id, day, ok_hours, failed_hours FROM poll_daily "
            f"WHERE source_id IN ({source_ids}) AND day >= :d0 AND day <= :d1",
            d0=int((since - timedelta(hours=lookback)).timestamp()) // 86400,
            d1=int(until.timestamp()) // 86400,
        )
        ok: dict[int, dict[int, int]] = {}
        failed: dict[int, dict[int, int]] = {}
        for source_id, day, ok_hours, failed_hours_mask in days:
            ok.setdefault(source_id, {})[day] = ok_hours
            failed.setdefault(source_id, {})[day] = failed_hours_mask
        return [
            (
                find_gaps(ok.get(s[0], {}), start=since, end=until, interval_seconds=s[1]),
                failed_hours(failed.get(s[0], {}), start=since, end=until),
            )
            for s in sources
        ]

    def hand_control(self, as_of: datetime, known_at: datetime | None = None) -> object:
        """`as_of` by publication time (the rollup); with `known_at`, only what was fetched
        by then (`mention`)."""
        as_of = self._aligned(as_of)
        known = None if known_at is None else self._aligned(known_at)
        b = self.brand.id
        assert b is not None
        objectives = self._all(
            "SELECT metric, target, direction, start, deadline FROM objective "
            "WHERE brand_id = :b ORDER BY id",
            b=b,
        )
        results = []
        for metric, target, direction, start, deadline in objectives:
            if isinstance(start, str):
                start = datetime.fromisoformat(start).replace(tzinfo=UTC)
                deadline = datetime.fromisoformat(deadline).replace(tzinfo=UTC)
            ids = [b, *self.brand.competitor_ids] if metric == "share_of_voice" else [b]
            baseline_since, baseline_until = rules.baseline_window(start, deadline)
            end = rules.evaluation_end(start, deadline, as_of)
            base = self._control_rows(
                ids, baseline_since, min(baseline_until, as_of), known, by_day=False
            )
            baseline = rules.metric_value(metric, _tally(base, b))
            rows = self._control_rows(ids, start, end, known, by_day=True)
            per_day: dict[Any, list[Any]] = {}
            for row in rows:
                per_day.setdefault(row[1], []).append(row)
            days = [(day, _tally(day_rows, b)) for day, day_rows in sorted(per_day.items())]
            current = rules.metric_value(metric, sum((t for _, t in days), rules.Tally()))
            counts = [rules.DayCount(*self._local_day(day), tally.mentions) for day, tally in days]
            projected = rules.project(
                metric, current=current, baseline=baseline, days=counts, start=start, end=end,
                deadline=deadline,
            )  # fmt: skip
            status = rules.status(
                metric, direction, current=current, projected=projected, target=target,
                as_of=as_of, start=start, deadline=deadline,
            )  # fmt: skip
            results.append((baseline, current, projected, status, rules.series(metric, days)))
        return results

    def _control_rows(
        self, ids: list[int], since: datetime, until: datetime, known_at: datetime | None,
        *, by_day: bool,
    ) -> Sequence[Any]:  # fmt: skip
        until = until if known_at is None else min(until, known_at)
        if until <= since:
            return []
        if known_at is None:  # by publication time: the rollup
            day = self._day("slot_hour * 3600") if by_day else "0"
            return self._all(
                f"SELECT brand_id, {day} AS d, sum(mentions), sum(positive), sum(negative), "
                "sum(compound_positive + compound_neutral + compound_negative) "
                f"FROM mention_hourly WHERE brand_id IN ({self._in(ids)}) AND source_kind = '*' "
                "AND slot_hour >= :h0 AND slot_hour < :h1 GROUP BY brand_id, d",
                h0=_hour(since),
                h1=_hour(until),
            )
        day = self._day(self._epoch("published_at")) if by_day else "0"
        return self._all(
            f"SELECT brand_id, {day} AS d, count(*), "
            "sum(CASE WHEN sentiment_label = 'positive' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN sentiment_label = 'negative' THEN 1 ELSE 0 END), "
            "sum(CAST(round(sentiment_compound * 1000000) AS BIGINT)) "
            f"FROM mention WHERE brand_id IN ({self._in(ids)}) AND published_at >= :s "
            "AND published_at < :u AND fetched_at <= :a GROUP BY brand_id, d",
            s=self._ts(since),
            u=self._ts(until),
            a=self._ts(known_at),
        )


def _tally(rows: Sequence[Any], brand_id: int) -> rules.Tally:
    own = [r for r in rows if r[0] == brand_id]
    return rules.Tally(
        mentions=sum(int(r[2] or 0) for r in own),
        positive=sum(int(r[3] or 0) for r in own),
        negative=sum(int(r[4] or 0) for r in own),
        compound_micro=sum(int(r[5] or 0) for r in own),
        all_brands=sum(int(r[2] or 0) for r in rows),
    )
