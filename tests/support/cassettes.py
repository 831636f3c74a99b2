"""Recorded search-API payloads for the adapter tests: our own fixtures and the shared ones.

Our fixtures (tests/fixtures/{reddit,hackernews,mastodon,bluesky,google_news}) are real
response shapes whose times are relative to the test's clock: `"@@epoch:-600@@"` (with its
quotes) becomes the Unix time 600 s ago, `@@iso:-600@@` an ISO 8601 UTC time and
`@@rfc822:-600@@` an RFC 822 date, so the files never age out of a lookback window.

The shared captures (../shared/fixtures) come wrapped in the formats their projects
recorded them in; `recordings` unwraps them all into (method, path, query, status, body):
- PRAW's JSON cassettes (betamax): `interactions[].request.uri`, `.response.body.string`;
- VCR YAML cassettes (Mastodon.py, R vcr): `interactions[]` or `http_interactions[]`, the
  body in `response.body.string` (PyYAML reads them; without it they are skipped);
- node-hacker-news-api's list of `{url, reply}` pairs;
- any other JSON file: one raw response body.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from uuid import uuid4

from core.db import session_scope
from scripts.shared_fixtures import shared_fixtures
from services.brands import create_brand
from services.sources import create_source
from services.workspaces import create_workspace_with_key

OWN = Path(__file__).resolve().parents[1] / "fixtures"

_EPOCH = re.compile(r'"@@epoch:(-?\d+)@@"')
_ISO = re.compile(r"@@iso:(-?\d+)@@")
_RFC822 = re.compile(r"@@rfc822:(-?\d+)@@")


SHARED = shared_fixtures()

try:
    import yaml

    HAVE_YAML = True
except ImportError:  # pragma: no cover - PyYAML is a test dependency
    HAVE_YAML = False


def render(text: str, now: float) -> str:
    """`text` with its relative-time placeholders filled in for `now`."""
    text = _EPOCH.sub(lambda m: str(int(now) + int(m.group(1))), text)
    text = _ISO.sub(lambda m: _iso(now + int(m.group(1))), text)
    return _RFC822.sub(lambda m: formatdate(now + int(m.group(1)), usegmt=True), text)


def fixture(kind: str, name: str, now: float) -> bytes:
    return render((OWN / kind / name).read_text(encoding="utf-8"), now).encode()


def _iso(when: float) -> str:
    return (
        datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@dataclass(frozen=True)
class Recording:
    """One recorded HTTP exchange."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class NeedsYaml(Exception):
    """The file is a YAML cassette and PyYAML is not installed."""


def recordings(path: Path) -> list[Recording]:
    """Every exchange recorded in `path`, in the order recorded."""
    if path.suffix in (".yml", ".yaml"):
        if not HAVE_YAML:
            raise NeedsYaml(path.name)
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [_exchange(entry) for entry in _interactions(document)]
    document = json.loads(path.read_bytes())
    if isinstance(document, dict) and "interactions" in document:
        return [_exchange(entry) for entry in _interactions(document)]
    if isinstance(document, list) and document and _is_pair(document[0]):
        return [_pair(entry) for entry in document]
    return [Recording("GET", "", {}, 200, path.read_bytes())]


def _interactions(document: Any) -> list[dict[str, Any]]:
    entries = document.get("interactions") or document.get("http_interactions") or []
    return [entry for entry in entries if isinstance(entry, dict)]


def _exchange(entry: dict[str, Any]) -> Recording:
    request, response = entry["request"], entry["response"]
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    body = response.get("body", {})
    text = body.get("string", "") if isinstance(body, dict) else str(body or "")
    parts = urlsplit(str(request.get("uri", "")))
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    method = str(request.get("method", "GET")).upper()
    return Recording(method, parts.path, query, int(code or 200), str(text).encode())


def _is_pair(entry: Any) -> bool:
    return isinstance(entry, dict) and set(entry) == {"url", "reply"}


def _pair(entry: dict[str, Any]) -> Recording:
    parts = urlsplit(entry["url"])
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return Recording("GET", parts.path, query, 200, json.dumps(entry["reply"]).encode())


def stored_source(kind: str, query: str, **fields: Any) -> tuple[int, int]:
    """A new workspace, brand (with `query`) and source of `kind`: (brand id, source id)."""
    with session_scope() as session:
        workspace = create_workspace_with_key(session, name=f"{kind} listeners {uuid4().hex[:8]}")
        brand = create_brand(
            session,
            workspace_id=workspace.workspace_id,
            fields={"name": "Lumbre", "query": query, "competitor_ids": []},
        )
        assert brand.id is not None
        source = create_source(
            session,
            workspace_id=workspace.workspace_id,
            brand_id=brand.id,
            fields={"kind": kind, **fields},
        )
        assert source.id is not None
        return brand.id, source.id
