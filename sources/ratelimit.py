"""Per-host request rate, shared by every worker: a token bucket per host.

Each host's bucket refills at `rate` tokens a second and holds at most `burst`; every request
to the host takes one token, each redirect hop included, the operator's trusted base URLs
(search sources) included. With ESCUCHA_REDIS_URL set, the buckets live in Redis and one
Lua script reads, refills and takes atomically on the Redis clock, so all worker processes
on all machines share them. Without it (embedded mode: one worker process), they live in
the process.

When the bucket is empty, the token is reserved anyway and the request waits for it, if
that wait is at most `host_rate_max_wait_seconds`: requests to a busy host queue up in
order. A longer wait reserves nothing and raises HostRateLimited (a SourceError carrying
`retry_after`); `poll_source` then defers the source to when its host has room, without
counting a failure, so a worker thread is never parked for long behind one busy host.

Redis down never stops polling: the limiter falls back to the in-process buckets, logs it,
and tries Redis again after `REDIS_RETRY_SECONDS`. Meanwhile each process limits on its own,
so a host can see up to (processes x rate) requests a second.

Rates: `host_rate_limits[host]` when named (exact host name, lower case), else
`default_host_rate_per_second` (0 = unlimited), except loopback hosts (127.0.0.0/8, ::1,
localhost), our own machine, reachable only with ESCUCHA_ALLOW_PRIVATE_HOSTS: unlimited
unless named.
"""

import ipaddress
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx
import redis

from core.logging import get_logger
from core.settings import Settings
from sources.base import SourceError

log = get_logger(__name__)

KEY_PREFIX = "escucha:ratelimit:"
REDIS_RETRY_SECONDS = 30.0
REDIS_SOCKET_TIMEOUT_SECONDS = 0.5

# KEYS[1]: the host's bucket; ARGV: rate, burst, max_wait. Returns {granted, wait seconds}.
# Tokens may go below zero: each one below is a request already waiting its turn.
TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
end
if wait > max_wait then
  return {0, tostring(wait)}
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {1, tostring(wait)}
"""


class HostRateLimited(SourceError):
    """The host's bucket is empty for longer than a request may wait; try again later."""


@dataclass(frozen=True, slots=True)
class HostLimit:
    rate: float  # tokens a second, > 0
    burst: float  # bucket size, >= 1


@dataclass(frozen=True, slots=True)
class Reservation:
    granted: bool
    wait: float  # seconds until the token is due (when granted) or would be (when not)


class TokenBuckets(Protocol):
    def reserve(self, host: str, limit: HostLimit, max_wait: float) -> Reservation: ...


@dataclass(frozen=True)
class RatePolicy:
    """Which limit applies to which host: pure data, no I/O."""

    default_rate: float
    per_host: Mapping[str, float]
    burst: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "RatePolicy":
        per_host = {normal_host(h): rate for h, rate in settings.host_rate_limits.items()}
        return cls(settings.default_host_rate_per_second, per_host, settings.host_rate_burst)

    def limit_for(self, host: str) -> HostLimit | None:
        """The host's limit, or None when it is unlimited."""
        host = normal_host(host)
        rate = self.per_host.get(host)
        if rate is None:
            rate = 0.0 if is_loopback(host) else self.default_rate
        return HostLimit(rate, max(self.burst, 1.0)) if rate > 0 else None


def normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LocalBuckets:
    """The buckets of this process (threads share them)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # host: (tokens, at)

    def reserve(self, host: str, limit: HostLimit, max_wait: float) -> Reservation:
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(host, (limit.burst, now))
            tokens = min(limit.burst, tokens + max(0.0, now - at) * limit.rate)
            wait = (1 - tokens) / limit.rate if tokens < 1 else 0.0
            if wait > max_wait:
                return Reservation(False, wait)
            self._buckets[host] = (tokens - 1, now)
            return Reservation(True, wait)


class RedisBuckets:
    """The buckets every worker shares, in Redis. Raises redis.RedisError when it is down."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._script = client.register_script(TOKEN_BUCKET_LUA)

    @classmethod
    def from_url(cls, url: str) -> "RedisBuckets":
        client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            health_check_interval=30,
        )
        return cls(client)

    def reserve(self, host: str, limit: HostLimit, max_wait: float) -> Reservation:
        granted, wait = self._script(
            keys=[KEY_PREFIX + host], args=[limit.rate, limit.burst, max_wait]
        )
        return Reservation(bool(int(granted)), float(wait))


# One set of in-process buckets per process, so every client of the process shares them.
_local_buckets = LocalBuckets()


class HostRateLimiter:
    """Takes a token for a host before each request; waits (bounded) or raises."""

    def __init__(
        self,
        policy: RatePolicy,
        *,
        shared: TokenBuckets | None = None,
        local: TokenBuckets | None = None,
        max_wait: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self.max_wait = max_wait
        self._shared = shared
        self._local = local or _local_buckets
        self._sleep = sleep
        self._shared_down_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "HostRateLimiter":
        shared = RedisBuckets.from_url(settings.redis_url) if settings.redis_url else None
        return cls(
            RatePolicy.from_settings(settings),
            shared=shared,
            max_wait=settings.host_rate_max_wait_seconds,
        )

    def acquire(self, host: str) -> None:
        """Return when a request to `host` may go; HostRateLimited when it may not soon."""
        limit = self.policy.limit_for(host)
        if limit is None:
            return
        key = normal_host(host)
        reservation = self._reserve(key, limit)
        if not reservation.granted:
            raise HostRateLimited(
                f"{key} is at its request-rate limit ({limit.rate:g}/s); "
                f"poll deferred by {reservation.wait:.1f} s",
                retry_after=reservation.wait,
            )
        if reservation.wait > 0:
            self._sleep(reservation.wait)

    def _reserve(self, host: str, limit: HostLimit) -> Reservation:
        if self._shared is not None and time.monotonic() >= self._shared_down_until:
            try:
                reservation = self._shared.reserve(host, limit, self.max_wait)
            except redis.RedisError as exc:
                self._shared_down_until = time.monotonic() + REDIS_RETRY_SECONDS
                log.warning(
                    "ratelimit.redis_unavailable",
                    error=f"{type(exc).__name__}: {exc}",
                    fallback="per-process buckets",
                    retry_in_seconds=REDIS_RETRY_SECONDS,
                )
            else:
                if self._shared_down_until:
                    self._shared_down_until = 0.0
                    log.info("ratelimit.redis_restored")
                return reservation
        return self._local.reserve(host, limit, self.max_wait)


class RateLimitedTransport(httpx.BaseTransport):
    """Wraps a transport: every request, each redirect hop included, takes its host's token."""

    def __init__(self, inner: httpx.BaseTransport, limiter: HostRateLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.limiter.acquire(request.url.host)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
