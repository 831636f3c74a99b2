"""The `bluesky` adapter: `app.bsky.feed.searchPosts` with a logged-in session.

Configure ESCUCHA_BLUESKY_HANDLE (e.g. `acme.bsky.social`) and ESCUCHA_BLUESKY_APP_PASSWORD
(an app password from Settings > Privacy and security > App passwords, not the account
password). The session (`com.atproto.server.createSession` at ESCUCHA_BLUESKY_BASE_URL) is
cached per process; an expired access token (401 or `ExpiredToken`) is renewed once with
`com.atproto.server.refreshSession`, and by a new login if that fails. Logins are limited
by Bluesky (30 per 5 minutes per account), which is why the session is kept.

A poll sends one search per alternative of the brand query (no OR in Bluesky's search;
see `sources.search_terms`): `searchPosts?q=...&sort=latest&limit=100&since=T`, following
`cursor` up to `search_max_pages`, where T is the start of the window (the newest post
seen minus 15 minutes, as the index is filled out of order; the first poll:
`search_lookback_days` ago). A post's time is its `sortAt` as Bluesky defines it: the
earlier of `createdAt` and `indexedAt`.

Items: the at-URI is the guid; the URL is the post's web page,
`https://bsky.app/profile/{handle}/post/{rkey}` (the DID in place of a handle that is
missing or `handle.invalid`); the title is empty and the text is the post's text; the
language is `langs[0]`; engagement is likes + reposts as `score` and replies as `comments`.
"""

import dataclasses
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from core.settings import Settings
from domain.text import normalize_text
from sources.base import PollOutcome, SourceConfig, SourceError, SourceItem
from sources.configured import ConfiguredAdapter
from sources.http import FetchLimits
from sources.items import read_each
from sources.json_fetch import (
    JsonResponse,
    SearchWindow,
    count,
    language_code,
    parse_iso,
    request_json,
    scope_of,
    total,
)
from sources.kind_config import KindConfig, SearchConfig
from sources.search_terms import separate_searches
from sources.tokens import TOKENS, Token, jwt_expiry, token_key

WEB_URL = "https://bsky.app/profile/{}/post/{}"
PAGE_SIZE = 100
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
EXPIRED = frozenset({"ExpiredToken", "InvalidToken"})
DEFAULT_ACCESS_SECONDS = 600.0
# A paging cursor longer than this is not sent back (it would not fit in a URL); the
# search then stops at this page, as at the last one.
MAX_CURSOR_LENGTH = 1000


class BlueskyAdapter(ConfiguredAdapter):
    kind: ClassVar[str] = "bluesky"
    config_model: ClassVar[type[KindConfig]] = SearchConfig

    def poll(
        self, client: httpx.Client, config: SourceConfig[SearchConfig], cursor: Mapping[str, Any]
    ) -> PollOutcome:
        settings, limits = self._resolved()
        api = BlueskyApi(client, settings, limits)
        searches = separate_searches(config, source="Bluesky")
        window = SearchWindow.open(
            cursor,
            scope=scope_of("bluesky", config.brand_query, *searches),
            now=self._clock(),
            lookback_seconds=settings.search_lookback_days * 86400.0,
        )
        since = datetime.fromtimestamp(window.floor, UTC).isoformat().replace("+00:00", "Z")
        items: list[SourceItem] = []
        skipped = 0
        for search in searches:
            page_cursor: str | None = None
            for _ in range(settings.search_max_pages):
                params: dict[str, str | int] = {
                    "q": search,
                    "sort": "latest",
                    "limit": PAGE_SIZE,
                    "since": since,
                }
                if page_cursor:
                    params["cursor"] = page_cursor
                posts, page_cursor = _posts(api.get(SEARCH, params))
                found, bad = _collect(posts, window)
                items, skipped = items + found, skipped + bad
                if _below(posts, window) or not page_cursor or not posts:
                    break
        return PollOutcome(items=items, cursor=window.to_cursor(), skipped=skipped)


def _posts(response: JsonResponse) -> tuple[list[Mapping[str, Any]], str | None]:
    data = response.data
    posts = data.get("posts") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(posts, list):
        raise SourceError(f"the answer from {response.host} is not a searchPosts result")
    next_cursor = data.get("cursor")
    usable = isinstance(next_cursor, str) and 0 < len(next_cursor) <= MAX_CURSOR_LENGTH
    return (
        [post for post in posts if isinstance(post, Mapping)],
        next_cursor if usable and isinstance(next_cursor, str) else None,
    )


def _collect(posts: list[Mapping[str, Any]], window: SearchWindow) -> tuple[list[SourceItem], int]:
    """The window's new posts as items, and how many posts could not be read."""
    return read_each(posts, lambda post: _new_post(post, window), kind=BlueskyAdapter.kind)


def _below(posts: list[Mapping[str, Any]], window: SearchWindow) -> bool:
    """Whether a post of the page is older than the window (the search went past it)."""
    for post in posts:
        when = sort_at(post)
        if when is not None and window.below_floor(when.timestamp()):
            return True
    return False


def _new_post(post: Mapping[str, Any], window: SearchWindow) -> SourceItem | None:
    """The post as an item if the window has not seen it; ValueError for one without a
    time we can read, which is skipped and counted."""
    uri = post.get("uri")
    if not isinstance(uri, str):
        return None
    when = sort_at(post)
    if when is None:
        raise ValueError(f"post {uri[:80]!r} has no readable createdAt or indexedAt")
    if window.below_floor(when.timestamp()) or not window.wants(uri, when.timestamp()):
        return None
    window.note(uri, when.timestamp())
    return post_item(post)


def sort_at(post: Mapping[str, Any]) -> datetime | None:
    created = parse_iso(_mapping(post.get("record")).get("createdAt"))
    indexed = parse_iso(post.get("indexedAt"))
    known = [when for when in (created, indexed) if when is not None]
    return min(known) if known else None


def post_item(post: Mapping[str, Any]) -> SourceItem | None:
    """A post view as a SourceItem; None when it has no at-URI to identify it."""
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    authority, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
    author, record = _mapping(post.get("author")), _mapping(post.get("record"))
    handle = author.get("handle")
    name = handle if isinstance(handle, str) and handle and handle != "handle.invalid" else None
    text, langs = record.get("text"), record.get("langs")
    likes, reposts = count(post.get("likeCount")), count(post.get("repostCount"))
    return SourceItem(
        title="",
        text=normalize_text(text) if isinstance(text, str) else "",
        url=WEB_URL.format(name or author.get("did") or authority, rkey) if rkey else None,
        guid=uri,
        author=name,
        published_at=parse_iso(record.get("createdAt")) or parse_iso(post.get("indexedAt")),
        language=language_code(langs[0]) if isinstance(langs, list) and langs else None,
        score=total(likes, reposts),
        comments=count(post.get("replyCount")),
    )


class BlueskyApi:
    """Authenticated XRPC calls with a cached, self-renewing session."""

    def __init__(self, client: httpx.Client, settings: Settings, limits: FetchLimits) -> None:
        self.client, self.limits = client, limits
        self.base = settings.bluesky_base_url.rstrip("/")
        self._handle = settings.bluesky_handle.strip().removeprefix("@")
        self._password = settings.bluesky_app_password.get_secret_value().strip()
        missing = [
            name
            for name, value in (
                ("ESCUCHA_BLUESKY_HANDLE", self._handle),
                ("ESCUCHA_BLUESKY_APP_PASSWORD", self._password),
            )
            if not value
        ]
        if missing:
            raise SourceError(
                f"Bluesky search needs a login: set {' and '.join(missing)} (the handle, e.g. "
                "acme.bsky.social, and an app password from Settings > Privacy and security "
                "> App passwords)"
            )
        self.key = token_key(self.base, self._handle.lower(), self._password)

    def get(self, path: str, params: Mapping[str, str | int]) -> JsonResponse:
        for attempt in range(2):
            response = self._send("GET", path, params=params, bearer=self._access())
            if not _expired(response):
                break
            stale = TOKENS.get_any(self.key)
            if stale is not None:
                TOKENS.put(self.key, dataclasses.replace(stale, expires_at=0.0))
            if attempt:
                raise SourceError(
                    f"Bluesky refused a fresh session (HTTP {response.status}): "
                    "check ESCUCHA_BLUESKY_HANDLE and ESCUCHA_BLUESKY_APP_PASSWORD"
                )
        if not response.ok:
            raise response.failure("Bluesky search failed")
        return response

    def _access(self) -> str:
        token = TOKENS.get(self.key)
        if token is not None:
            return token.access
        stale = TOKENS.get_any(self.key)
        if stale is not None and stale.refresh:
            refreshed = self._send(
                "POST", "/xrpc/com.atproto.server.refreshSession", bearer=stale.refresh
            )
            if refreshed.ok:
                return self._keep(refreshed)
        TOKENS.drop(self.key)
        created = self._send(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json_body={"identifier": self._handle, "password": self._password},
        )
        if created.status == 401 or created.error_code() == "AuthenticationRequired":
            raise SourceError(
                "Bluesky rejected ESCUCHA_BLUESKY_HANDLE / ESCUCHA_BLUESKY_APP_PASSWORD "
                f"(HTTP {created.status}): check the handle and use an app password"
            )
        if created.error_code() == "AuthFactorTokenRequired":
            raise SourceError(
                "Bluesky asks this account for an e-mail code at login: set "
                "ESCUCHA_BLUESKY_APP_PASSWORD to an app password, which needs none"
            )
        if not created.ok:
            raise created.failure("Bluesky login failed")
        return self._keep(created)

    def _keep(self, response: JsonResponse) -> str:
        body = response.data if isinstance(response.data, Mapping) else {}
        access, refresh, did = body.get("accessJwt"), body.get("refreshJwt"), body.get("did")
        if not isinstance(access, str) or not access:
            raise SourceError(f"Bluesky's session answer from {response.host} has no token")
        now = time.monotonic()
        expires = jwt_expiry(access, default_seconds=DEFAULT_ACCESS_SECONDS, now_monotonic=now)
        token = Token(
            access,
            expires,
            refresh if isinstance(refresh, str) and refresh else None,
            did if isinstance(did, str) else None,
        )
        TOKENS.put(self.key, token)
        return access

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Mapping[str, Any] | None = None,
        bearer: str | None = None,
    ) -> JsonResponse:
        return request_json(
            self.client,
            method,
            self.base + path,
            limits=self.limits,
            params=params,
            json_body=json_body,
            headers={"Authorization": f"Bearer {bearer}"} if bearer else None,
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _expired(response: JsonResponse) -> bool:
    return response.status == 401 or (response.status == 400 and response.error_code() in EXPIRED)
