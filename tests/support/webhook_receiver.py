"""A real HTTP server on 127.0.0.1 that receives webhooks and answers scripted statuses."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """Answers the statuses in `script` one per request, then `default`."""

    port: int = 0
    script: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Hook] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, hook: Hook) -> int:
        with self.lock:
            self.received.append(hook)
            return self.script.pop(0) if self.script else self.default


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        hook = Hook(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        status = self.server.receiver.answer(hook)
        payload = b'{"ok": true}' if status < 300 else b'{"error": "scripted failure"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: WebhookReceiver


@contextmanager
def webhook_receiver(
    script: list[int] | None = None, default: int = 200
) -> Iterator[WebhookReceiver]:
    server = _Server(("127.0.0.1", 0), _Handler)
    receiver = WebhookReceiver(port=int(server.server_address[1]), script=list(script or []))
    receiver.default = default
    server.receiver = receiver
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
