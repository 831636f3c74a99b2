"""Our one way to fetch a URL: the shared client and a bounded, conditional GET.

`fetch` sends If-None-Match / If-Modified-Since from the source's cursor, follows redirects
(each hop re-checked by the SSRF guard), streams the body and abandons it past the size cap
or the wall-clock deadline, and turns every failure into a SourceError whose message is
what the user sees as the source's `last_error`.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

import httpx

from core.settings import Settings
from sources.base import SourceError
from sources.netguard import GuardedTransport
from sources.ratelimit import HostRateLimiter, RateLimitedTransport

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
CONNECT_TIMEOUT_SECONDS = 10.0
# Per fetch thread (each keeps its own idle connections, `sources.wire`): one request at a
# time, to many hosts, a few requests each; a few connections kept for the hosts a batch
# asks again.
POOL_LIMITS = httpx.Limits(max_keepalive_connections=4, keepalive_expiry=30)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int = 10 * 1024 * 1024
    deadline_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "FetchLimits":
        return cls(settings.fetch_max_bytes, settings.fetch_timeout_seconds)


@dataclass(frozen=True, slots=True)
class FetchResult:
    status: int
    content: bytes
    headers: httpx.Headers
    final_url: str
    not_modified: bool
    next_cursor: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str | None:
        value: str | None = self.headers.get("content-type")
        return value


def operator_base_urls(settings: Settings) -> list[str]:
    """The operator's configured base URLs: trusted, exempt from the private-host guard."""
    return [
        settings.reddit_auth_url,
        settings.reddit_base_url,
        settings.google_news_base_url,
        settings.hackernews_base_url,
        settings.bluesky_base_url,
    ]


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing and sends nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None


class FeedClient(httpx.Client):
    """An httpx client that keeps no cookies: one client serves every workspace's sources, so
    a cookie one feed's host sets must not follow another poll (or track us across polls);
    and a feed needs none. Reading Set-Cookie was also a tenth of a conditional GET's CPU."""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        raise TypeError("the feed client keeps no cookies")


_NO_COOKIES = _NoCookies()


def make_client(settings: Settings, *, limiter: HostRateLimiter | None = None) -> httpx.Client:
    """The SSRF-guarded client; every request first takes its host's rate-limit token
    (`sources.ratelimit`; a limiter from the settings unless one is given)."""
    guarded = GuardedTransport(
        allow_private=settings.allow_private_hosts,
        trusted_origins=operator_base_urls(settings),
        limits=POOL_LIMITS,
    )
    limiter = limiter or HostRateLimiter.from_settings(settings)
    timeout = settings.fetch_timeout_seconds
    return FeedClient(
        transport=RateLimitedTransport(guarded, limiter),
        headers={"User-Agent": settings.user_agent, "Accept": FEED_ACCEPT},
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
        trust_env=False,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    cursor: Mapping[str, Any],
    max_bytes: int,
    deadline_seconds: float,
) -> FetchResult:
    """GET `url` conditionally; no single wait exceeds the deadline, and the body is
    abandoned at the first chunk past it, so a fetch ends within twice the deadline."""
    deadline = time.monotonic() + deadline_seconds
    timeout = httpx.Timeout(
        deadline_seconds, connect=min(deadline_seconds, CONNECT_TIMEOUT_SECONDS)
    )
    host = host_of(url)
    try:
        with client.stream(
            "GET", parsed_url(url), headers=conditional_headers(cursor), timeout=timeout
        ) as r:
            return _read(r, cursor, max_bytes=max_bytes, deadline=deadline, limit=deadline_seconds)
    except SourceError:
        raise
    except httpx.TooManyRedirects:
        raise SourceError(
            f"too many redirects (more than {client.max_redirects}) starting at {host}"
        ) from None
    except httpx.ConnectTimeout as exc:
        raise SourceError(f"could not connect to {_host(exc, host)}: timed out") from None
    except httpx.TimeoutException as exc:
        raise SourceError(_too_slow(deadline_seconds, _host(exc, host))) from None
    except httpx.ConnectError as exc:
        raise SourceError(f"could not connect to {_host(exc, host)}: {exc}") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise SourceError(f"cannot fetch {url}: {exc}") from None
    except httpx.DecodingError as exc:
        raise SourceError(f"could not decode the response from {_host(exc, host)}: {exc}") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"request to {_host(exc, host)} failed: {exc}") from None


def conditional_headers(cursor: Mapping[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    etag, last_modified = cursor.get("etag"), cursor.get("last_modified")
    if isinstance(etag, str) and etag:
        headers["If-None-Match"] = etag
    if isinstance(last_modified, str) and last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past gives 0."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _read(
    response: httpx.Response,
    cursor: Mapping[str, Any],
    *,
    max_bytes: int,
    deadline: float,
    limit: float,
) -> FetchResult:
    status, host = response.status_code, response.url.host
    if status == 304:
        response.read()  # the empty body, so the connection goes back to the pool
        return FetchResult(
            status, b"", response.headers, str(response.url), True, _next_cursor(response, cursor)
        )
    _raise_for_status(response)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise SourceError(_too_large(max_bytes))
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise SourceError(_too_large(max_bytes))
        if time.monotonic() > deadline:
            raise SourceError(_too_slow(limit, host))
        chunks.append(chunk)
    if time.monotonic() > deadline:
        raise SourceError(_too_slow(limit, host))
    return FetchResult(
        status, b"".join(chunks), response.headers, str(response.url), False, _next_cursor(response)
    )


def _raise_for_status(response: httpx.Response) -> None:
    status, host = response.status_code, response.url.host
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
        what = "rate limited" if status == 429 else "service unavailable"
        wait = f"; retry after {retry_after:.0f} s" if retry_after is not None else ""
        raise SourceError(f"HTTP {status} from {host} ({what}){wait}", retry_after=retry_after)
    if status >= 400:
        raise SourceError(f"HTTP {status} from {host}")
    if status >= 300:
        raise SourceError(f"HTTP {status} from {host} without a usable Location")
    if status == 204:
        raise SourceError(f"HTTP 204 from {host}: an empty answer, not a feed")


def _next_cursor(
    response: httpx.Response, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The validators for the next conditional GET. A 304 keeps the old ones unless it
    sends new ones; a 200 carries only its own."""
    cursor: dict[str, Any] = {}
    for key, header in (("etag", "etag"), ("last_modified", "last-modified")):
        value = response.headers.get(header) or (previous or {}).get(key)
        if isinstance(value, str) and value:
            cursor[key] = value
    return cursor


def _host(error: httpx.HTTPError, default: str) -> str:
    """The host of the request that failed, which a redirect may have changed."""
    try:
        return error.request.url.host or default
    except RuntimeError:
        return default


@lru_cache(maxsize=2048)
def parsed_url(url: str) -> httpx.URL:
    """`url` parsed once: httpx would parse a string on every request (a tenth of the CPU of
    a conditional GET), and a source asks for the same URL poll after poll."""
    return httpx.URL(url)


def host_of(url: str) -> str:
    try:
        return parsed_url(url).host or url
    except httpx.InvalidURL:
        return url


def _too_large(max_bytes: int) -> str:
    return f"response larger than {_size(max_bytes)}, abandoned"


def _too_slow(limit: float, host: str) -> str:
    return f"no complete response within {limit:g} s from {host}"


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"
