"""Our HTTP/1.1 transport (`sources.wire`) against a real server on 127.0.0.1 that answers
with exactly the bytes a test scripts: chunked and close-delimited bodies, interim 1xx
answers, a kept connection the server closed, and headers that must not be smuggled."""

import gzip
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import httpx
import pytest

from core.settings import Settings
from sources.base import SourceError
from sources.http import fetch, make_client


@dataclass
class ScriptedServer:
    """Each request (read up to its blank line) gets the next scripted answer; an answer of
    None closes the connection instead. Counts connections and keeps each request's head."""

    answers: list[bytes | None]
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    close_after_each: bool = False
    _listener: socket.socket = field(default_factory=socket.socket)

    def start(self) -> "ScriptedServer":
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/feed"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            buffer = b""
            while self.answers:
                while b"\r\n\r\n" not in buffer:
                    data = connection.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                self.requests.append(head)
                answer = self.answers.pop(0)
                if answer is None:
                    return
                connection.sendall(answer)
                if self.close_after_each:
                    return

    def stop(self) -> None:
        self._listener.close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(allow_private_hosts=True)) as shared:
        yield shared


class Serve(Protocol):
    def __call__(
        self, *answers: bytes | None, close_after_each: bool = False
    ) -> ScriptedServer: ...


@pytest.fixture
def serve() -> Iterator[Serve]:
    started: list[ScriptedServer] = []

    def start(*answers: bytes | None, close_after_each: bool = False) -> ScriptedServer:
        started.append(ScriptedServer(list(answers), close_after_each=close_after_each).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def get(
    client: httpx.Client, server: ScriptedServer, cursor: dict[str, str] | None = None
) -> bytes:
    result = fetch(client, server.url, cursor=cursor or {}, max_bytes=100_000, deadline_seconds=5)
    return result.content


FEED = b"<rss><channel><title>Lumbre</title></channel></rss>"


def test_a_chunked_body_is_read_whole_and_its_connection_kept(
    client: httpx.Client, serve: Serve
) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"10;name=value\r\n" + FEED[:16] + b"\r\n"
        b"%x\r\n" % (len(FEED) - 16) + FEED[16:] + b"\r\n"
        b"0\r\nExpires: never\r\n\r\n"
    )
    server = serve(chunked, chunked)
    assert get(client, server) == FEED
    assert get(client, server) == FEED
    assert server.connections == 1


def test_a_body_without_a_length_runs_until_the_server_closes(
    client: httpx.Client, serve: Serve
) -> None:
    server = serve(b"HTTP/1.1 200 OK\r\n\r\n" + FEED, close_after_each=True)
    server.answers.append(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n<a/>")
    assert get(client, server) == FEED
    assert get(client, server) == b"<a/>"
    assert server.connections == 2  # the first connection could not be used again


def test_an_interim_100_answer_is_skipped(client: httpx.Client, serve: Serve) -> None:
    server = serve(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b"
        % (len(FEED), FEED)
    )
    assert get(client, server) == FEED


def test_a_gzipped_body_is_decoded_and_the_request_says_we_take_it(
    client: httpx.Client, serve: Serve
) -> None:
    packed = gzip.compress(FEED)
    server = serve(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%b"
        % (len(packed), packed)
    )
    assert get(client, server) == FEED
    assert b"accept-encoding: gzip" in server.requests[0].lower()


def test_a_kept_connection_the_server_closed_is_replaced_once(
    client: httpx.Client, serve: Serve
) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(FEED), FEED)
    server = serve(ok, None, ok)  # the kept connection is closed when asked again
    assert get(client, server) == FEED
    assert get(client, server) == FEED
    assert server.connections == 2
    assert len(server.requests) == 3


def test_connection_close_is_honoured(client: httpx.Client, serve: Serve) -> None:
    ok = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%b" % (len(FEED), FEED)
    server = serve(ok, ok)
    assert get(client, server) == FEED
    assert get(client, server) == FEED
    assert server.connections == 2


def test_a_304_keeps_the_connection_and_the_validators(client: httpx.Client, serve: Serve) -> None:
    server = serve(b'HTTP/1.1 304 Not Modified\r\nETag: "v2"\r\n\r\n', b"HTTP/1.1 304 \r\n\r\n")
    cursor = {"etag": '"v1"', "last_modified": "Sun, 01 Nov 2026 00:00:00 GMT"}
    first = fetch(client, server.url, cursor=cursor, max_bytes=100, deadline_seconds=5)
    assert first.not_modified and first.next_cursor["etag"] == '"v2"'
    second = fetch(client, server.url, cursor=first.next_cursor, max_bytes=100, deadline_seconds=5)
    assert second.not_modified and second.next_cursor == first.next_cursor
    assert server.connections == 1
    assert b'if-none-match: "v1"' in server.requests[0].lower()
    assert b'if-none-match: "v2"' in server.requests[1].lower()


def test_a_validator_with_a_line_break_cannot_add_a_header(
    client: httpx.Client, serve: Serve
) -> None:
    """An ETag is echoed from the server: one holding a bare LF must not start a header of
    its own in our next request."""
    server = serve(b"HTTP/1.1 304 Not Modified\r\n\r\n")
    with pytest.raises(SourceError, match="CR, LF or NUL"):
        get(client, server, cursor={"etag": '"v1"\nX-Injected: yes'})
    assert server.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\nab\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
    ],
)
def test_a_broken_answer_fails_the_fetch_with_a_message(
    client: httpx.Client, serve: Serve, answer: bytes
) -> None:
    server = serve(answer, close_after_each=True)
    with pytest.raises(SourceError, match=r"request to 127\.0\.0\.1 failed"):
        get(client, server)


def test_a_server_that_closes_without_answering_fails_clearly(
    client: httpx.Client, serve: Serve
) -> None:
    server = serve(None)
    with pytest.raises(SourceError, match="disconnected without sending a response"):
        get(client, server)
