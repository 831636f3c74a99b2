import csv
import io
from collections.abc import Iterator
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from api.deps import SessionDep, WorkspaceIdDep
from api.schemas import MentionPage, MentionQuery
from core.db import read_only_engine
from models.mention_public import public_fields, to_public
from models.mentions import MentionFilter
from models.tables import Mention
from services.brands import get_brand_or_404
from services.mentions import list_mentions, stream_mentions

router = APIRouter(prefix="/v1/mentions", tags=["mentions"])

EXPORT_FIELDS = [
    "id", "brand_id", "source_id", "source_kind", "url", "domain", "title", "text", "author",
    "published_at", "fetched_at", "language", "sentiment_compound", "sentiment_label",
    "sentiment_model", "engagement_score", "engagement_comments", "media_type",
]  # fmt: skip


def _filter(params: MentionQuery, session: Session, workspace_id: int) -> MentionFilter:
    if params.brand_id is not None:
        get_brand_or_404(session, workspace_id=workspace_id, brand_id=params.brand_id)
    return MentionFilter(
        workspace_id=workspace_id,
        brand_id=params.brand_id,
        since=params.since,
        until=params.until,
        source_kind=params.source_kind,
        label=params.label,
    )


@router.get("", response_model=MentionPage)
def get_mentions(
    params: Annotated[MentionQuery, Query()], session: SessionDep, workspace_id: WorkspaceIdDep
) -> MentionPage:
    """Newest first. `next_cursor` is null on the last page; pages stay stable while new
    mentions arrive. `q` filters with the brand query language."""
    f = _filter(params, session, workspace_id)
    rows, next_cursor = list_mentions(
        session, f, q=params.q, limit=params.limit, cursor=params.cursor
    )
    return MentionPage(items=[to_public(m) for m in rows], next_cursor=next_cursor)


class ExportQuery(MentionQuery):
    format: Literal["csv", "ndjson"] = "ndjson"


@router.get("/export")
def export_mentions(
    params: Annotated[ExportQuery, Query()], session: SessionDep, workspace_id: WorkspaceIdDep
) -> StreamingResponse:
    """Streams every matching mention (newest first) in constant memory."""
    f = _filter(params, session, workspace_id)
    media = "text/csv; charset=utf-8" if params.format == "csv" else "application/x-ndjson"
    body = _csv_rows(f, params.q) if params.format == "csv" else _ndjson_rows(f, params.q)
    filename = f"mentions.{params.format}"
    return StreamingResponse(
        body, media_type=media, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


_NDJSON_LINE = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE


def _export_stream(f: MentionFilter, q: str | None) -> Iterator[Mention]:
    # Its own session: the request's one is closed before a streamed body finishes.
    with Session(read_only_engine()) as session:
        yield from stream_mentions(session, f, q=q)


def _ndjson_rows(f: MentionFilter, q: str | None) -> Iterator[bytes]:
    """One JSON object a line, as the API shows a mention; sent 64 KB at a time. orjson with
    "Z" for UTC writes the values FastAPI writes for a ``MentionPublic``; building and dumping
    the model for every row made an export of 1M mentions 7.6 times slower (220 s, not 29)."""
    chunk = bytearray()
    for mention in _export_stream(f, q):
        chunk += orjson.dumps(public_fields(mention), option=_NDJSON_LINE)
        if len(chunk) > 64 * 1024:
            yield bytes(chunk)
            chunk.clear()
    yield bytes(chunk)


def _csv_rows(f: MentionFilter, q: str | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for mention in _export_stream(f, q):
        writer.writerow([_csv_value(getattr(mention, name)) for name in EXPORT_FIELDS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_value(value: object) -> object:
    # Neutralise spreadsheet formulas in text that came from the internet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value.isoformat() if hasattr(value, "isoformat") else value
