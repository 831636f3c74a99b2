"""SOSTAC's Situation: where the brand stands over [since, until), with the health of the
sources behind every volume.

Top terms are counted over a sample: the title and first 300 characters of about 500
mentions spread evenly over the period (every k-th by id), which keeps the report's cost
flat however loud the brand is; the counts are numbers of sampled mentions. Peaks are the
3 busiest local days of the period (local hours when it spans 3 days or less), each with
its 3 most engaging mentions.
"""

from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from domain.poll_health import SourceHealth
from domain.query import parse_query
from domain.social_scores import ScoreInputs, social_scores
from domain.terms import top_terms
from models import report_details as details
from models.mention_public import to_public
from models.report_types import (
    AuthorCount,
    DomainCount,
    GapPublic,
    HealthPublic,
    MediaType,
    MediaVolume,
    PeakPublic,
    PreviousPeriod,
    ScoresPublic,
    SentimentSummary,
    SituationPublic,
    SourceIssue,
    SourceVolume,
    TermCountPublic,
    VoiceShare,
)
from models.reports import Bucketing, Totals, Window, brand_totals, bucket_totals, kind_totals
from models.tables import Brand
from services.errors import InvalidInputError
from services.parallel_reads import ParallelReads
from services.source_health import HealthSummary, health_by_source, summarize
from services.stories import period_stories, story_explanations

DEFAULT_SPAN = timedelta(days=30)
MAX_SPAN = timedelta(days=3660)
TOP = 10
TOP_TERMS = 20
TERM_SAMPLE = 500
TERM_CHARS = 300
PEAKS = 3
PEAK_MENTIONS = 3
TOP_STORIES = 5
MEDIA_TYPES: tuple[MediaType, ...] = ("owned", "earned", "paid")


def health_public(summary: HealthSummary) -> HealthPublic:
    return HealthPublic(
        ok=summary.ok,
        sources=summary.sources,
        failing=summary.failing,
        with_gaps=summary.with_gaps,
        issues=[
            SourceIssue(
                source_id=h.source_id,
                brand_id=h.brand_id,
                kind=h.kind,
                status=h.status,
                last_error=h.last_error,
                failed_hours=h.failed_hours,
                gaps=[GapPublic(since=g.since, until=g.until) for g in h.gaps],
            )
            for h in summary.issues
        ],
    )


def situation_window(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    until = until or now
    since = since or until - DEFAULT_SPAN
    if since >= until:
        raise InvalidInputError("since must be before until")
    if until - since > MAX_SPAN:
        raise InvalidInputError(f"the period may span at most {MAX_SPAN.days} days")
    return since, until


def _avg(totals: Totals) -> float:
    return round(totals.compound_micro / 1_000_000 / totals.mentions, 4) if totals.mentions else 0.0


def _net(totals: Totals) -> float:
    if not totals.mentions:
        return 0.0
    return round((totals.positive - totals.negative) / totals.mentions * 100, 2)


def _change_pct(current: int, previous: int) -> float | None:
    return round((current - previous) / previous * 100, 2) if previous else None


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _voice_brands(session: Session, brand: Brand) -> list[tuple[int, str]]:
    """(id, name) of the brand, then of its competitors that still exist in its workspace,
    in their order."""
    assert brand.id is not None
    names = details.brand_names(
        session, workspace_id=brand.workspace_id, ids=[brand.id, *brand.competitor_ids]
    )
    return [(i, names[i]) for i in dict.fromkeys([brand.id, *brand.competitor_ids]) if i in names]


def build_situation(
    session: Session, brand: Brand, *, since: datetime, until: datetime, now: datetime
) -> SituationPublic:
    assert brand.id is not None
    with ParallelReads(session) as reads:
        return _build(session, reads, brand, since=since, until=until, now=now)


def _build(
    session: Session,
    reads: ParallelReads,
    brand: Brand,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
) -> SituationPublic:
    """The reads that need no other figure start at once on their own sessions; the totals
    are read meanwhile on the caller's, then what depends on them."""
    brand_id = brand.id
    assert brand_id is not None
    audience_read = reads.read(
        lambda s: details.audience(s, brand_id=brand_id, since=since, until=until, limit=TOP)
    )
    mentions_read = reads.read(
        lambda s: details.top_mentions(s, brand_id=brand_id, since=since, until=until, limit=TOP)
    )
    peaks_read = reads.read(lambda s: _peaks(s, brand, since, until))
    stories_read = reads.read(
        lambda s: period_stories(s, brand_id=brand_id, since=since, until=until, limit=TOP_STORIES)
    )
    terms_read = reads.read(lambda s: _top_terms(s, brand, since, until))
    brands = _voice_brands(session, brand)
    ids = tuple(voiced for voiced, _ in brands)
    recent = max(since, until - timedelta(hours=24))
    # The brand by source kind; its competitors only need their totals (share of voice).
    rows = kind_totals(
        session, Window(ids, since, until, cuts=(recent,)), recent_since=recent,
        others_all_kinds=True,
    )  # fmt: skip
    own = [
        (kind, totals, last_24h) for voiced, kind, totals, last_24h in rows if voiced == brand_id
    ]
    total = sum((totals for _, totals, _ in own), Totals())
    previous_since = since - (until - since)
    previous = brand_totals(session, Window((brand_id,), previous_since, since)).get(
        brand_id, Totals()
    )
    health_read = reads.read(
        lambda s: health_by_source(s, list(ids), since=since, until=until, now=now)
    )
    previous_health = health_by_source(
        session, [brand_id], since=previous_since, until=since, now=now
    )
    health = health_read.result()
    own_health = [h for h in health if h.brand_id == brand_id]
    terms = terms_read.result()
    stories = stories_read.result()
    domains, authors = audience_read.result()
    scores = social_scores(
        ScoreInputs(
            mentions=total.mentions,
            last_24h=sum(last_24h for _, _, last_24h in own),
            positive=total.positive,
            negative=total.negative,
            authored=authors.authored,
            repeat_authored=authors.repeat_authored,
            distinct_authors=authors.distinct_authors,
        )
    )
    return SituationPublic(
        brand_id=brand_id,
        timezone=brand.timezone,
        since=since,
        until=until,
        mentions=total.mentions,
        health=health_public(summarize(own_health)),
        previous_period=PreviousPeriod(
            since=previous_since,
            until=since,
            mentions=previous.mentions,
            change_pct=_change_pct(total.mentions, previous.mentions),
            health=health_public(summarize(previous_health)),
        ),
        sentiment=SentimentSummary(
            positive=total.positive,
            neutral=total.neutral,
            negative=total.negative,
            avg=_avg(total),
            net=_net(total),
        ),
        share_of_voice=_share_of_voice(brands, rows, health),
        by_source=_by_source(own, own_health),
        by_media_type=[
            MediaVolume(
                media_type=media,
                mentions=cast(int, getattr(total, media)),
                share=_share(getattr(total, media), total.mentions),
            )
            for media in MEDIA_TYPES
        ],
        top_domains=[DomainCount(domain=d, mentions=n) for d, n in domains],
        top_authors=[AuthorCount(author=a, mentions=n, engagement=e) for a, n, e in authors.top],
        top_terms=terms,
        top_mentions=[to_public(m) for m in mentions_read.result()],
        peaks=peaks_read.result(),
        scores=ScoresPublic(
            strength=scores.strength,
            sentiment_ratio=scores.sentiment_ratio,
            passion=scores.passion,
            reach=scores.reach,
        ),
        stories=stories.count(total.mentions),
        top_stories=stories.top,
    )


def _share_of_voice(
    brands: list[tuple[int, str]],
    rows: list[tuple[int, str, Totals, int]],
    health: list[SourceHealth],
) -> list[VoiceShare]:
    counts = dict.fromkeys((brand_id for brand_id, _ in brands), 0)
    for brand_id, _, totals, _ in rows:
        counts[brand_id] = counts.get(brand_id, 0) + totals.mentions
    whole = sum(counts.values())
    return [
        VoiceShare(
            brand_id=brand_id,
            name=name,
            mentions=counts[brand_id],
            share=_share(counts[brand_id], whole),
            health=health_public(summarize([h for h in health if h.brand_id == brand_id])),
        )
        for brand_id, name in brands
    ]


def _by_source(
    own: list[tuple[str, Totals, int]], health: list[SourceHealth]
) -> list[SourceVolume]:
    """Every kind with mentions or with a source, loudest first: a silent, failing source
    shows up with 0 mentions beside its health."""
    per_kind: dict[str, Totals] = {kind: Totals() for kind in {h.kind for h in health}}
    for kind, totals, _ in own:
        per_kind[kind] = per_kind.get(kind, Totals()) + totals
    ranked = sorted(per_kind.items(), key=lambda item: (-item[1].mentions, item[0]))
    return [
        SourceVolume(
            source_kind=kind,
            mentions=totals.mentions,
            avg_sentiment=_avg(totals),
            health=health_public(summarize([h for h in health if h.kind == kind])),
        )
        for kind, totals in ranked
    ]


def _top_terms(
    session: Session, brand: Brand, since: datetime, until: datetime
) -> list[TermCountPublic]:
    assert brand.id is not None
    mentions = brand_totals(session, Window((brand.id,), since, until)).get(brand.id, Totals())
    texts = details.text_sample(
        session, brand_id=brand.id, since=since, until=until, mentions=mentions.mentions,
        size=TERM_SAMPLE, chars=TERM_CHARS,
    )  # fmt: skip
    terms = top_terms(texts, brand_terms=parse_query(brand.query).positive_terms(), limit=TOP_TERMS)
    return [TermCountPublic(term=t.term, count=t.count) for t in terms]


def peak_interval(since: datetime, until: datetime) -> Interval:
    return "hour" if until - since <= timedelta(days=3) else "day"


def _peaks(session: Session, brand: Brand, since: datetime, until: datetime) -> list[PeakPublic]:
    """The busiest buckets, their bounds in the brand's timezone."""
    assert brand.id is not None
    interval = peak_interval(since, until)
    bounds = bucket_bounds(since, until, interval, brand.timezone)
    bucketing = Bucketing.for_window(interval, brand.timezone, since, until)
    cuts = bucketing.cuts([start for start, _ in bounds[1:]])
    counts = bucket_totals(session, Window((brand.id,), since, until, cuts=cuts), bucketing)
    ranked = sorted(
        ((counts[(brand.id, bucketing.key_of(start))].mentions, start, end)
         for start, end in bounds if (brand.id, bucketing.key_of(start)) in counts),
        key=lambda item: (-item[0], item[1]),
    )  # fmt: skip
    busiest = ranked[:PEAKS]
    # Each peak's mentions and story, all the peaks at once: two statements, not two a peak.
    windows = [(max(start, since), min(end, until)) for _, start, end in busiest]
    tops = details.top_mentions_each(
        session, brand_id=brand.id, windows=windows, limit=PEAK_MENTIONS
    )
    counted = [(low, high, peak[0]) for (low, high), peak in zip(windows, busiest, strict=True)]
    explanations = story_explanations(session, brand_id=brand.id, windows=counted)
    zone = ZoneInfo(brand.timezone)
    return [
        PeakPublic(
            start=start.astimezone(zone),
            end=end.astimezone(zone),
            mentions=mentions,
            top_mentions=[to_public(m) for m in top],
            explanation=explanation,
        )
        for (mentions, start, end), top, explanation in zip(
            busiest, tops, explanations, strict=True
        )
    ]
