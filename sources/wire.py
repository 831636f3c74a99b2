"""HTTP/1.1 on the wire for our client: a lean httpx transport.

httpx's own transport (httpcore's connection pool and h11's state machine) spent about half
of the CPU of a conditional GET answered 304 (benchmarks/README.md: polling on the deployed
path), for work a feed fetch does not need: a pool shared by threads, checked under a lock,
and a validating event parser. Here each thread keeps its own idle connections per origin
(`Http11Transport`: one request at a time per thread), a request is one write of bytes built
by joining the headers httpx prepared, and a response head is split in one pass.

What stays httpx's: the client above (redirects, timeouts, header merging, decoding of
Content-Encoding, the response object). What stays the caller's: connecting
(`network_backend`, where the SSRF guard checks the addresses) and TLS (`ssl_context`).
Framing follows RFC 9112: no body for HEAD, 1xx, 204 and 304; chunked before
Content-Length; otherwise the body runs until the server closes. A connection is kept only
when its response was read to the end and neither side asked to close it.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from ssl import SSLContext

import httpcore
import httpx

READ_SIZE = 64 * 1024
MAX_HEAD_BYTES = 64 * 1024  # status line and headers; h11 allows 16 KB
MAX_CHUNK_LINE = 1024
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_NO_BODY_STATUS = frozenset({204, 304})
_IDEMPOTENT = frozenset({b"GET", b"HEAD", b"OPTIONS"})
_DEFAULT_PORTS = {b"http": 80, b"https": 443}
# httpcore's exceptions, as httpx's (what httpx's own transport does with them).
_MAPPED: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
)

Origin = tuple[bytes, bytes, int]  # scheme, host, port


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except (httpcore.NetworkError, httpcore.TimeoutException) as exc:
        for theirs, ours in _MAPPED:
            if isinstance(exc, theirs):
                raise ours(str(exc)) from exc
        if isinstance(exc, httpcore.TimeoutException):
            raise httpx.TimeoutException(str(exc)) from exc
        raise httpx.NetworkError(str(exc)) from exc


class _Disconnected(httpx.RemoteProtocolError):
    """The server closed the connection before the first byte of a response."""


@dataclass
class _Connection:
    stream: httpcore.NetworkStream
    origin: Origin
    idle_since: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)
    reused: bool = False

    def read_some(self, timeout: float | None) -> bytes:
        return self.stream.read(READ_SIZE, timeout)

    def close(self) -> None:
        with suppress(OSError, httpcore.NetworkError):
            self.stream.close()


@dataclass
class _Idle:
    """A thread's idle connections, most recently used last."""

    connections: list[_Connection] = field(default_factory=list)


class Http11Transport(httpx.BaseTransport):
    """HTTP/1.1 over `network_backend`'s connections; `max_keepalive` idle connections per
    thread, each dropped after `keepalive_expiry` seconds unused."""

    def __init__(
        self,
        *,
        ssl_context: SSLContext,
        network_backend: httpcore.NetworkBackend,
        max_keepalive: int = 4,
        keepalive_expiry: float = 30.0,
    ) -> None:
        ssl_context.set_alpn_protocols(["http/1.1"])
        self._tls = ssl_context
        self._backend = network_backend
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self._local = threading.local()
        self._every_idle: list[_Idle] = []
        self._every_idle_lock = threading.Lock()

    # ---------------------------------------------------------------- connections

    def _idle(self) -> _Idle:
        idle: _Idle | None = getattr(self._local, "idle", None)
        if idle is None:
            idle = _Idle()
            with self._every_idle_lock:
                self._every_idle.append(idle)
            self._local.idle = idle
        return idle

    def _take(self, origin: Origin, timeouts: dict[str, float | None]) -> _Connection:
        idle, now = self._idle(), time.monotonic()
        for n in range(len(idle.connections) - 1, -1, -1):
            connection = idle.connections[n]
            if now - connection.idle_since > self._expiry:
                del idle.connections[n]
                connection.close()
            elif connection.origin == origin:
                del idle.connections[n]
                connection.reused = True
                return connection
        return self._connect(origin, timeouts)

    def _connect(self, origin: Origin, timeouts: dict[str, float | None]) -> _Connection:
        scheme, host, port = origin
        timeout = timeouts.get("connect")
        with _httpx_errors():
            stream = self._backend.connect_tcp(host.decode("ascii"), port, timeout=timeout)
            if scheme == b"https":
                try:
                    stream = stream.start_tls(
                        self._tls, server_hostname=host.decode("ascii"), timeout=timeout
                    )
                except BaseException:
                    stream.close()
                    raise
        return _Connection(stream, origin)

    def _give_back(self, connection: _Connection) -> None:
        idle = self._idle()
        connection.idle_since = time.monotonic()
        idle.connections.append(connection)
        while len(idle.connections) > self._max_keepalive:
            idle.connections.pop(0).close()

    def close(self) -> None:
        """Close every thread's idle connections."""
        with self._every_idle_lock:
            every, self._every_idle = self._every_idle, []
        self._local = threading.local()
        for idle in every:
            connections, idle.connections = idle.connections, []
            for connection in connections:
                connection.close()

    # ---------------------------------------------------------------- requests

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.raw_scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url}'.")
        origin = (scheme, url.raw_host, url.port or _DEFAULT_PORTS[scheme])
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        data = _request_head(request) + _request_body(request)
        connection = self._take(origin, timeouts)
        try:
            return self._exchange(connection, request, data, timeouts)
        except (_Disconnected, httpx.ReadError, httpx.WriteError):
            if not connection.reused or request.method.encode() not in _IDEMPOTENT:
                raise
        # A kept connection the server had closed meanwhile: once more, on a new one.
        connection = self._connect(origin, timeouts)
        return self._exchange(connection, request, data, timeouts)

    def _exchange(
        self,
        connection: _Connection,
        request: httpx.Request,
        data: bytes,
        timeouts: dict[str, float | None],
    ) -> httpx.Response:
        try:
            with _httpx_errors():
                connection.stream.write(data, timeouts.get("write"))
                status, reason, headers, keep = _read_head(connection, timeouts.get("read"))
        except BaseException:
            connection.close()
            raise
        keep = keep and b"close" not in request.headers.get("connection", "").lower().encode()
        stream = _Body(self, connection, request.method, status, headers, keep, timeouts)
        return httpx.Response(
            status,
            headers=headers,
            stream=stream,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )


def _request_head(request: httpx.Request) -> bytes:
    """The request line and headers. Each line ends in the only CR and LF it holds (a value
    echoed from a server, such as an ETag, must not start a header of its own)."""
    url = request.url
    lines = [request.method.encode("ascii"), b" ", url.raw_path, b" HTTP/1.1\r\n"]
    raw = request.headers.raw
    for name, value in raw:
        lines += (name, b": ", value, b"\r\n")
    lines.append(b"\r\n")
    head = b"".join(lines)
    breaks = len(raw) + 2
    if head.count(b"\n") != breaks or head.count(b"\r") != breaks or b"\0" in head:
        raise httpx.LocalProtocolError("a request line or header holds CR, LF or NUL")
    return head


def _request_body(request: httpx.Request) -> bytes:
    """The body as sent: as is with its Content-Length, or as one chunk when httpx could
    not know its length (a generator's content)."""
    body = request.read()
    if request.headers.get("transfer-encoding", "").lower() != "chunked":
        return body
    return (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"


def _read_head(
    connection: _Connection, timeout: float | None
) -> tuple[int, bytes, list[tuple[bytes, bytes]], bool]:
    """The first final response's status, reason, headers and whether the connection may
    be kept (HTTP/1.1 without `Connection: close`); 1xx responses are skipped."""
    while True:
        buffer = connection.buffer
        end = buffer.find(b"\r\n\r\n")
        while end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise httpx.RemoteProtocolError("response head too long")
            chunk = connection.read_some(timeout)
            if not chunk:
                if buffer:
                    raise httpx.RemoteProtocolError("server disconnected in a response head")
                raise _Disconnected("Server disconnected without sending a response.")
            buffer += chunk
            end = buffer.find(b"\r\n\r\n", max(0, len(buffer) - len(chunk) - 3))
        lines = bytes(buffer[:end]).split(b"\r\n")
        del buffer[: end + 4]
        version, _, rest = lines[0].partition(b" ")
        code, _, reason = rest.partition(b" ")
        if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise httpx.RemoteProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
        status = int(code)
        headers: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and headers:  # obsolete line folding
                name, value = headers[-1]
                headers[-1] = (name, value + b" " + line.strip())
                continue
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise httpx.RemoteProtocolError(f"malformed header line: {line[:80]!r}")
            headers.append((name, value.strip(b" \t")))
        if 100 <= status < 200:
            continue
        keep = version == b"HTTP/1.1" and not any(
            name.lower() == b"connection" and b"close" in value.lower() for name, value in headers
        )
        return status, reason, headers, keep


class _Body(httpx.SyncByteStream):
    """A response's body as it arrives; the connection goes back to its thread's idle ones
    once the body is read to its end, and is closed otherwise."""

    def __init__(
        self,
        transport: Http11Transport,
        connection: _Connection,
        method: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        keep: bool,
        timeouts: dict[str, float | None],
    ) -> None:
        self._transport = transport
        self._connection: _Connection | None = connection
        self._timeout = timeouts.get("read")
        self._keep = keep
        self._done = False
        self._length: int | None = None
        self._chunked = False
        if method == "HEAD" or status in _NO_BODY_STATUS:
            self._length = 0
        else:
            for name, value in headers:
                lower = name.lower()
                if lower == b"transfer-encoding":
                    self._chunked = self._chunked or value.lower().endswith(b"chunked")
                elif lower == b"content-length" and value.isdigit():
                    self._length = int(value)
            if self._chunked:
                self._length = None
            elif self._length is None:
                self._keep = False  # the body ends when the server closes
        if self._length == 0 and not self._chunked:
            self._finish()

    def __iter__(self) -> Iterator[bytes]:
        if self._done or self._connection is None:
            return
        try:
            with _httpx_errors():
                if self._chunked:
                    yield from self._chunks(self._connection)
                elif self._length is not None:
                    yield from self._exactly(self._connection, self._length)
                else:
                    yield from self._until_closed(self._connection)
        except BaseException:
            self._keep = False
            self.close()
            raise
        self._finish()

    def _more(self, connection: _Connection) -> bytes:
        chunk = connection.read_some(self._timeout)
        if not chunk:
            raise httpx.RemoteProtocolError("server disconnected in the middle of a body")
        return chunk

    def _exactly(self, connection: _Connection, length: int) -> Iterator[bytes]:
        left = length
        if connection.buffer:
            part = bytes(connection.buffer[:left])
            del connection.buffer[:left]
            left -= len(part)
            yield part
        while left > 0:
            chunk = self._more(connection)
            if len(chunk) > left:  # what follows this body or chunk
                connection.buffer += chunk[left:]
                chunk = chunk[:left]
            left -= len(chunk)
            yield chunk

    def _until_closed(self, connection: _Connection) -> Iterator[bytes]:
        if connection.buffer:
            yield bytes(connection.buffer)
            connection.buffer.clear()
        while chunk := connection.read_some(self._timeout):
            yield chunk

    def _line(self, connection: _Connection) -> bytes:
        buffer = connection.buffer
        while (end := buffer.find(b"\r\n")) < 0:
            if len(buffer) > MAX_CHUNK_LINE:
                raise httpx.RemoteProtocolError("chunk size line too long")
            buffer += self._more(connection)
        line = bytes(buffer[:end])
        del buffer[: end + 2]
        return line

    def _chunks(self, connection: _Connection) -> Iterator[bytes]:
        while True:
            size_text = self._line(connection).split(b";", 1)[0].strip()
            if not size_text or size_text.strip(_HEX_DIGITS):  # no sign, prefix or "_"
                raise httpx.RemoteProtocolError(f"bad chunk size {size_text[:20]!r}")
            size = int(size_text, 16)
            if size == 0:
                while self._line(connection):  # trailers, up to the empty line
                    pass
                return
            yield from self._exactly(connection, size)
            if self._line(connection):
                raise httpx.RemoteProtocolError("chunk not followed by CRLF")

    def _finish(self) -> None:
        self._done = True
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._keep and not connection.buffer:
            self._transport._give_back(connection)
        else:
            connection.close()

    def close(self) -> None:
        if not self._done:
            self._keep = False
            self._finish()
