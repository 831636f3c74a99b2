"""Put mentions in the store through the real ingest path."""

from datetime import datetime

from sqlmodel import Session

from core.db import session_scope
from models.tables import Brand
from models.types import utcnow
from services.ingest import BrandContext, IngestResult, PolledItems, store_polls
from sources.base import SourceItem


def item(
    title: str, url: str, published_at: datetime, text: str = "", **extra: object
) -> SourceItem:
    return SourceItem(title=title, text=text, url=url, published_at=published_at, **extra)  # type: ignore[arg-type]


def brand_context(session: Session, brand_id: int) -> BrandContext:
    brand = session.get(Brand, brand_id)
    assert brand is not None
    return BrandContext.of(brand)


def ingest(
    brand_id: int, source_id: int, items: list[SourceItem], kind: str = "rss"
) -> IngestResult:
    with session_scope() as session:
        context = brand_context(session, brand_id)
        polled = PolledItems(source_id, kind, context, items)
        return store_polls(session, [polled], now=utcnow())[0]
