"""The one adapter protocol every source kind implements.

An adapter gets our shared httpx client, the source's settings and the opaque cursor it
returned last time; it returns the items it found and the next cursor. It knows nothing of
the database, of brands' stored mentions or of sentiment.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import httpx

if TYPE_CHECKING:  # kind_config reaches sources.netguard, which needs this module first
    from sources.kind_config import KindConfig

Cursor = dict[str, Any]
Fields = TypeVar("Fields", bound="KindConfig", covariant=True)


@dataclass(slots=True)
class SourceItem:
    """One item as a source reported it, text already plain (tags stripped, entities decoded).

    Treated as immutable (changed copies are made with ``dataclasses.replace``) but not
    frozen: a frozen dataclass of these 11 fields takes three times the instructions to
    build (20,000 against 6,300), and every item of every poll is built once."""

    title: str
    text: str
    url: str | None
    guid: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    publisher: str | None = None
    language: str | None = None
    score: int | None = None
    comments: int | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class SourceConfig(Generic[Fields]):
    """What to poll: the source's kind, its brand's query, and the fields its kind takes
    (the kind's own typed config, the one list of them: `sources.kind_config`)."""

    kind: str
    brand_query: str
    fields: Fields


@dataclass(slots=True)
class PollOutcome:
    items: list[SourceItem]
    cursor: Cursor
    not_modified: bool = False
    skipped: int = 0  # items that could not be read: left out, counted in the attempt


class SourceError(Exception):
    """A poll failed in a way the user should see as the source's `last_error`."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class SourceAdapter(Protocol):
    kind: ClassVar[str]
    config_model: ClassVar[type["KindConfig"]]  # what a source of this kind takes

    # `config.fields` is an instance of `config_model` (the registry pairs them).
    def poll(
        self, client: httpx.Client, config: SourceConfig[Any], cursor: Mapping[str, Any]
    ) -> PollOutcome: ...
