"""Which adapter polls which source kind: an explicit dict, one entry per kind. It is the
one list of kinds: the API's request schemas for sources are built here from each
adapter's typed config (`config_model`), and so is what each field of a source is for."""

import operator
from collections.abc import Mapping
from functools import reduce
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from sources.base import SourceAdapter, SourceConfig, SourceError
from sources.bluesky import BlueskyAdapter
from sources.google_alerts import GoogleAlertsAdapter
from sources.google_news import GoogleNewsAdapter
from sources.hackernews import HackerNewsAdapter
from sources.kind_config import KindConfig, config_error
from sources.mastodon import MastodonAdapter
from sources.reddit import RedditAdapter
from sources.rss import RssAdapter

ADAPTERS: dict[str, SourceAdapter] = {
    RssAdapter.kind: RssAdapter(),
    GoogleAlertsAdapter.kind: GoogleAlertsAdapter(),
    RedditAdapter.kind: RedditAdapter(),
    GoogleNewsAdapter.kind: GoogleNewsAdapter(),
    HackerNewsAdapter.kind: HackerNewsAdapter(),
    MastodonAdapter.kind: MastodonAdapter(),
    BlueskyAdapter.kind: BlueskyAdapter(),
}
SOURCE_KINDS: tuple[str, ...] = tuple(ADAPTERS)
# Each field any kind takes, and the kinds that take it (for "does not take" messages).
FIELD_KINDS: dict[str, tuple[str, ...]] = {}
for _kind, _adapter in ADAPTERS.items():
    for _name in _adapter.config_model.model_fields:
        FIELD_KINDS[_name] = (*FIELD_KINDS.get(_name, ()), _kind)


class UnknownSourceKindError(SourceError, LookupError):
    """No adapter is registered for the source's kind."""


def adapter_for(kind: str) -> SourceAdapter:
    try:
        return ADAPTERS[kind]
    except KeyError:
        raise UnknownSourceKindError(f"no adapter for source kind {kind!r}") from None


def config_model(kind: str) -> type[KindConfig]:
    return adapter_for(kind).config_model


def source_config(
    kind: str, brand_query: str, fields: Mapping[str, object]
) -> SourceConfig[KindConfig]:
    """What `kind`'s adapter polls: of `fields`, those its config takes (None ones left
    out), typed by that config; SourceError, naming what is wrong, when they do not fit."""
    model = config_model(kind)
    given = {name: fields[name] for name in model.model_fields if fields.get(name) is not None}
    try:
        return SourceConfig(kind, brand_query, model.model_validate(given))
    except ValidationError as exc:
        raise SourceError(config_error(exc, model, kind)) from None


def kind_literal() -> Any:
    """`Literal["rss", "google_alerts", ...]`: every registered kind, for schemas."""
    return Literal[SOURCE_KINDS]


def source_create_schema(common: type[BaseModel]) -> Any:
    """The body of "create a source": one model per kind (its config's fields, `kind`, and
    the fields of `common`), told apart by `kind`."""
    members = [
        create_model(
            f"{_camel(kind)}SourceCreate",
            __base__=(adapter.config_model, common),
            kind=(_literal(kind), ...),
        )
        for kind, adapter in ADAPTERS.items()
    ]
    return Annotated[reduce(operator.or_, members), Field(discriminator="kind")]


def source_update_schema(common: type[BaseModel]) -> type[BaseModel]:
    """The body of "edit a source": `common`'s fields and every config field, all optional
    (the kind is the source's own; the service checks the result against its config)."""
    fields: dict[str, Any] = {}
    for adapter in ADAPTERS.values():
        for name, info in adapter.config_model.model_fields.items():
            if name not in fields:
                limits = {key: value for key, value in _limits(info).items() if value is not None}
                optional: Any = info.annotation
                fields[name] = (optional | None, Field(default=None, **limits))
    model: type[BaseModel] = create_model("SourceUpdate", __base__=common, **fields)
    return model


def _limits(info: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for constraint in info.metadata:
        for key in ("min_length", "max_length"):
            if getattr(constraint, key, None) is not None:
                found[key] = getattr(constraint, key)
    return found


def _literal(kind: str) -> Any:
    return Literal[kind]


def _camel(kind: str) -> str:
    return "".join(part.title() for part in kind.split("_"))
