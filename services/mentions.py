"""Use cases for reading mentions: pages, streams and the cursor format."""

import base64
import binascii
import json
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from domain.query import BrandQuery, parse_query, prepare_text
from models.mentions import MentionFilter, iter_newest_first, page_newest_first
from models.tables import Mention
from services.errors import InvalidInputError

Q_SCAN_BATCH = 500


def encode_cursor(mention: Mention) -> str:
    raw = json.dumps([mention.published_at.isoformat(), mention.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        published, mention_id = json.loads(raw)
        return datetime.fromisoformat(published), int(mention_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise InvalidInputError("cursor is not one this API returned") from exc


def _matches(query: BrandQuery | None, mention: Mention) -> bool:
    return query is None or query.matches_prepared(prepare_text(f"{mention.title}\n{mention.text}"))


def list_mentions(
    session: Session, f: MentionFilter, *, q: str | None, limit: int, cursor: str | None
) -> tuple[list[Mention], str | None]:
    """One page, newest first. With `q` (the brand query language) rows are filtered as they
    are scanned, so a page may need several index batches."""
    after = decode_cursor(cursor) if cursor else None
    query = parse_query(q) if q else None
    found: list[Mention] = []
    while True:
        batch_size = limit + 1 if query is None else Q_SCAN_BATCH
        rows = page_newest_first(session, f, after=after, limit=batch_size)
        for row in rows:
            if _matches(query, row):
                found.append(row)
                if len(found) > limit:
                    page = found[:limit]
                    return page, encode_cursor(page[-1])
        if len(rows) < batch_size:
            return found, None
        last = rows[-1]
        assert last.id is not None
        after = (last.published_at, last.id)


def stream_mentions(session: Session, f: MentionFilter, *, q: str | None) -> Iterator[Mention]:
    query = parse_query(q) if q else None
    return (m for m in iter_newest_first(session, f) if _matches(query, m))
