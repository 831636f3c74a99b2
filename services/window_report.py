"""What happened in one window: top sources, authors and terms, and sample mentions.

Every fired alert carries these, so it explains itself.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from domain.query import parse_query
from domain.terms import top_terms
from models.alert_figures import AuthorMentions, KindCount, MentionSnapshot
from models.alert_stats import recent_texts, top_mentions, top_values
from models.mention_public import to_public
from models.report_types import TermCountPublic
from models.tables import Brand
from services.alert_message import mention_snapshot

TOP = 5
SAMPLES = 5
TERM_SCAN = 300


@dataclass(frozen=True)
class WindowDetails:
    top_sources: list[KindCount]
    top_authors: list[AuthorMentions]
    top_terms: list[TermCountPublic]
    sample_mentions: list[MentionSnapshot]


def window_details(
    session: Session, brand: Brand, *, since: datetime, until: datetime, negative_only: bool
) -> WindowDetails:
    assert brand.id is not None
    scope: dict[str, Any] = {
        "workspace_id": brand.workspace_id,
        "brand_id": brand.id,
        "since": since,
        "until": until,
    }
    sources = top_values(session, **scope, column="source_kind", limit=TOP)
    authors = top_values(session, **scope, column="author", limit=TOP)
    texts = recent_texts(session, **scope, limit=TERM_SCAN)
    brand_terms = [*parse_query(brand.query).positive_terms(), brand.name]
    terms = top_terms(texts, brand_terms=brand_terms, limit=TOP)
    label = "negative" if negative_only else None
    samples = top_mentions(session, **scope, limit=SAMPLES, label=label)
    return WindowDetails(
        top_sources=[KindCount(source_kind=k, mentions=n) for k, n in sources],
        top_authors=[AuthorMentions(author=a, mentions=n) for a, n in authors],
        top_terms=[TermCountPublic(term=t.term, count=t.count) for t in terms],
        sample_mentions=[mention_snapshot(to_public(m)) for m in samples],
    )
