"""The `mastodon` adapter: the public hashtag timeline of the source's instance.

Configure on the source: `instance` (e.g. `https://mastodon.social`) and `hashtag` (no
`#`). `GET {instance}/api/v1/timelines/tag/{hashtag}?limit=40` needs no token on most
instances (Mastodon allows 300 requests per 5 minutes per IP; an instance that closes its
timelines to visitors answers 401 or 422, shown as the source's error). Full-text search
would need an account token, so hashtags are what we follow.

Paging: the first poll reads pages newest first (`max_id` = the oldest id of the last
page) until it passes `search_lookback_days` or `search_max_pages`; later polls ask for
statuses newer than the newest one seen (`since_id`), and when a page comes back full,
read the next with `max_id` too, down to `since_id`. (A status that federates in late,
with an id below `since_id`, is not seen: Mastodon assigns remote statuses ids from their
creation time.)

Items: the status `uri` (its ActivityPub id) is the guid; the URL is its web page `url`
(else the `uri`); the text is `content` as plain text; the title is the content warning
(`spoiler_text`), usually empty; the author is the account's `user@instance`; the
language is the status' `language`; engagement is favourites + reblogs as `score` and
replies as `comments`. A reblog is read as the status it boosts.
"""

import re
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self
from urllib.parse import quote, urlsplit

import httpx
from pydantic import Field

from core.settings import Settings
from domain.text import clean_title, html_to_text
from sources.base import PollOutcome, SourceConfig, SourceError, SourceItem
from sources.configured import ConfiguredAdapter
from sources.http import FetchLimits
from sources.items import read_each
from sources.json_fetch import count, language_code, parse_iso, request_json, scope_of, total
from sources.kind_config import KindConfig, checked_url

PAGE_SIZE = 40
_HASHTAG = re.compile(r"^\w{1,100}$")
_STATUS_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}\Z")


def normalize_hashtag(value: str) -> str:
    """`#Oxxo` gives `Oxxo`; ValueError unless letters, digits and underscores remain."""
    tag = value.strip().removeprefix("#")
    if not _HASHTAG.match(tag) or tag.isdigit():
        raise ValueError(
            f"hashtag {value!r} is not valid: use letters, digits and underscores "
            "(not only digits), with or without the leading #"
        )
    return tag


def normalize_instance(value: str) -> str:
    """`mastodon.social` or `https://mastodon.social/` gives `https://mastodon.social`;
    ValueError for an URL with a path, query or fragment."""
    text = value.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(
            f"instance {value!r} should be just the server's address, e.g. https://mastodon.social"
        )
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class MastodonConfig(KindConfig):
    """A Mastodon source takes an `instance` (public hosts only) and a `hashtag`."""

    needs: ClassVar[str] = (
        "a mastodon source needs an `instance` (e.g. https://mastodon.social) and a `hashtag`"
    )
    instance: str = Field(max_length=2048)
    hashtag: str = Field(max_length=200)

    def checked(self, *, allow_private: bool) -> Self:
        instance = checked_url(normalize_instance(self.instance), allow_private=allow_private)
        return self.model_copy(
            update={"instance": instance, "hashtag": normalize_hashtag(self.hashtag)}
        )


class MastodonAdapter(ConfiguredAdapter):
    kind: ClassVar[str] = "mastodon"
    config_model: ClassVar[type[KindConfig]] = MastodonConfig

    def __init__(
        self,
        settings: Settings | None = None,
        limits: FetchLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(settings, limits, clock=clock)
        self._page_size = page_size

    def poll(
        self, client: httpx.Client, config: SourceConfig[MastodonConfig], cursor: Mapping[str, Any]
    ) -> PollOutcome:
        settings, limits = self._resolved()
        limits = limits
        fields = config.fields
        if not fields.instance or not fields.hashtag:
            raise SourceError("a mastodon source needs an `instance` and a `hashtag`")
        instance, tag = fields.instance.rstrip("/"), fields.hashtag.lstrip("#")
        url = f"{instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
        scope = scope_of("mastodon", config.brand_query, instance, tag.lower())
        since_id = cursor.get("since_id") if cursor.get("scope") == scope else None
        since = since_id if isinstance(since_id, str) and since_id else None
        oldest_wanted = self._clock() - settings.search_lookback_days * 86400.0
        statuses: dict[str, Mapping[str, Any]] = {}
        max_id: str | None = None
        skipped = 0
        for _ in range(settings.search_max_pages):
            page = _page(client, url, since, max_id, size=self._page_size, limits=limits)
            usable = [status for status in page if _usable_id(status)]
            skipped += len(page) - len(usable)
            statuses.update((str(status["id"]), status) for status in usable)
            if len(page) < self._page_size or (since is None and _passed(page, oldest_wanted)):
                break
            if not usable:
                break
            max_id = min((str(status["id"]) for status in usable), key=_id_order)
        host = urlsplit(instance).netloc
        items, bad = read_each(
            statuses.values(), lambda status: status_item(status, host=host), kind=self.kind
        )
        skipped += bad
        if since is None:
            items = [item for item in items if not _older(item, oldest_wanted)]
        newest = max(statuses, key=_id_order, default=since)
        next_cursor: dict[str, Any] = {"scope": scope}
        if newest:
            next_cursor["since_id"] = newest
        return PollOutcome(items=items, cursor=next_cursor, skipped=skipped)


def _page(
    client: httpx.Client,
    url: str,
    since_id: str | None,
    max_id: str | None,
    *,
    size: int,
    limits: FetchLimits,
) -> list[Mapping[str, Any]]:
    params: dict[str, str | int] = {"limit": size}
    if since_id:
        params["since_id"] = since_id
    if max_id:
        params["max_id"] = max_id
    response = request_json(client, "GET", url, params=params, limits=limits)
    if response.status == 404:
        raise SourceError(
            f"{response.host} has no hashtag timeline API (HTTP 404): is it a Mastodon instance?"
        )
    if response.status in (401, 403, 422):
        raise response.failure(f"{response.host} does not show its hashtag timelines to visitors")
    if not response.ok:
        raise response.failure("Mastodon hashtag timeline failed")
    if not isinstance(response.data, list):
        raise SourceError(f"the answer from {response.host} is not a list of statuses")
    return [s for s in response.data if isinstance(s, Mapping) and s.get("id") is not None]


def _passed(page: list[Mapping[str, Any]], oldest_wanted: float) -> bool:
    times = [parse_iso(status.get("created_at")) for status in page]
    return any(when is not None and when.timestamp() < oldest_wanted for when in times)


def _older(item: SourceItem, oldest_wanted: float) -> bool:
    return item.published_at is not None and item.published_at.timestamp() < oldest_wanted


def _usable_id(status: Mapping[str, Any]) -> bool:
    """Whether the status' id can be sent back as `max_id` / `since_id` (a number, or the
    letters and digits other servers use); a status without one is skipped and counted."""
    status_id = status.get("id")
    if isinstance(status_id, int) and not isinstance(status_id, bool):
        return 0 <= status_id < 10**30
    return isinstance(status_id, str) and _STATUS_ID.match(status_id) is not None


def _id_order(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numbers in strings; other servers' ids sort as strings."""
    return (len(status_id), status_id) if status_id.isdigit() else (0, status_id)


def status_item(status: Mapping[str, Any], *, host: str) -> SourceItem:
    boosted = status.get("reblog")
    if isinstance(boosted, Mapping):
        status = boosted
    uri, web = status.get("uri"), status.get("url")
    url = next(
        (u for u in (web, uri) if isinstance(u, str) and u.startswith(("http://", "https://"))),
        None,
    )
    content, warning = status.get("content"), status.get("spoiler_text")
    favourites, reblogs = count(status.get("favourites_count")), count(status.get("reblogs_count"))
    return SourceItem(
        title=clean_title(warning) if isinstance(warning, str) else "",
        text=html_to_text(content) if isinstance(content, str) else "",
        url=url,
        guid=uri if isinstance(uri, str) and uri else None,
        author=_author(status.get("account"), host),
        published_at=parse_iso(status.get("created_at")),
        language=language_code(status.get("language")),
        score=total(favourites, reblogs),
        comments=count(status.get("replies_count")),
    )


def _author(account: Any, host: str) -> str | None:
    if not isinstance(account, Mapping):
        return None
    acct = account.get("acct")
    if not isinstance(acct, str) or not acct:
        return None
    return acct if "@" in acct else f"{acct}@{host}"
