"""Shared plumbing of the JSON search adapters (Reddit, Hacker News, Mastodon, Bluesky).

`request_json` sends one GET or POST through our shared client with the same limits as
`sources.http.fetch` (size cap, wall-clock deadline, the SSRF guard of the client's
transport) plus the headers an API needs (a bearer token, Reddit's User-Agent). It hands
back the status, headers and decoded JSON of every answer, errors included, so that an
adapter can tell an expired token (401, Bluesky's `ExpiredToken`) from other failures;
429 and 503 are raised at once as a SourceError with the wait the server asked for.

`SearchWindow` is the incremental cursor of a newest-first search: the newest item time
seen so far, and the ids seen in the last `overlap` seconds before it. Each poll asks for
items from `newest - overlap` on (search indexes publish late items a little out of
order), skips the ids it has already returned, and on a source's first poll, or after its
search changed, goes back `lookback` instead.
"""

import hashlib
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from sources.base import SourceError
from sources.http import CONNECT_TIMEOUT_SECONDS, FetchLimits, host_of, parse_retry_after

JSON_ACCEPT = "application/json"
DEFAULT_OVERLAP_SECONDS = 900.0
MAX_SEEN = 1000
_ERROR_SNIPPET = 200
_EXCESS_FRACTION = re.compile(r"(\.\d{6})\d+")
_MAX_TIME_LENGTH = 100
MAX_JSON_DEPTH = 100
# A JSON string (no alternative can match where another does: linear) or a bracket.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)


@dataclass(frozen=True, slots=True)
class JsonResponse:
    status: int
    headers: httpx.Headers
    data: Any
    host: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error_code(self) -> str:
        """The machine-readable error name an API put in its body (`error`), or ""."""
        if isinstance(self.data, Mapping):
            value = self.data.get("error")
            return value if isinstance(value, str) else ""
        return ""

    def error_message(self) -> str:
        """The human-readable error text of the body, shortened, or ""."""
        if isinstance(self.data, Mapping):
            for key in ("message", "error_description", "error"):
                value = self.data.get(key)
                if isinstance(value, str) and value:
                    return value[:_ERROR_SNIPPET]
        return ""

    def failure(self, what: str) -> SourceError:
        """A SourceError for an unexpected status, naming the API's own message."""
        detail = self.error_message()
        suffix = f": {detail}" if detail else ""
        return SourceError(f"{what}: HTTP {self.status} from {self.host}{suffix}")


def request_json(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    limits: FetchLimits,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    json_body: Mapping[str, Any] | None = None,
    auth: tuple[str, str] | None = None,
) -> JsonResponse:
    """Send one request and decode its JSON answer; see the module docstring.

    A 2xx answer that is not JSON (an HTML error page, a truncated body) is a SourceError;
    a non-2xx answer whose body is not JSON comes back with `data` None.
    """
    host = host_of(url)
    sent = {"Accept": JSON_ACCEPT, **(headers or {})}
    deadline = time.monotonic() + limits.deadline_seconds
    timeout = httpx.Timeout(
        limits.deadline_seconds, connect=min(limits.deadline_seconds, CONNECT_TIMEOUT_SECONDS)
    )
    try:
        with client.stream(
            method,
            url,
            params=params,
            headers=sent,
            data=data,
            json=json_body,
            auth=auth,
            timeout=timeout,
        ) as response:
            host = response.url.host or host
            _raise_if_throttled(response)
            body = _read_body(response, limits=limits, deadline=deadline, host=host)
    except SourceError:
        raise
    except httpx.HTTPError as exc:
        raise SourceError(_describe(exc, host, limits)) from None
    except httpx.InvalidURL as exc:  # e.g. a paging cursor from the answer, too long for a URL
        reason = str(exc)[:_ERROR_SNIPPET]
        raise SourceError(f"request to {host} not sent: its URL is invalid ({reason})") from None
    return JsonResponse(response.status_code, response.headers, _decode(body, response, host), host)


def retry_after_seconds(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """The wait a throttled answer asks for: Retry-After, else a rate-limit reset header
    (Reddit's `X-Ratelimit-Reset` in seconds, Bluesky's `RateLimit-Reset` as a Unix time)."""
    now = now or datetime.now(UTC)
    wait = parse_retry_after(headers.get("retry-after"), now)
    if wait is not None:
        return wait
    for name in ("x-ratelimit-reset", "ratelimit-reset"):
        value = _number(headers.get(name))
        if value is not None:
            return max(0.0, value - now.timestamp()) if value > 1e9 else value
    return None


def _raise_if_throttled(response: httpx.Response) -> None:
    status = response.status_code
    if status not in (429, 503):
        return
    wait = retry_after_seconds(response.headers)
    what = "rate limited" if status == 429 else "service unavailable"
    suffix = f"; retry after {wait:.0f} s" if wait is not None else ""
    raise SourceError(f"HTTP {status} from {response.url.host} ({what}){suffix}", retry_after=wait)


def _read_body(
    response: httpx.Response, *, limits: FetchLimits, deadline: float, host: str
) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_bytes:
        raise SourceError(_too_large(limits, host))
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > limits.max_bytes:
            raise SourceError(_too_large(limits, host))
        if time.monotonic() > deadline:
            raise SourceError(_too_slow(limits, host))
        chunks.append(chunk)
    if time.monotonic() > deadline:
        raise SourceError(_too_slow(limits, host))
    return b"".join(chunks)


def _decode(body: bytes, response: httpx.Response, host: str) -> Any:
    try:
        return _loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        if not 200 <= response.status_code < 300:
            return None
        kind = response.headers.get("content-type", "unknown type").split(";")[0]
        raise SourceError(
            f"the answer from {host} is not JSON ({kind}, {len(body)} bytes): "
            "an error page or a cut-off response"
        ) from None


def _loads(body: bytes) -> Any:
    """JSON, where a value nested too deeply for the decoder (one post of a search answer
    can carry a record of 100,000 nested arrays) is read as null instead of failing all."""
    try:
        return json.loads(body)
    except RecursionError:
        return json.loads(flatten_deep_json(body))


def flatten_deep_json(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> bytes:
    """The document with every array or object nested deeper than `max_depth` replaced by
    `null`, in one linear pass over its strings and brackets. An unbalanced document stays
    unbalanced (and fails to decode)."""
    parts: list[bytes] = []
    depth, copied_to, cut_from = 0, 0, -1
    for token in _JSON_TOKEN.finditer(body):
        bracket = token.group()
        if bracket[0] == 0x22:  # a string: brackets inside it do not count
            continue
        if bracket in (b"[", b"{"):
            depth += 1
            if depth == max_depth + 1:
                cut_from = token.start()
        else:
            if depth == max_depth + 1 and cut_from >= 0:
                parts += (body[copied_to:cut_from], b"null")
                copied_to, cut_from = token.end(), -1
            depth -= 1
    parts.append(body[copied_to:])
    return b"".join(parts)


def _describe(error: httpx.HTTPError, host: str, limits: FetchLimits) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return f"could not connect to {host}: timed out"
    if isinstance(error, httpx.TimeoutException):
        return _too_slow(limits, host)
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {host}: {error}"
    if isinstance(error, httpx.TooManyRedirects):
        return f"too many redirects starting at {host}"
    return f"request to {host} failed: {error}"


def _too_large(limits: FetchLimits, host: str) -> str:
    size = limits.max_bytes
    shown = f"{size // (1024 * 1024)} MB" if size % (1024 * 1024) == 0 else f"{size:,} bytes"
    return f"response from {host} larger than {shown}, abandoned"


def _too_slow(limits: FetchLimits, host: str) -> str:
    return f"no complete response within {limits.deadline_seconds:g} s from {host}"


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


# -- incremental windows -----------------------------------------------------------------


def scope_of(*parts: str | None) -> str:
    """A short fingerprint of what a source searches; a change restarts its window."""
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


@dataclass(slots=True)
class SearchWindow:
    """Which items of a newest-first search are new; see the module docstring."""

    scope: str
    floor: float
    now: float
    newest: float | None = None
    seen: dict[str, float] = field(default_factory=dict)
    overlap: float = DEFAULT_OVERLAP_SECONDS

    @classmethod
    def open(
        cls,
        cursor: Mapping[str, Any],
        *,
        scope: str,
        now: float,
        lookback_seconds: float,
        overlap: float = DEFAULT_OVERLAP_SECONDS,
    ) -> "SearchWindow":
        newest = _number_or_none(cursor.get("newest"))
        if cursor.get("scope") != scope or newest is None:
            return cls(scope, now - lookback_seconds, now, None, {}, overlap)
        seen_raw = cursor.get("seen")
        seen = {
            str(key): float(value)
            for key, value in (seen_raw.items() if isinstance(seen_raw, Mapping) else ())
            if isinstance(value, int | float)
        }
        floor = max(newest - overlap, now - lookback_seconds)
        return cls(scope, floor, now, min(newest, now), seen, overlap)

    def wants(self, key: str, when: float) -> bool:
        """True for an item inside the window that this source has not returned yet."""
        return when >= self.floor and key not in self.seen

    def below_floor(self, when: float) -> bool:
        return when < self.floor

    def note(self, key: str, when: float) -> None:
        """Remember a returned item; a time in the future (a wrong clock) counts as now."""
        when = min(when, self.now)
        self.seen[key] = when
        if self.newest is None or when > self.newest:
            self.newest = when

    def to_cursor(self) -> dict[str, Any]:
        if self.newest is None:
            # Nothing found yet: the next poll starts where this one looked from.
            return {"scope": self.scope, "newest": self.floor + self.overlap, "seen": {}}
        keep_from = self.newest - self.overlap
        recent = sorted(
            ((key, when) for key, when in self.seen.items() if when >= keep_from),
            key=lambda pair: pair[1],
            reverse=True,
        )[:MAX_SEEN]
        return {"scope": self.scope, "newest": self.newest, "seen": dict(recent)}


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# -- values ------------------------------------------------------------------------------


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (fractions past microseconds cut); None
    when absent or unreadable. A time without a zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TIME_LENGTH:
        return None
    text = _EXCESS_FRACTION.sub(r"\1", value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # unreadable, or past the calendar's ends in UTC
        return None


def from_timestamp(value: Any) -> datetime | None:
    """A Unix time (a JSON number) as an aware UTC datetime; None for anything else and for
    a time no datetime can hold (`1e20`, infinity, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def count(value: Any) -> int | None:
    """A JSON number as an int; None for null, booleans, infinity, NaN (`1e999` decodes to
    infinity) and anything else. Large counts are kept: the store clamps them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value)


def language_code(value: Any) -> str | None:
    """The primary language subtag (`pt-BR` gives `pt`), lower case; None if not a code."""
    if not isinstance(value, str):
        return None
    primary = value.strip().split("-")[0].split("_")[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else None


def total(*values: int | None) -> int | None:
    """The sum of the counts a source gave; None when it gave none of them."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None
