"""SOSTAC's Situation: where the brand stands over [since, until), with the health of the
sources behind every volume.

Top terms are counted over a sample: the title and first 300 characters of about 500
mentions spread evenly over the period (every k-th by id), which keeps the report's cost
flat however loud the brand is; the counts are numbers of sampled mentions. Peaks are the
3 busiest local days of the period (local hours when it spans 3 days or less), each with
its 3 most engaging mentions.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from domain.poll_health import SourceHealth
from domain.query import parse_query
from domain.social_scores import ScoreInputs, SocialScores, social_scores
from domain.terms import TermCount, top_terms
from models import report_details as details
from models.reports import Bucketing, Totals, Window, brand_totals, bucket_totals, kind_totals
from models.tables import Brand, Mention
from services.errors import InvalidInputError
from services.source_health import HealthSummary, health_by_source, summarize
from services.stories import StoryExplanation, StoryRow, count_in_period, story_explanation
from services.stories import top_stories as stories_of_period

DEFAULT_SPAN = timedelta(days=30)
MAX_SPAN = timedelta(days=3660)
TOP = 10
TOP_TERMS = 20
TERM_SAMPLE = 500
TERM_CHARS = 300
PEAKS = 3
PEAK_MENTIONS = 3
TOP_STORIES = 5
MEDIA_TYPES = ("owned", "earned", "paid")


@dataclass(frozen=True)
class Sentiment:
    positive: int
    neutral: int
    negative: int
    avg: float
    net: float


@dataclass(frozen=True)
class PreviousPeriod:
    since: datetime
    until: datetime
    mentions: int
    change_pct: float | None
    health: HealthSummary


@dataclass(frozen=True)
class VoiceShare:
    brand_id: int
    name: str
    mentions: int
    share: float
    health: HealthSummary


@dataclass(frozen=True)
class SourceVolume:
    source_kind: str
    mentions: int
    avg_sentiment: float
    health: HealthSummary


@dataclass(frozen=True)
class MediaVolume:
    media_type: str
    mentions: int
    share: float


@dataclass(frozen=True)
class Peak:
    start: datetime
    end: datetime
    mentions: int
    top_mentions: list[Mention]
    explanation: StoryExplanation


@dataclass(frozen=True)
class SituationReport:
    brand_id: int
    timezone: str
    since: datetime
    until: datetime
    mentions: int
    health: HealthSummary
    previous_period: PreviousPeriod
    sentiment: Sentiment
    share_of_voice: list[VoiceShare]
    by_source: list[SourceVolume]
    by_media_type: list[MediaVolume]
    top_domains: list[tuple[str, int]]
    top_authors: list[tuple[str, int, int]]
    top_terms: list[TermCount]
    top_mentions: list[Mention]
    peaks: list[Peak]
    scores: SocialScores
    stories: int
    top_stories: list[StoryRow]


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
) -> SituationReport:
    assert brand.id is not None
    brands = _voice_brands(session, brand)
    ids = tuple(brand_id for brand_id, _ in brands)
    recent = max(since, until - timedelta(hours=24))
    rows = kind_totals(session, Window(ids, since, until, cuts=(recent,)), recent_since=recent)
    own = [
        (kind, totals, last_24h)
        for brand_id, kind, totals, last_24h in rows
        if brand_id == brand.id
    ]
    total = sum((totals for _, totals, _ in own), Totals())
    previous_since = since - (until - since)
    previous = brand_totals(session, Window((brand.id,), previous_since, since)).get(
        brand.id, Totals()
    )
    health = health_by_source(session, list(ids), since=since, until=until, now=now)
    own_health = [h for h in health if h.brand_id == brand.id]
    previous_health = health_by_source(
        session, [brand.id], since=previous_since, until=since, now=now
    )
    authors = details.author_stats(session, brand_id=brand.id, since=since, until=until, limit=TOP)
    return SituationReport(
        brand_id=brand.id,
        timezone=brand.timezone,
        since=since,
        until=until,
        mentions=total.mentions,
        health=summarize(own_health),
        previous_period=PreviousPeriod(
            previous_since,
            since,
            previous.mentions,
            _change_pct(total.mentions, previous.mentions),
            summarize(previous_health),
        ),
        sentiment=Sentiment(
            total.positive, total.neutral, total.negative, _avg(total), _net(total)
        ),
        share_of_voice=_share_of_voice(brands, rows, health),
        by_source=_by_source(own, own_health),
        by_media_type=[
            MediaVolume(media, getattr(total, media), _share(getattr(total, media), total.mentions))
            for media in MEDIA_TYPES
        ],
        top_domains=details.top_domains(
            session, brand_id=brand.id, since=since, until=until, limit=TOP
        ),
        top_authors=authors.top,
        top_terms=_top_terms(session, brand, since, until, total.mentions),
        top_mentions=details.top_mentions(
            session, brand_id=brand.id, since=since, until=until, limit=TOP
        ),
        peaks=_peaks(session, brand, since, until),
        scores=social_scores(
            ScoreInputs(
                mentions=total.mentions,
                last_24h=sum(last_24h for _, _, last_24h in own),
                positive=total.positive,
                negative=total.negative,
                authored=authors.authored,
                repeat_authored=authors.repeat_authored,
                distinct_authors=authors.distinct_authors,
            )
        ),
        stories=count_in_period(
            session, brand_id=brand.id, since=since, until=until, mentions=total.mentions
        ),
        top_stories=stories_of_period(
            session, brand_id=brand.id, since=since, until=until, limit=TOP_STORIES
        ),
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
            brand_id,
            name,
            counts[brand_id],
            _share(counts[brand_id], whole),
            summarize([h for h in health if h.brand_id == brand_id]),
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
            kind, totals.mentions, _avg(totals), summarize([h for h in health if h.kind == kind])
        )
        for kind, totals in ranked
    ]


def _top_terms(
    session: Session, brand: Brand, since: datetime, until: datetime, mentions: int
) -> list[TermCount]:
    assert brand.id is not None
    texts = details.text_sample(
        session, brand_id=brand.id, since=since, until=until, mentions=mentions,
        size=TERM_SAMPLE, chars=TERM_CHARS,
    )  # fmt: skip
    return top_terms(texts, brand_terms=parse_query(brand.query).positive_terms(), limit=TOP_TERMS)


def peak_interval(since: datetime, until: datetime) -> Interval:
    return "hour" if until - since <= timedelta(days=3) else "day"


def _peaks(session: Session, brand: Brand, since: datetime, until: datetime) -> list[Peak]:
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
    peaks = []
    for mentions, start, end in ranked[:PEAKS]:
        low, high = max(start, since), min(end, until)
        top = details.top_mentions(
            session, brand_id=brand.id, since=low, until=high, limit=PEAK_MENTIONS
        )
        explanation = story_explanation(
            session, brand_id=brand.id, since=low, until=high, mentions=mentions
        )
        peaks.append(Peak(start, end, mentions, top, explanation))
    return peaks
