import httpx
import pytest

from sources.netguard import (
    GuardedBackend,
    GuardedTransport,
    InvalidURLError,
    UnsafeURLError,
    check_host,
    parse_ip_literal,
    refusal_reason,
    validate_feed_url,
)
from tests.support.feed_server import FeedServer


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "localhost",
        "api.localhost",
        "::1",
        "[::1]",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2130706433",  # decimal 127.0.0.1
        "0177.0.0.1",  # octal
        "0x7f.1",  # hex, short form
        "0x7f000001",
        "127.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "fd00:ec2::254",
        "fc00::1",
        "fe80::1",
        "100.100.100.200",
        "100.64.0.1",
        "metadata.google.internal",
        "metadata.goog",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
    ],
)
def test_private_loopback_metadata_and_special_addresses_are_refused(host: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_host(host)


@pytest.mark.parametrize("host", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "93.184.216.34"])
def test_public_addresses_pass(host: str) -> None:
    check_host(host)


def test_the_message_names_the_address_it_resolved_to() -> None:
    with pytest.raises(UnsafeURLError, match=r"0x7f\.1 \(127\.0\.0\.1\) is a loopback address"):
        check_host("0x7f.1")
    with pytest.raises(UnsafeURLError, match="cloud-metadata"):
        check_host("169.254.169.254")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.1"])
def test_the_refusal_names_the_setting_that_allows_it(host: str) -> None:
    with pytest.raises(UnsafeURLError, match="ESCUCHA_ALLOW_PRIVATE_HOSTS=true"):
        check_host(host)


def test_ip_literal_spellings() -> None:
    assert str(parse_ip_literal("2130706433")) == "127.0.0.1"
    assert str(parse_ip_literal("0177.0.0.1")) == "127.0.0.1"
    assert str(parse_ip_literal("0x7f.1")) == "127.0.0.1"
    assert str(parse_ip_literal("[2001:db8::1]")) == "2001:db8::1"
    assert parse_ip_literal("example.com") is None
    assert parse_ip_literal("1.2.3.4.5") is None


def test_refusal_reason_of_a_public_address_is_none() -> None:
    address = parse_ip_literal("8.8.4.4")
    assert address is not None and refusal_reason(address) is None


def test_a_valid_public_feed_url_is_returned_stripped() -> None:
    url = "  https://8.8.8.8/alerts/feeds/123/456  "
    assert validate_feed_url(url, allow_private=False) == url.strip()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("ftp://example.org/feed", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("example.org/feed", "no scheme"),
        ("https:///feed", "no host"),
        ("https://user:secret@example.org/feed", "credentials"),
        ("https://example.org/a feed", "spaces"),
        ("https://example.org:99999/feed", "not a valid URL"),
        ("https://example.org/" + "a" * 3000, "longer than 2048"),
    ],
)
def test_malformed_urls_are_refused_with_a_clear_message(url: str, message: str) -> None:
    with pytest.raises(InvalidURLError, match=message):
        validate_feed_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/feed",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/feed",
        "http://LOCALHOST./feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::254]/latest/",
        "http://100.100.100.200/latest/meta-data/",
        "http://192.168.0.10/rss",
    ],
)
def test_private_targets_are_refused_at_creation(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        validate_feed_url(url, allow_private=False)


def test_private_targets_are_accepted_when_allowed() -> None:
    assert validate_feed_url("http://127.0.0.1:8080/feed", allow_private=True)


def test_a_host_that_does_not_resolve_is_accepted_at_creation() -> None:
    url = "https://no-such-host.invalid/feed"
    assert validate_feed_url(url, allow_private=False) == url


def test_the_transport_refuses_a_loopback_request() -> None:
    with FeedServer() as server, httpx.Client(transport=GuardedTransport()) as client:
        server.serve("/feed", b"<rss/>")
        with pytest.raises(UnsafeURLError):
            client.get(server.url("/feed"))
        assert server.requests("/feed") == 0


def test_a_trusted_origin_passes_but_only_that_origin() -> None:
    with FeedServer() as server:
        server.serve("/feed", b"<rss/>")
        transport = GuardedTransport(trusted_origins=[server.url("/")])
        with httpx.Client(transport=transport) as client:
            assert client.get(server.url("/feed")).status_code == 200
            with pytest.raises(UnsafeURLError):
                client.get(server.url("/feed", host="localhost"))
        assert server.requests("/feed") == 1


def test_allow_private_lets_everything_through() -> None:
    with FeedServer() as server:
        server.serve("/feed", b"<rss/>")
        with httpx.Client(transport=GuardedTransport(allow_private=True)) as client:
            assert client.get(server.url("/feed")).status_code == 200


def test_the_connection_backend_checks_the_addresses_it_connects_to() -> None:
    """The last line against DNS rebinding: the check at connect time, on the resolved
    addresses, whatever the request-time check saw."""
    with FeedServer() as server:
        backend = GuardedBackend(trusted=frozenset())
        with pytest.raises(UnsafeURLError):
            backend.connect_tcp("localhost", server.port, timeout=2)
        trusting = GuardedBackend(trusted=frozenset({("127.0.0.1", server.port)}))
        stream = trusting.connect_tcp("127.0.0.1", server.port, timeout=2)
        stream.close()
