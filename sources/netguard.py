"""SSRF guard: user-submitted URLs never reach loopback, private or metadata addresses.

Checked three times: when a source is created (`validate_feed_url`), on every request the
client sends (`GuardedTransport.handle_request`, so every redirect hop), and again on every
new TCP connection against the addresses it actually connects to (`GuardedBackend`), so a
DNS answer that changes between the check and the connection (DNS rebinding) is caught too.
Trusted origins (the operator's configured base URLs) and `allow_private` skip the checks.
"""

import contextlib
import ipaddress
import math
import re
import socket
import ssl
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from sources.base import SourceError
from sources.wire import Http11Transport

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_BLOCKED_NAMES = frozenset({"localhost", "metadata", "metadata.google.internal", "metadata.goog"})
_BLOCKED_SUFFIXES = (".localhost", ".internal")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
HOW_TO_ALLOW = "set ESCUCHA_ALLOW_PRIVATE_HOSTS=true to allow them (tests, intranets)"


class UnsafeURLError(SourceError):
    """The URL points at an address a user-submitted source must not reach."""


class HostResolutionError(SourceError):
    """The host name did not resolve."""


class InvalidURLError(ValueError):
    """The URL is malformed or not acceptable as a feed URL."""


def check_host(host: str) -> None:
    """Refuse `host` unless every address it names or resolves to is public.

    Raises UnsafeURLError for a refused host, HostResolutionError when it does not resolve.
    """
    vetted_addresses(host)


def vetted_addresses(host: str) -> list[IPAddress]:
    """The addresses of `host`, all public; else UnsafeURLError (or HostResolutionError)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if not name:
        raise UnsafeURLError("the URL has no host")
    if name in _BLOCKED_NAMES or name.endswith(_BLOCKED_SUFFIXES):
        raise UnsafeURLError(
            f"{host} is a local or cloud-metadata host name; not allowed ({HOW_TO_ALLOW})"
        )
    addresses = resolve(name)
    for address in addresses:
        reason = refusal_reason(address)
        if reason is not None:
            article = "an" if reason[0] in "aeiou" else "a"
            shown = host if str(address) == name else f"{host} ({address})"
            raise UnsafeURLError(
                f"{shown} is {article} {reason} address; "
                f"private and local addresses are not allowed ({HOW_TO_ALLOW})"
            )
    return addresses


def resolve(name: str) -> list[IPAddress]:
    """The addresses `name` stands for: itself when it is an IP literal (including the
    decimal, octal and hexadecimal IPv4 spellings that resolvers accept), else DNS."""
    literal = parse_ip_literal(name)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise HostResolutionError(f"could not resolve host {name}: {exc}") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def parse_ip_literal(name: str) -> IPAddress | None:
    name = name.strip("[]").lower()
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(name):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` is refused, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal_reason(embedded)
    checks = (
        (address in METADATA_ADDRESSES, "cloud-metadata"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, "carrier-grade NAT"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "non-public"),
    )
    return next((reason for refused, reason in checks if refused), None)


def validate_feed_url(url: str, *, allow_private: bool) -> str:
    """Check a user-submitted feed URL at creation time; returns it stripped.

    Raises InvalidURLError for a malformed URL and UnsafeURLError for a private target
    (unless `allow_private`). A host that does not resolve is accepted here: DNS can fail
    for a while, and the first fetch reports it as the source's error.
    """
    url = url.strip()
    if not url:
        raise InvalidURLError("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURLError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise InvalidURLError("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURLError("the URL has no scheme; it should start with https://")
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURLError(f"only http and https URLs are accepted, not {scheme}:")
    if not parts.hostname:
        raise InvalidURLError("the URL has no host")
    if "@" in parts.netloc:
        raise InvalidURLError("the URL must not contain credentials (user:password@)")
    if not allow_private:  # before httpx's parsing, which rejects octal spellings of 127/8
        with contextlib.suppress(HostResolutionError):
            check_host(parts.hostname)
    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidURLError(f"not a valid URL: {exc}") from None
    return url


def origin_key(url: str) -> tuple[str, int]:
    """(host, port) of an URL, the unit of trust for operator-configured base URLs."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return (parts.hostname or "").lower(), port


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to vetted addresses: resolves, checks every address, connects to one."""

    def __init__(self, trusted: frozenset[tuple[str, int]]) -> None:
        self._trusted = trusted

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        if (host.lower(), port) in self._trusted:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        error: Exception | None = None
        for address in vetted_addresses(host):
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")


class GuardedTransport(Http11Transport):
    """An HTTP transport that refuses private targets on every request and connection.

    `trusted_origins` are URLs whose (host, port) is exempt: the operator's base URLs.
    `limits`: idle connections kept per fetch thread (`sources.wire`: each thread has its
    own), and for how long.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        trusted_origins: Iterable[str] = (),
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = httpx.Limits(),
    ) -> None:
        self.allow_private = allow_private
        self.trusted = frozenset(origin_key(url) for url in trusted_origins)
        tls = (
            verify
            if isinstance(verify, ssl.SSLContext)
            else httpx.create_ssl_context(verify=verify, trust_env=False)
        )
        super().__init__(
            ssl_context=tls,
            network_backend=(
                httpcore.SyncBackend() if allow_private else GuardedBackend(self.trusted)
            ),
            max_keepalive=(
                sys.maxsize
                if limits.max_keepalive_connections is None
                else limits.max_keepalive_connections
            ),
            keepalive_expiry=(
                math.inf if limits.keepalive_expiry is None else limits.keepalive_expiry
            ),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.allow_private and not self.is_trusted(request.url):
            check_host(request.url.host)
        return super().handle_request(request)

    def is_trusted(self, url: httpx.URL) -> bool:
        port = url.port or _DEFAULT_PORTS.get(url.scheme, 0)
        return (url.host.lower(), port) in self.trusted
