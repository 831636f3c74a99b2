import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from sources.base import SourceError
from sources.http import fetch, make_client, parse_retry_after
from sources.netguard import UnsafeURLError
from tests.support.feed_server import FeedServer, Route

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LAST_MODIFIED = "Wed, 18 Nov 2026 10:00:00 GMT"


def test_a_feed_is_fetched_with_our_user_agent_and_its_validators_kept(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve("/feed", FEED, etag='"v1"', last_modified=LAST_MODIFIED)
    result = fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert result.status == 200 and not result.not_modified
    assert result.content == FEED
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.final_url == server.url("/feed")
    assert result.next_cursor == {"etag": '"v1"', "last_modified": LAST_MODIFIED}
    headers = server.last_headers("/feed")
    assert headers["user-agent"] == Settings().user_agent
    assert "if-none-match" not in headers


def test_a_conditional_get_answered_304_returns_no_body(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve("/feed", FEED, etag='"v1"', last_modified=LAST_MODIFIED)
    first = fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    second = fetch(
        client, server.url("/feed"), cursor=first.next_cursor, max_bytes=10_000, deadline_seconds=5
    )
    assert second.status == 304 and second.not_modified and second.content == b""
    assert second.next_cursor == first.next_cursor
    headers = server.last_headers("/feed")
    assert headers["if-none-match"] == '"v1"'
    assert headers["if-modified-since"] == LAST_MODIFIED
    server.set_body("/feed", FEED + b"\n", etag='"v2"')
    third = fetch(
        client, server.url("/feed"), cursor=second.next_cursor, max_bytes=10_000, deadline_seconds=5
    )
    assert third.status == 200 and third.next_cursor["etag"] == '"v2"'
    assert server.requests("/feed") == 3


def test_last_modified_alone_gives_a_conditional_get(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve("/feed", FEED, last_modified=LAST_MODIFIED)
    cursor = {"last_modified": LAST_MODIFIED}
    result = fetch(client, server.url("/feed"), cursor=cursor, max_bytes=10_000, deadline_seconds=5)
    assert result.not_modified
    assert result.next_cursor == {"last_modified": LAST_MODIFIED}


def test_429_with_retry_after_seconds(server: FeedServer, client: httpx.Client) -> None:
    server.fail("/feed", 429, retry_after="120")
    with pytest.raises(SourceError) as caught:
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert caught.value.retry_after == 120.0
    assert str(caught.value) == "HTTP 429 from 127.0.0.1 (rate limited); retry after 120 s"


def test_503_with_retry_after_date(server: FeedServer, client: httpx.Client) -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)
    server.fail("/feed", 503, retry_after=format_datetime(later, usegmt=True))
    with pytest.raises(SourceError, match=r"HTTP 503 from 127\.0\.0\.1") as caught:
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert caught.value.retry_after is not None
    assert 590 <= caught.value.retry_after <= 600


def test_429_without_retry_after(server: FeedServer, client: httpx.Client) -> None:
    server.fail("/feed", 429)
    with pytest.raises(SourceError) as caught:
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [500, 404, 403, 410])
def test_http_errors(server: FeedServer, client: httpx.Client, status: int) -> None:
    server.fail("/feed", status)
    with pytest.raises(SourceError, match=rf"^HTTP {status} from 127\.0\.0\.1$"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)


def test_a_slow_answer_hits_the_deadline(server: FeedServer, client: httpx.Client) -> None:
    server.slow("/feed", FEED, delay=5)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"no complete response within 0\.5 s from 127\.0\.0\.1"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=0.5)
    assert time.monotonic() - started < 2


def test_a_dripping_body_hits_the_wall_clock_deadline(
    server: FeedServer, client: httpx.Client
) -> None:
    server.set_route("/feed", Route(body=FEED * 4, drip_interval=0.1))  # about 3.5 s in all
    started = time.monotonic()
    with pytest.raises(SourceError, match="no complete response within 1 s"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=1)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("declare_length", [False, True])
def test_an_oversized_body_is_abandoned(
    server: FeedServer, client: httpx.Client, declare_length: bool
) -> None:
    server.oversized("/big", 50 * 1024 * 1024, declare_length=declare_length)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^response larger than 1 MB, abandoned$"):
        fetch(client, server.url("/big"), cursor={}, max_bytes=1024 * 1024, deadline_seconds=10)
    assert time.monotonic() - started < 5


def test_the_default_limit_message_names_10_mb(server: FeedServer, client: httpx.Client) -> None:
    server.oversized("/big", 11 * 1024 * 1024)
    with pytest.raises(SourceError, match=r"^response larger than 10 MB, abandoned$"):
        fetch(
            client, server.url("/big"), cursor={}, max_bytes=10 * 1024 * 1024, deadline_seconds=10
        )


def test_redirects_are_followed_up_to_five(server: FeedServer, client: httpx.Client) -> None:
    for hop in range(5):
        server.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 4 else "/feed", status=301)
    server.serve("/feed", FEED)
    result = fetch(client, server.url("/r0"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert result.content == FEED and result.final_url == server.url("/feed")


def test_a_sixth_redirect_is_refused(server: FeedServer, client: httpx.Client) -> None:
    for hop in range(6):
        server.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 5 else "/feed")
    server.serve("/feed", FEED)
    with pytest.raises(SourceError, match=r"too many redirects \(more than 5\)"):
        fetch(client, server.url("/r0"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert server.requests("/feed") == 0


def test_a_redirect_to_another_host_and_port_is_followed(
    server: FeedServer, client: httpx.Client
) -> None:
    with FeedServer() as other:
        other.serve("/moved", FEED)
        server.redirect("/feed", other.url("/moved", host="localhost"), status=308)
        result = fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
        assert result.final_url == other.url("/moved", host="localhost")
        assert other.requests("/moved") == 1


def guarded_client(server: FeedServer) -> httpx.Client:
    """Private hosts refused; only the server's own origin trusted, as an operator's base URL
    would be."""
    return make_client(Settings(allow_private_hosts=False, hackernews_base_url=server.url("/")))


def test_a_redirect_to_a_loopback_host_is_refused(server: FeedServer) -> None:
    server.redirect("/feed", server.url("/private", host="localhost"))
    server.serve("/private", FEED)
    with guarded_client(server) as client, pytest.raises(UnsafeURLError, match="localhost"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert server.requests("/feed") == 1
    assert server.requests("/private") == 0


def test_a_redirect_to_a_metadata_address_is_refused(server: FeedServer) -> None:
    server.redirect("/feed", "http://169.254.169.254/latest/meta-data/")
    with guarded_client(server) as client, pytest.raises(UnsafeURLError, match="cloud-metadata"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)


def test_a_redirect_to_another_loopback_port_is_refused(server: FeedServer) -> None:
    with FeedServer() as other, guarded_client(server) as client:
        other.serve("/feed", FEED)
        server.redirect("/feed", other.url("/feed"))
        with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1 is a loopback address"):
            fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
        assert other.requests("/feed") == 0


def test_a_private_url_is_refused_before_any_request(server: FeedServer) -> None:
    server.serve("/feed", FEED)
    settings = Settings(allow_private_hosts=False)
    with make_client(settings) as client, pytest.raises(UnsafeURLError):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert server.requests("/feed") == 0


def test_a_closed_port_gives_a_connection_error(client: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=r"could not connect to 127\.0\.0\.1"):
        fetch(client, f"http://127.0.0.1:{port}/feed", cursor={}, max_bytes=10, deadline_seconds=2)


def test_a_redirect_to_an_unsupported_scheme_fails_clearly(
    server: FeedServer, client: httpx.Client
) -> None:
    server.redirect("/feed", "ftp://example.org/feed")
    with pytest.raises(SourceError, match="cannot fetch"):
        fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 0 ", now) == 0.0
    assert parse_retry_after("Fri, 20 Nov 2026 12:05:00 GMT", now) == 300.0
    assert parse_retry_after("Friday, 20-Nov-26 12:01:00 GMT", now) == 60.0
    assert parse_retry_after("Fri, 20 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after(None, now) is None


def test_the_feed_server_runs_in_its_own_process(client: httpx.Client) -> None:
    root = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
    command = [
        sys.executable,
        "-m",
        "tests.support.feed_server",
        "--port",
        "0",
        "--root",
        str(root),
    ]
    cwd = Path(__file__).resolve().parents[2]
    with subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            url = f"http://127.0.0.1:{port}/vacio.rss.xml"
            result = fetch(client, url, cursor={}, max_bytes=10_000, deadline_seconds=5)
            assert result.content == (root / "vacio.rss.xml").read_bytes()
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert process.returncode == 0


def test_no_cookie_a_host_sets_is_sent_back(server: FeedServer) -> None:
    """One client serves every workspace's sources: a cookie must not follow them around."""
    server.set_route("/feed", Route(FEED, headers={"Set-Cookie": "visitor=abc123; Path=/"}))
    server.serve("/other", FEED)
    with make_client(Settings(allow_private_hosts=True)) as client:
        for path in ("/feed", "/feed", "/other"):
            fetch(client, server.url(path), cursor={}, max_bytes=10_000, deadline_seconds=5)
    assert [recorded.headers.get("cookie") for recorded in server.log("/feed")] == [None, None]
    assert "cookie" not in server.last_headers("/other")


def test_each_fetch_thread_keeps_its_connection_alive_and_close_ends_them_all(
    server: FeedServer,
) -> None:
    server.serve("/feed", FEED)
    threads, fetches = 4, 5
    started = threading.Barrier(threads)

    def fetch_a_few(_: int) -> int:
        started.wait(timeout=5)  # every thread takes part, each with its own connection
        for _ in range(fetches):
            fetch(client, server.url("/feed"), cursor={}, max_bytes=10_000, deadline_seconds=5)
        return fetches

    client = make_client(Settings(allow_private_hosts=True))
    with ThreadPoolExecutor(threads) as pool:
        assert sum(pool.map(fetch_a_few, range(threads))) == threads * fetches
    assert server.requests("/feed") == threads * fetches
    opened, closed = server.connections()
    assert (opened, closed) == (threads, 0)  # one connection per thread, reused
    client.close()
    deadline = time.monotonic() + 5
    while server.connections()[1] < threads and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.connections() == (threads, threads)
