"""The per-host rate limit: policy, buckets (in-process and in a real Redis), the transport
that applies it to every request, and what a poll does when its host has no room."""

import socket
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from core.db import session_scope
from core.settings import Settings
from models.tables import PollAttempt, Source
from models.types import utcnow
from services.polling import poll_source
from sources.http import fetch, make_client
from sources.ratelimit import (
    HostLimit,
    HostRateLimited,
    HostRateLimiter,
    LocalBuckets,
    RatePolicy,
    RedisBuckets,
)
from tests.support.feed_server import FeedServer
from tests.support.scenario import alerts_feed, brand_with_sources


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_policy_names_hosts_defaults_the_rest_and_leaves_loopback_alone() -> None:
    policy = RatePolicy.from_settings(
        Settings(
            default_host_rate_per_second=1.0,
            host_rate_limits={"WWW.Google.com": 0.5, "127.0.0.1": 20, "slow.example": 0},
            host_rate_burst=3,
        )
    )
    assert policy.limit_for("www.google.com") == HostLimit(0.5, 3)
    assert policy.limit_for("news.example.org") == HostLimit(1.0, 3)
    assert policy.limit_for("127.0.0.1") == HostLimit(20, 3)  # named: limited
    assert policy.limit_for("127.0.0.2") is None  # loopback, not named
    assert policy.limit_for("::1") is None
    assert policy.limit_for("localhost") is None
    assert policy.limit_for("slow.example") is None  # 0 means unlimited
    unlimited = RatePolicy(default_rate=0, per_host={}, burst=1)
    assert unlimited.limit_for("news.example.org") is None


def test_a_bucket_spends_its_burst_then_queues_requests_at_the_rate() -> None:
    clock = FakeClock()
    buckets, limit = LocalBuckets(clock), HostLimit(rate=2.0, burst=2)
    waits = [buckets.reserve("h", limit, max_wait=5).wait for _ in range(5)]
    assert waits == [0.0, 0.0, 0.5, 1.0, 1.5]  # each token reserved in turn
    clock.now += 10  # idle: the bucket refills, never beyond the burst
    assert [buckets.reserve("h", limit, max_wait=5).wait for _ in range(3)] == [0.0, 0.0, 0.5]


def test_a_wait_longer_than_allowed_reserves_nothing() -> None:
    clock = FakeClock()
    buckets, limit = LocalBuckets(clock), HostLimit(rate=1.0, burst=1)
    assert buckets.reserve("h", limit, max_wait=0.5).granted
    refused = buckets.reserve("h", limit, max_wait=0.5)
    assert not refused.granted and refused.wait == pytest.approx(1.0)
    clock.now += 1.0
    assert buckets.reserve("h", limit, max_wait=0.5).wait == 0.0  # nothing was taken


def test_the_limiter_sleeps_for_a_short_wait_and_defers_a_long_one() -> None:
    clock, slept = FakeClock(), list[float]()  # the clock stands still: requests queue up
    policy = RatePolicy(default_rate=1.0, per_host={}, burst=1)
    limiter = HostRateLimiter(policy, local=LocalBuckets(clock), max_wait=2, sleep=slept.append)
    limiter.acquire("news.example.org")
    limiter.acquire("NEWS.example.org.")  # the same host
    limiter.acquire("other.example.org")  # another host has its own bucket
    limiter.acquire("news.example.org")
    assert slept == [1.0, 2.0]
    with pytest.raises(HostRateLimited) as refused:
        limiter.acquire("news.example.org")
    assert refused.value.retry_after == pytest.approx(3.0)
    assert "news.example.org is at its request-rate limit (1/s)" in refused.value.message


def test_every_request_and_every_redirect_hop_takes_a_token(server: FeedServer) -> None:
    server.serve("/feed", alerts_feed())
    server.redirect("/old", server.url("/feed"))
    policy = RatePolicy(default_rate=0, per_host={"127.0.0.1": 0.001}, burst=3)
    limiter = HostRateLimiter(policy, local=LocalBuckets(), max_wait=0)
    settings = Settings(allow_private_hosts=True)
    with make_client(settings, limiter=limiter) as client:
        fetch(client, server.url("/old"), cursor={}, max_bytes=10**6, deadline_seconds=5)
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10**6, deadline_seconds=5)
        with pytest.raises(HostRateLimited):
            fetch(client, server.url("/feed"), cursor={}, max_bytes=10**6, deadline_seconds=5)
    assert server.requests("/old") == 1 and server.requests("/feed") == 2


def test_workers_share_a_hosts_bucket_through_redis(redis_url: str) -> None:
    host = f"shared-{uuid.uuid4().hex}.example"
    policy = RatePolicy(default_rate=1.0, per_host={}, burst=2)
    first, second = (
        HostRateLimiter(policy, shared=RedisBuckets.from_url(redis_url), max_wait=0.5)
        for _ in range(2)
    )  # two clients, as two worker processes would have
    first.acquire(host)
    second.acquire(host)
    with pytest.raises(HostRateLimited) as refused:
        first.acquire(host)
    assert 0.9 < (refused.value.retry_after or 0) <= 1.0
    with pytest.raises(HostRateLimited):
        second.acquire(host)


def test_redis_buckets_expire_once_full_again(redis_url: str) -> None:
    buckets = RedisBuckets.from_url(redis_url)
    host = f"expiry-{uuid.uuid4().hex}.example"
    assert buckets.reserve(host, HostLimit(rate=100.0, burst=1), max_wait=0).granted
    ttl = buckets._client.pttl("escucha:ratelimit:" + host)
    assert 0 < int(ttl) <= 1100  # refilled within 10 ms; the key goes soon after


def test_redis_down_falls_back_to_the_process_buckets() -> None:
    clock = FakeClock()
    policy = RatePolicy(default_rate=1.0, per_host={}, burst=1)
    down = RedisBuckets.from_url(f"redis://127.0.0.1:{closed_port()}/0")
    limiter = HostRateLimiter(
        policy, shared=down, local=LocalBuckets(clock), max_wait=5, sleep=clock.sleep
    )
    began = time.monotonic()
    limiter.acquire("news.example.org")  # Redis refused: limited locally (and logged), no error
    limiter.acquire("news.example.org")  # Redis not tried again for a while
    assert clock.slept == [1.0]
    assert time.monotonic() - began < 2


def test_a_poll_whose_host_has_no_room_is_deferred_not_failed(db: str, server: FeedServer) -> None:
    server.serve("/feed", alerts_feed(), content_type="application/atom+xml")
    _, [source_id] = brand_with_sources([server.url("/feed")])
    policy = RatePolicy(default_rate=0, per_host={"127.0.0.1": 0.1}, burst=1)
    limiter = HostRateLimiter(policy, local=LocalBuckets(), max_wait=1)
    with make_client(Settings(allow_private_hosts=True), limiter=limiter) as client:
        assert poll_source(source_id, client=client).status == "ok"
        before = utcnow()
        report = poll_source(source_id, client=client)
    assert report.status == "deferred" and report.retry_after is not None
    assert 5 < report.retry_after <= 10  # one token per 10 s
    assert server.requests("/feed") == 1
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert source.consecutive_failures == 0 and source.last_error is None
        assert source.lease_until is None and source.status == "ok"
        assert source.next_poll_at is not None
        deferred_by = timedelta(seconds=report.retry_after)
        assert source.next_poll_at - before == pytest.approx(deferred_by, abs=timedelta(seconds=1))
        attempts = session.exec(select(PollAttempt).where(PollAttempt.source_id == source_id))
        assert len(attempts.all()) == 1  # no request was sent, so no attempt


def test_a_default_client_limits_nothing_on_loopback(server: FeedServer) -> None:
    server.serve("/feed", alerts_feed())
    with make_client(Settings(allow_private_hosts=True, host_rate_max_wait_seconds=0)) as client:
        for _ in range(10):
            fetch(client, server.url("/feed"), cursor={}, max_bytes=10**6, deadline_seconds=5)
    assert isinstance(client, httpx.Client) and server.requests("/feed") == 10
