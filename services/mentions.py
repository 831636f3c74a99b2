"""Use cases for reading mentions: pages, streams and the cursor format."""

import base64
import binascii
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlmodel import Session

from domain.query import BrandQuery, parse_query, prepare_text
from models.mentions import MentionFilter, iter_newest_first, page_newest_first
from models.tables import Mention
from services.errors import InvalidInputError

Q_SCAN_BATCH = 500


def encode_cursor(mention: Mention) -> str:
    raw = json.dumps([mention.published_at.isoformat(), mention.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_ID = 2**63 - 1


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (published_at, id) a cursor holds; anything but what ``encode_cursor`` makes
    (a bad encoding, Infinity, an id no row can have, a naive or absurd date) is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        published, mention_id = json.loads(raw, parse_constant=_no_constant)
        if not isinstance(published, str) or type(mention_id) is not int:
            raise TypeError("a cursor holds a date and an id")
        moment = datetime.fromisoformat(published)
        if moment.tzinfo is None or not 1900 <= moment.year <= 2199:
            raise ValueError("a cursor's date is an aware datetime")
        if not 0 <= mention_id <= MAX_ID:
            raise ValueError("a cursor's id is a row id")
        return moment.astimezone(UTC), mention_id
    except (ValueError, TypeError, OverflowError, binascii.Error, RecursionError) as exc:
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


def stream_mentions(
    session: Session, f: MentionFilter, *, query: BrandQuery | None
) -> Iterator[Mention]:
    """Every mention that `f` and the parsed `query` keep, newest first."""
    return (m for m in iter_newest_first(session, f) if _matches(query, m))
