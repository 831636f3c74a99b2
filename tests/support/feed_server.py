"""A real HTTP server on 127.0.0.1 for tests: recorded payloads, 304s, errors, slow and
oversized answers, redirect chains.

Use it as a context manager (`with FeedServer() as server:`) from a pytest fixture, or run
it in its own process: `python -m tests.support.feed_server --port 0 --root DIR` prints the
port it listens on, then serves the files under DIR until interrupted.

Each response is written with one write on a TCP_NODELAY socket (streamed and dripped
bodies excepted), so timings in tests are the server's, not Nagle's. Requests are counted
per path, and a path's body can be changed while the server runs.

For JSON APIs: a route can apply only when the query string carries given parameters
(`serve_when`), a path can answer a queue of routes in turn (`queue`), POST is answered
like GET, and every request is logged with its method, query and body (`log`).
"""

import argparse
import mimetypes
import signal
import socket
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Route:
    """How the server answers one path."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before anything is sent
    stream_size: int = 0  # stream this many bytes instead of `body`
    declare_length: bool = True  # send Content-Length for a streamed body
    drip_interval: float = 0.0  # send the body in small pieces this far apart


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class FeedServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, root: Path | None = None) -> None:
        self.root = root.resolve() if root else None
        self._routes: dict[str, Route] = {}
        self._counts: Counter[str] = Counter()
        self._headers: dict[str, dict[str, str]] = {}
        self._when: dict[str, list[tuple[dict[str, str], Route]]] = {}
        self._queues: dict[str, list[Route]] = {}
        self._log: dict[str, list[Recorded]] = {}
        self._connections = Counter[str]()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.feed_server = self
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> "FeedServer":
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FeedServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    # routes
    def set_route(self, path: str, route: Route) -> None:
        with self._lock:
            self._routes[path] = route

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = Route.content_type,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        route = Route(body, content_type, etag=etag, last_modified=last_modified)
        self.set_route(path, route)

    def set_body(self, path: str, body: bytes, *, etag: str | None = None) -> None:
        """Change a path's body (and optionally its ETag) while the server runs."""
        with self._lock:
            old = self._routes.get(path, Route())
            self._routes[path] = replace(old, body=body, etag=etag or old.etag)

    def fail(self, path: str, status: int, *, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        body = f"{status} {HTTPStatus(status).phrase}\n".encode()
        self.set_route(
            path, Route(body=body, status=status, content_type="text/plain", headers=headers)
        )

    def serve_when(self, path: str, params: Mapping[str, str], route: Route) -> None:
        """Answer `path` with `route` when the query string has all of `params` (the route
        whose parameters match the most wins; a plain route of the path is the fallback)."""
        with self._lock:
            routes = self._when.setdefault(path, [])
            routes.append((dict(params), route))
            routes.sort(key=lambda pair: len(pair[0]), reverse=True)

    def queue(self, path: str, routes: list[Route]) -> None:
        """Answer `path` with these routes in turn, one per request; then as before."""
        with self._lock:
            self._queues[path] = list(routes)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.set_route(
            path, Route(status=status, headers={"Location": location}, content_type="text/plain")
        )

    def slow(self, path: str, body: bytes, *, delay: float) -> None:
        self.set_route(path, Route(body=body, delay=delay))

    def oversized(self, path: str, size: int, *, declare_length: bool = False) -> None:
        self.set_route(path, Route(stream_size=size, declare_length=declare_length))

    def html_page(self, path: str, body: bytes) -> None:
        self.set_route(path, Route(body=body, content_type="text/html; charset=utf-8"))

    # observations
    def requests(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def last_headers(self, path: str) -> dict[str, str]:
        with self._lock:
            return dict(self._headers.get(path, {}))

    def connections(self) -> tuple[int, int]:
        """(TCP connections accepted, of which closed) so far."""
        with self._lock:
            return self._connections["opened"], self._connections["closed"]

    def count_connection(self, event: str) -> None:
        with self._lock:
            self._connections[event] += 1

    def log(self, path: str) -> list[Recorded]:
        """Every request to `path` so far, oldest first."""
        with self._lock:
            return list(self._log.get(path, []))

    def record(
        self,
        path: str,
        headers: dict[str, str],
        *,
        method: str = "GET",
        query: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        with self._lock:
            self._counts[path] += 1
            self._headers[path] = headers
            self._log.setdefault(path, []).append(Recorded(method, query or {}, headers, body))

    def route_for(self, path: str, query: Mapping[str, str] | None = None) -> Route | None:
        with self._lock:
            queued = self._queues.get(path)
            if queued:
                return queued.pop(0)
            matching = (
                route
                for params, route in self._when.get(path, [])
                if all((query or {}).get(key) == value for key, value in params.items())
            )
            route = next(matching, None) or self._routes.get(path)
        if route is not None or self.root is None:
            return route
        candidate = (self.root / path.lstrip("/")).resolve()
        if not candidate.is_file() or not candidate.is_relative_to(self.root):
            return None
        kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        if candidate.name.endswith(".xml"):
            kind = "application/xml"
        return Route(body=candidate.read_bytes(), content_type=kind)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog is 5: with dozens of clients connecting at once the
    # kernel drops SYNs and each such client waits 1 s to retransmit (ListenOverflows).
    request_queue_size = 1024
    feed_server: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the client gave up: expected in timeout and size-limit tests
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.feed_server.count_connection("opened")

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.feed_server.count_connection("closed")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length", "0")
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        self._answer(send_body=True, body=body)

    def _answer(self, *, send_body: bool, body: bytes = b"") -> None:
        feed_server = self.server.feed_server
        parts = urlsplit(self.path)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        feed_server.record(path, headers, method=self.command, query=query, body=body)
        route = feed_server.route_for(path, query) or Route(
            body=b"not found\n", status=404, content_type="text/plain"
        )
        if route.delay and feed_server.stopping.wait(route.delay):
            return
        status = 304 if self._not_modified(route) else route.status
        headers = {"Content-Type": route.content_type, "Date": formatdate(usegmt=True)}
        headers.update(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if status == 304:
            self._write(status, headers, b"")
        elif route.stream_size:
            self._stream(status, headers, route, send_body=send_body)
        elif route.drip_interval:
            self._drip(status, headers, route, send_body=send_body)
        else:
            self._write(status, headers, route.body if send_body else b"", len(route.body))

    def _not_modified(self, route: Route) -> bool:
        if route.status != 200:
            return False
        if route.etag and (match := self.headers.get("If-None-Match")):
            return route.etag in {tag.strip() for tag in match.split(",")} or match == "*"
        since = self.headers.get("If-Modified-Since")
        if route.last_modified and since:
            try:
                return parsedate_to_datetime(since) >= parsedate_to_datetime(route.last_modified)
            except (TypeError, ValueError):
                return False
        return False

    def _head(self, status: int, headers: Mapping[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _write(
        self, status: int, headers: dict[str, str], body: bytes, length: int | None = None
    ) -> None:
        headers["Content-Length"] = str(len(body) if length is None else length)
        self.wfile.write(self._head(status, headers) + body)

    def _stream(
        self, status: int, headers: dict[str, str], route: Route, *, send_body: bool
    ) -> None:
        if route.declare_length:
            headers["Content-Length"] = str(route.stream_size)
        else:
            headers["Connection"] = "close"
            self.close_connection = True
        self.wfile.write(self._head(status, headers))
        sent, block = 0, b"<!-- padding -->\n" * (CHUNK // 17)
        while (
            send_body and sent < route.stream_size and not self.server.feed_server.stopping.is_set()
        ):
            piece = block[: route.stream_size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def _drip(self, status: int, headers: dict[str, str], route: Route, *, send_body: bool) -> None:
        headers["Content-Length"] = str(len(route.body))
        self.wfile.write(self._head(status, headers))
        stopping = self.server.feed_server.stopping
        for start in range(0, len(route.body) if send_body else 0, 16):
            if stopping.wait(route.drip_interval):
                return
            self.wfile.write(route.body[start : start + 16])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve recorded feeds for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--root", type=Path, required=True, help="folder of files to serve")
    args = parser.parse_args(argv)
    server = FeedServer(args.host, args.port, root=args.root).start()
    signal.signal(signal.SIGTERM, lambda signum, frame: server.stopping.set())
    print(server.port, flush=True)
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
