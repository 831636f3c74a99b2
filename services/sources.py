"""Use cases for sources: validation at creation (no fetch), edits that reset failure state."""

from typing import Any

from sqlmodel import Session

from core.settings import get_settings
from models import sources as repo
from models.tables import Source
from services.brands import get_brand_or_404
from services.errors import InvalidInputError, NotFoundError
from sources.netguard import InvalidURLError, UnsafeURLError, validate_feed_url
from sources.registry import ADAPTERS

FEED_KINDS = {"rss", "google_alerts"}


def get_source_or_404(session: Session, *, workspace_id: int, source_id: int) -> Source:
    source = repo.get_source(session, workspace_id=workspace_id, source_id=source_id)
    if source is None:
        raise NotFoundError(f"source {source_id} not found")
    return source


def _checked_url(url: str) -> str:
    try:
        return validate_feed_url(url, allow_private=get_settings().allow_private_hosts)
    except (InvalidURLError, UnsafeURLError) as exc:
        raise InvalidInputError(str(exc)) from exc


def _validate(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    if kind not in ADAPTERS:
        supported = ", ".join(sorted(ADAPTERS))
        raise InvalidInputError(
            f"source kind {kind!r} is not supported yet; use one of: {supported}"
        )
    if kind in FEED_KINDS:
        if not fields.get("url"):
            raise InvalidInputError(f"a {kind} source needs a feed url")
        fields["url"] = _checked_url(fields["url"])
    return fields


def create_source(
    session: Session, *, workspace_id: int, brand_id: int, fields: dict[str, Any]
) -> Source:
    get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    fields = _validate(fields["kind"], fields)
    source = Source(workspace_id=workspace_id, brand_id=brand_id, **fields)
    session.add(source)
    session.flush()
    return source


def update_source(
    session: Session, *, workspace_id: int, source_id: int, changes: dict[str, Any]
) -> Source:
    """Any edit gives a failing source a fresh start, as the user has presumably fixed it."""
    source = get_source_or_404(session, workspace_id=workspace_id, source_id=source_id)
    merged = {**source.model_dump(), **{k: v for k, v in changes.items() if v is not None}}
    _validate(source.kind, merged)
    if merged["url"] != source.url:
        source.cursor = {}  # validators (ETag, Last-Modified) belong to the old URL
    for key, value in changes.items():
        if value is not None:
            setattr(source, key, merged[key])
    if changes.get("status") != "paused" and source.status != "paused":
        source.status = "ok"
    source.consecutive_failures = 0
    source.next_poll_at = None
    session.flush()
    return source


def delete_source(session: Session, *, workspace_id: int, source_id: int) -> None:
    session.delete(get_source_or_404(session, workspace_id=workspace_id, source_id=source_id))
    session.flush()
