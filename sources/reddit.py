"""The `reddit` adapter: Reddit's search API with an app-only OAuth token.

Configure ESCUCHA_REDDIT_CLIENT_ID and ESCUCHA_REDDIT_CLIENT_SECRET (a "script" or "web
app" from https://www.reddit.com/prefs/apps) and, as Reddit's API rules ask, the Reddit
account that runs it in ESCUCHA_REDDIT_USERNAME; the User-Agent is then
`python:escucha:<version> (by /u/<username>)`. The token (client-credentials grant at
`{REDDIT_AUTH_URL}/api/v1/access_token`) is cached per process until it expires; a 401
fetches a new one once.

A poll searches posts across Reddit (`/search`) or within the source's `subreddit`
(`/r/{sub}/search?restrict_sr=1`), newest first, 100 a page, following `after` until it
reaches the items it saw last time (see `SearchWindow`: newest `created_utc` plus the
fullnames of the last 15 minutes) or `search_max_pages`; the first poll goes back
`search_lookback_days`. With ESCUCHA_REDDIT_INCLUDE_COMMENTS and a `subreddit`, the
subreddit's newest comments are read the same way (Reddit's API has no comment search,
so site-wide sources read posts only). Every poll also re-reads the up to 100 most recent
posts it returned before (`/api/info`, one request) so that a post deleted or removed
since then comes back as `deleted` and leaves our store.

Identity: the fullname (`t3_...`, `t1_...`) is the guid and the permalink
(`https://www.reddit.com/r/.../comments/...`) the URL, for link posts too (the Reddit
discussion is the mention; its score and comment count are its engagement). A post whose
author is `[deleted]`, whose `removed_by_category` is set or whose text is `[removed]` /
`[deleted]` is returned with `deleted=True`.

Rate limits: Reddit's `X-Ratelimit-Remaining` / `X-Ratelimit-Reset` are remembered per
app for the whole process; once none remain, every Reddit source fails fast with a
retry-after until the reset.
"""

import re
import threading
import time
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Self
from urllib.parse import quote

import httpx
from pydantic import Field

from core.settings import Settings
from domain.text import clean_title, html_to_text, normalize_text
from sources.base import PollOutcome, SourceConfig, SourceError, SourceItem
from sources.configured import ConfiguredAdapter
from sources.http import FetchLimits
from sources.items import read_each
from sources.json_fetch import (
    JsonResponse,
    SearchWindow,
    count,
    from_timestamp,
    request_json,
    scope_of,
)
from sources.kind_config import KindConfig, SearchConfig
from sources.search_terms import reddit_search
from sources.tokens import TOKENS, Token, TokenKey, token_key

WEB_ORIGIN = "https://www.reddit.com"
PAGE_SIZE = 100
RECHECK_LIMIT = 100
GONE_TEXT = frozenset({"[deleted]", "[removed]"})
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
# A thing's fullname (`t3_1abcde`): also what `after` must be to be sent back.
_FULLNAME = re.compile(r"^t[1-9]_[0-9a-z]{1,16}\Z")
# A path on Reddit: one leading slash (`//host` would leave Reddit), printable, bounded.
_PERMALINK = re.compile(r"^/(?!/)[!-~]{0,1000}\Z")
_blocked_until: dict[TokenKey, float] = {}
_budget_lock = threading.Lock()


def normalize_subreddit(value: str) -> str:
    """`r/Mexico` or `/r/mexico/` gives `Mexico`; `a+b` (several subreddits) is kept;
    ValueError for a name Reddit would not accept."""
    name = value.strip().strip("/")
    name = name[2:] if name.lower().startswith("r/") else name
    parts = name.split("+")
    if not all(_SUBREDDIT.match(part) for part in parts) or len(parts) > 10:
        raise ValueError(
            f"subreddit {value!r} is not a subreddit name: 2 to 21 letters, digits or "
            "underscores, e.g. mexico or r/mexico (join several with +)"
        )
    return name


def user_agent(settings: Settings) -> str:
    """Reddit's required form: `<platform>:<app id>:<version> (by /u/<name>)`."""
    try:
        release = version("escucha")
    except PackageNotFoundError:
        release = "0.1.0"
    base = f"python:escucha:{release}"
    name = settings.reddit_username.strip().removeprefix("/u/").removeprefix("u/")
    return f"{base} (by /u/{name})" if name else base


class RedditConfig(SearchConfig):
    """A Reddit source takes an optional `subreddit` (`mexico`, `a+b`) and `search`."""

    subreddit: str | None = Field(default=None, max_length=100)

    def checked(self, *, allow_private: bool) -> Self:
        if self.subreddit is None:
            return self
        return self.model_copy(update={"subreddit": normalize_subreddit(self.subreddit)})


class RedditAdapter(ConfiguredAdapter):
    kind: ClassVar[str] = "reddit"
    config_model: ClassVar[type[KindConfig]] = RedditConfig

    def poll(
        self, client: httpx.Client, config: SourceConfig[RedditConfig], cursor: Mapping[str, Any]
    ) -> PollOutcome:
        settings, limits = self._resolved()
        api = RedditApi(client, settings, limits)
        return _poll(api, config, cursor, settings, now=self._clock())


def _poll(
    api: "RedditApi",
    config: SourceConfig[RedditConfig],
    cursor: Mapping[str, Any],
    settings: Settings,
    *,
    now: float,
) -> PollOutcome:
    lookback = settings.search_lookback_days * 86400.0
    query = reddit_search(config)
    sub = config.fields.subreddit
    path = f"/r/{quote(sub)}/search" if sub else "/search"
    params: dict[str, str | int] = {"q": query, "sort": "new", "limit": PAGE_SIZE, "type": "link"}
    if sub:
        params["restrict_sr"] = 1
    posts = SearchWindow.open(
        cursor,
        scope=scope_of("reddit", config.brand_query, query, sub),
        now=now,
        lookback_seconds=lookback,
    )
    items, skipped = _read_listing(api, path, params, posts, settings.search_max_pages)
    next_cursor = posts.to_cursor()
    if settings.reddit_include_comments and sub:
        comments_cursor = cursor.get("comments")
        comments = SearchWindow.open(
            comments_cursor if isinstance(comments_cursor, Mapping) else {},
            scope=scope_of("reddit-comments", config.brand_query, sub),
            now=now,
            lookback_seconds=lookback,
        )
        comment_path = f"/r/{quote(sub)}/comments"
        found, bad = _read_listing(
            api, comment_path, {"limit": PAGE_SIZE}, comments, settings.search_max_pages
        )
        items, skipped = items + found, skipped + bad
        next_cursor["comments"] = comments.to_cursor()
    recent = _recent(cursor, now=now, lookback=lookback)
    returned = {item.guid for item in items}
    items += _recheck(api, [name for name in recent if name not in returned])
    next_cursor["recent"] = _remember(recent, items)
    return PollOutcome(items=items, cursor=next_cursor, skipped=skipped)


def _read_listing(
    api: "RedditApi",
    path: str,
    params: dict[str, str | int],
    window: SearchWindow,
    max_pages: int,
) -> tuple[list[SourceItem], int]:
    """The listing's new items, and how many of its things could not be read."""
    items: list[SourceItem] = []
    skipped = 0
    after: str | None = None
    for _ in range(max_pages):
        page = api.get(path, {**params, "after": after} if after else params)
        children, after = _listing(page)
        found, bad = read_each(children, lambda thing: _new_thing(thing, window), kind="reddit")
        items += found
        skipped += bad
        reached_floor = any(
            created is not None and window.below_floor(created)
            for created in map(_created, children)
        )
        if reached_floor or not after or not children:
            break
    return items, skipped


def _new_thing(thing: Mapping[str, Any], window: SearchWindow) -> SourceItem | None:
    """The thing as an item if it is inside the window and new; ValueError for one without
    a time we can read (`created_utc: 1e20`), which is skipped and counted."""
    name = str(thing.get("name") or "")
    if not name:
        return None
    created = _created(thing)
    if created is None:
        raise ValueError(f"{name[:40]!r} has no readable created_utc")
    if window.below_floor(created) or not window.wants(name, created):
        return None
    window.note(name, created)
    return thing_item(thing)


def _recheck(api: "RedditApi", names: list[str]) -> list[SourceItem]:
    """The posts among `names` that were deleted or removed since we returned them.
    Best effort: when the check fails, the next poll checks again."""
    if not names or api.blocked_for() is not None:
        return []
    try:
        children, _ = _listing(api.get("/api/info", {"id": ",".join(names[:RECHECK_LIMIT])}))
    except SourceError:
        return []
    gone, _ = read_each([thing for thing in children if is_gone(thing)], thing_item, kind="reddit")
    return gone


def _recent(cursor: Mapping[str, Any], *, now: float, lookback: float) -> dict[str, float]:
    raw = cursor.get("recent")
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(name): float(when)
        for name, when in raw.items()
        if isinstance(when, int | float) and when >= now - lookback
    }


def _remember(recent: dict[str, float], items: list[SourceItem]) -> dict[str, float]:
    merged = dict(recent)
    for item in items:
        if item.guid is None or not item.guid.startswith("t3_"):
            continue
        if item.deleted:
            merged.pop(item.guid, None)
        elif item.published_at is not None:
            merged[item.guid] = item.published_at.timestamp()
    newest = sorted(merged.items(), key=lambda pair: pair[1], reverse=True)[:RECHECK_LIMIT]
    return dict(newest)


def _listing(response: JsonResponse) -> tuple[list[Mapping[str, Any]], str | None]:
    data = response.data.get("data") if isinstance(response.data, Mapping) else None
    children = data.get("children") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(children, list):
        raise SourceError(f"the answer from {response.host} is not a Reddit listing")
    things = [
        child["data"]
        for child in children
        if isinstance(child, Mapping)
        and child.get("kind") in ("t1", "t3")
        and isinstance(child.get("data"), Mapping)
    ]
    after = data.get("after")
    return things, after if isinstance(after, str) and _FULLNAME.match(after) else None


def thing_item(thing: Mapping[str, Any]) -> SourceItem:
    """A post (`t3`) or comment (`t1`) as a SourceItem."""
    name = str(thing.get("name") or "")
    created = _created(thing)
    is_comment = name.startswith("t1_")
    author = thing.get("author")
    return SourceItem(
        title="" if is_comment else clean_title(str(thing.get("title") or ""), html=False),
        text=_text(thing, "body" if is_comment else "selftext"),
        url=thing_url(thing),
        guid=name or None,
        author=author if isinstance(author, str) and author not in GONE_TEXT else None,
        published_at=from_timestamp(created),
        score=count(thing.get("score")),
        comments=None if is_comment else count(thing.get("num_comments")),
        deleted=is_gone(thing),
    )


def thing_url(thing: Mapping[str, Any]) -> str | None:
    """The Reddit page of a thing: its permalink (a path on Reddit; anything else, such as
    `javascript:...` or another site, is not taken), else `/comments/<id>` from its name."""
    permalink = thing.get("permalink")
    if isinstance(permalink, str) and _PERMALINK.match(permalink):
        return WEB_ORIGIN + permalink
    name = thing.get("name")
    if isinstance(name, str) and _FULLNAME.match(name):
        return f"{WEB_ORIGIN}/comments/{name.partition('_')[2]}/"
    return None


def is_gone(thing: Mapping[str, Any]) -> bool:
    text = (
        thing.get("body") if str(thing.get("name", "")).startswith("t1_") else thing.get("selftext")
    )
    return (
        thing.get("author") == "[deleted]"
        or thing.get("removed_by_category") is not None
        or (isinstance(text, str) and text.strip() in GONE_TEXT)
    )


def _text(thing: Mapping[str, Any], field: str) -> str:
    rendered = thing.get(f"{field}_html")
    if isinstance(rendered, str) and rendered.strip():
        return html_to_text(rendered)
    raw = thing.get(field)
    return normalize_text(raw) if isinstance(raw, str) else ""


def _created(thing: Mapping[str, Any]) -> float | None:
    """The thing's `created_utc`; None unless it is a time a datetime can hold."""
    when = from_timestamp(thing.get("created_utc"))
    return when.timestamp() if when is not None else None


class RedditApi:
    """Authenticated GETs against the Reddit API, with the token and the rate budget."""

    def __init__(self, client: httpx.Client, settings: Settings, limits: FetchLimits) -> None:
        self.client, self.settings, self.limits = client, settings, limits
        secret = settings.reddit_client_secret.get_secret_value()
        missing = [
            name
            for name, value in (
                ("ESCUCHA_REDDIT_CLIENT_ID", settings.reddit_client_id),
                ("ESCUCHA_REDDIT_CLIENT_SECRET", secret),
            )
            if not value.strip()
        ]
        if missing:
            raise SourceError(
                f"Reddit needs an app's credentials: set {' and '.join(missing)} (create a "
                "'script' app at https://www.reddit.com/prefs/apps), and ESCUCHA_REDDIT_USERNAME "
                "to the account that owns it, for the User-Agent Reddit asks for"
            )
        self._credentials = (settings.reddit_client_id.strip(), secret.strip())
        self.key = token_key(settings.reddit_auth_url, *self._credentials)
        self.user_agent = user_agent(settings)

    def get(self, path: str, params: Mapping[str, str | int]) -> JsonResponse:
        url = self.settings.reddit_base_url.rstrip("/") + path
        query = {**params, "raw_json": 1}
        for attempt in range(2):
            response = self._send("GET", url, params=query, bearer=self._token())
            if response.status != 401:
                break
            TOKENS.drop(self.key)
            if attempt:
                raise SourceError(
                    "Reddit refused a fresh access token (HTTP 401 twice): check that the app "
                    "of ESCUCHA_REDDIT_CLIENT_ID is still active"
                )
        if response.status == 403:
            raise SourceError(f"Reddit refused {path} (HTTP 403): private, quarantined or banned")
        if response.status == 404:
            raise SourceError(f"Reddit found nothing at {path} (HTTP 404): check the subreddit")
        if not response.ok:
            raise response.failure("Reddit search failed")
        return response

    def blocked_for(self) -> float | None:
        with _budget_lock:
            until = _blocked_until.get(self.key)
        remaining = None if until is None else until - time.monotonic()
        return remaining if remaining is not None and remaining > 0 else None

    def _token(self) -> str:
        token = TOKENS.get(self.key)
        if token is not None:
            return token.access
        response = self._send(
            "POST",
            self.settings.reddit_auth_url.rstrip("/") + "/api/v1/access_token",
            data={"grant_type": "client_credentials"},
        )
        if response.status in (400, 401, 403):
            raise SourceError(
                f"Reddit rejected ESCUCHA_REDDIT_CLIENT_ID/SECRET (HTTP {response.status}): "
                "check the app's id and secret at https://www.reddit.com/prefs/apps"
            )
        body = response.data if isinstance(response.data, Mapping) else {}
        access, lifetime = body.get("access_token"), body.get("expires_in")
        if not response.ok or not isinstance(access, str) or not access:
            detail = response.error_code() or f"HTTP {response.status}"
            raise SourceError(f"Reddit gave no access token ({detail})")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
        TOKENS.put(self.key, Token(access, time.monotonic() + seconds))
        return access

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        data: Mapping[str, str] | None = None,
        bearer: str | None = None,
    ) -> JsonResponse:
        wait = self.blocked_for()
        if wait is not None:
            raise SourceError(
                f"Reddit's rate limit for this app is used up; it resets in {wait:.0f} s",
                retry_after=wait,
            )
        headers = {"User-Agent": self.user_agent}
        if bearer:
            headers["Authorization"] = f"bearer {bearer}"
        response = request_json(
            self.client,
            method,
            url,
            limits=self.limits,
            params=params,
            data=data,
            headers=headers,
            auth=None if bearer else self._credentials,
        )
        self._note_budget(response.headers)
        return response

    def _note_budget(self, headers: httpx.Headers) -> None:
        remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
        try:
            exhausted = remaining is not None and float(remaining) < 1
            seconds = float(reset) if reset is not None else 60.0
        except ValueError:
            return
        if exhausted:
            with _budget_lock:
                _blocked_until[self.key] = time.monotonic() + seconds


def reset_rate_budgets() -> None:
    """Forget every remembered rate budget (tests)."""
    with _budget_lock:
        _blocked_until.clear()
