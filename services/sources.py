"""Use cases for sources: validation at creation (no fetch), edits that reset failure state."""

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from core.settings import get_settings
from models import sources as repo
from models.tables import Source
from services.brands import get_brand_or_404
from services.errors import InvalidInputError, NotFoundError
from sources.kind_config import config_error
from sources.netguard import UnsafeURLError
from sources.registry import ADAPTERS, FIELD_KINDS, config_model


def get_source_or_404(session: Session, *, workspace_id: int, source_id: int) -> Source:
    source = repo.get_source(session, workspace_id=workspace_id, source_id=source_id)
    if source is None:
        raise NotFoundError(f"source {source_id} not found")
    return source


def _validate(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Check a source's fields against its kind's typed config (``sources.kind_config``);
    normalizes them in place and returns them."""
    if kind not in ADAPTERS:
        supported = ", ".join(sorted(ADAPTERS))
        raise InvalidInputError(
            f"source kind {kind!r} is not supported yet; use one of: {supported}"
        )
    model = config_model(kind)
    for name, kinds in FIELD_KINDS.items():
        if fields.get(name) is not None and kind not in kinds:
            takers = ", ".join(sorted(kinds))
            raise InvalidInputError(f"a {kind} source does not take `{name}` (only {takers})")
    given = {name: fields[name] for name in model.model_fields if fields.get(name) is not None}
    try:
        config = model.model_validate(given).checked(
            allow_private=get_settings().allow_private_hosts
        )
    except ValidationError as exc:
        raise InvalidInputError(config_error(exc, model, kind)) from None
    except (ValueError, UnsafeURLError) as exc:
        raise InvalidInputError(str(exc)) from exc
    fields.update(config.model_dump())
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
