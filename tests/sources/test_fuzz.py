"""Seeded, bounded fuzzing of the adapters over mutants of real payloads.

Seeds: the project's own fixtures (tests/fixtures) and, when present, the shared captures
(../shared/fixtures). Feeds are mutated as bytes (flips, cuts, repeats, hostile snippets
such as empty comments, surrogate references, impossible dates, encodings that are no
character set) and parsed as a poll does; JSON answers are mutated as values (1e20, 1e999,
NaN, 2**70, lone surrogates, javascript: URLs, 100,000 nested arrays, megabyte strings)
and as bytes, then polled through each search adapter from the local HTTP server.

Each mutant must give items or fail with our error type (SourceError), never another
exception, and every item's URL must be absent or http(s). Each part runs in a forked child
under a time limit (tests.support.bounded), so a mutant that makes a regex backtrack fails
the test instead of hanging it. The seed is fixed: a failure names the mutant to replay.
"""

import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from core.settings import Settings
from sources.base import PollOutcome, SourceAdapter, SourceError, SourceItem
from sources.bluesky import BlueskyAdapter
from sources.feeds import parse_feed
from sources.hackernews import HackerNewsAdapter
from sources.http import FetchLimits, make_client
from sources.mastodon import MastodonAdapter
from sources.reddit import RedditAdapter, reset_rate_budgets
from sources.registry import source_config
from sources.rss import read_feed_items
from sources.tokens import TOKENS
from tests.support.bounded import within
from tests.support.cassettes import OWN, SHARED, NeedsYaml, fixture, recordings, render
from tests.support.feed_server import FeedServer, Route

SEED = 20261201
FEED_MUTANTS = 1500
JSON_MUTANTS_PER_KIND = 250
# Seconds for each part as a whole. Generous: 8 test runs share 2 cores here; quiet, each
# part takes well under a minute.
LIMIT = 400.0
SLOWEST_MUTANT = 30.0
NOW = float(int(time.time()))

HOSTILE_SNIPPETS = [
    b"<!---->" * 24,
    b"<!--",
    b"-->",
    b"&#55357;&#56832;",
    b"&#56832;",
    b"&#xD800;",
    b"&#0;",
    b"&#1114112;",
    b"&#x110000;",
    b"&nbsp;",
    b"&",
    b"&amp;amp;lt;",
    b"<![CDATA[",
    b"]]>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\xbd",
    b"\xc3",
    b'<?xml version="1.0" encoding="hex"?>',
    b'<?xml version="1.0" encoding="punycode"?>',
    b'encoding="rot13"',
    b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate>",
    b"<published>0001-01-01T00:00:00+01:00</published>",
    b"<updated>9999-12-31T23:59:59-12:00</updated>",
    b"<link>javascript:alert(1)</link>",
    b'<link href="javascript:alert(1)"/>',
    b"<a>" * 300,
    b"&lt;div&gt;" * 6000,
    b"<author>" + b"@" * 500 + b"(" * 500 + b"</author>",
    b"<!DOCTYPE rss [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]>",
    b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>&x;',
    b"<item><title>x</title><link>https://e.test/</link></item>",
    b"<entry><title>x</title></entry>",
    b"</channel>",
    b"</rss>",
    b"<html><body>",
    b"." * 20_000,
]


# -- seeds -------------------------------------------------------------------------------


def _feed_seeds() -> list[tuple[str, bytes]]:
    folders = [OWN / "feeds", OWN / "google_news"]
    if SHARED.is_dir():
        names = ["rss_news", "rss_messy", "rss_messy/feedparser_tests", "google_alerts"]
        folders += [SHARED / name for name in (*names, "google_news", "reddit")]
    seeds = []
    for folder in folders:
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and path.suffix in (".xml", ".html", ".rss", ".atom"):
                seeds.append((path.name, _rendered(path)))
    return seeds


def _rendered(path: Path) -> bytes:
    raw = path.read_bytes()
    return render(raw.decode(), NOW).encode() if b"@@" in raw else raw


SEARCH_FOLDERS = {"reddit": "reddit", "hackernews": "hn_algolia", "mastodon": "mastodon"}
SEARCH_FOLDERS["bluesky"] = "bluesky"


def _json_seeds(kind: str) -> list[tuple[str, Any]]:
    seeds: list[tuple[str, Any]] = []
    for path in sorted((OWN / kind).glob("*.json")):
        seeds.append((path.name, json.loads(fixture(kind, path.name, NOW))))
    shared = SHARED / SEARCH_FOLDERS[kind]
    for path in sorted(shared.iterdir()) if shared.is_dir() else []:
        try:
            recorded = recordings(path) if path.suffix in (".json", ".yml", ".yaml") else []
        except (NeedsYaml, ValueError):
            continue
        for index, recording in enumerate(recorded):
            try:
                seeds.append((f"{path.name}#{index}", json.loads(recording.body)))
            except ValueError:
                continue
    return [(name, _recent(document)) for name, document in seeds]


_EPOCH_KEYS = frozenset({"created_at_i", "created_utc", "created"})
_ISO_KEYS = frozenset({"created_at", "createdAt", "indexedAt"})


def _recent(document: Any) -> Any:
    """The document with its item times moved into the last day, so that the adapters'
    windows take its items and their builders see the mutations."""
    when = NOW - 3600
    if isinstance(document, dict):
        moved = {key: _recent(value) for key, value in document.items()}
        for key in moved.keys() & _EPOCH_KEYS:
            if isinstance(moved[key], int | float):
                moved[key] = when
        for key in moved.keys() & _ISO_KEYS:
            if isinstance(moved[key], str):
                moved[key] = datetime.fromtimestamp(when, UTC).isoformat()
        return moved
    if isinstance(document, list):
        return [_recent(value) for value in document]
    return document


# -- mutations ---------------------------------------------------------------------------


def mutate_bytes(rng: random.Random, content: bytes) -> tuple[str, bytes]:
    operation = rng.choice(["flip", "cut", "repeat", "truncate", "snippet", "snippet", "text"])
    size = len(content)
    at = rng.randrange(size + 1)
    if operation == "flip" and size:
        data = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(size)] = rng.randrange(256)
        return operation, bytes(data)
    if operation == "cut":
        return operation, content[:at] + content[at + rng.randint(1, 200) :]
    if operation == "repeat":
        piece = content[at : at + rng.randint(1, 400)]
        return operation, content[:at] + piece * rng.randint(2, 50) + content[at:]
    if operation == "truncate":
        return operation, content[:at]
    snippet = rng.choice(HOSTILE_SNIPPETS)
    if operation == "text":  # inside an element's text, where values are read
        closing = content.find(b"<", content.find(b">", at) + 1)
        at = closing if closing > 0 else at
    return f"{operation} {snippet[:30]!r}", content[:at] + snippet + content[at:]


HUGE, NAN, DEEP = "__huge__", "__nan__", "__deep__"
HOSTILE_VALUES: list[Any] = [
    1e20,
    -1e20,
    HUGE,
    NAN,
    2**70,
    -(2**70),
    0,
    -1,
    "",
    None,
    True,
    [],
    {},
    "javascript:alert(1)",
    "//evil.test/x",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-12:00",
    "Fri, 31 Dec 9999 23:59:59 -1200",
    "\ud83d",
    "\ud83d\ude00",
    "\x00\x07",
    "&#55357;",
    "<script>alert(1)</script><div>" * 10,
    "x" * 100_000,
    "t3_" + "a" * 70_000,
    DEEP,
]


def mutate_json(rng: random.Random, document: Any) -> tuple[str, bytes]:
    paths = list(_paths(document, ()))
    changed = []
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(paths) if paths else ()
        value = rng.choice(HOSTILE_VALUES)
        document = _replaced(document, path, value)
        changed.append(f"{'/'.join(map(str, path))}={str(value)[:20]!r}")
    text = json.dumps(document)
    text = text.replace(f'"{HUGE}"', "1e999").replace(f'"{NAN}"', "NaN")
    text = text.replace(f'"{DEEP}"', "[" * 100_000 + "]" * 100_000)
    body = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        operation, body = mutate_bytes(rng, body)
        changed.append(operation)
    return "; ".join(changed), body


def _paths(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    yield path
    if len(path) > 8:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:30]):
            yield from _paths(child, (*path, index))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value.get(head), rest, new)}
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        return [_replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]
    return value


# -- running -----------------------------------------------------------------------------


def _checked(items: list[SourceItem], where: str) -> list[str]:
    return [
        f"{where}: item URL {item.url[:60]!r} is not http(s)"
        for item in items
        if item.url is not None and not item.url.lower().startswith(("http://", "https://"))
    ]


def fuzz_feeds() -> tuple[int, list[str], float]:
    """(mutants run, failures, slowest mutant in seconds)."""
    rng = random.Random(SEED)
    seeds = _feed_seeds()
    failures: list[str] = []
    slowest = 0.0
    for number in range(FEED_MUTANTS):
        name, content = rng.choice(seeds)
        operation, mutant = mutate_bytes(rng, content)
        where = f"feed mutant {number} ({name}, {operation})"
        started = time.monotonic()
        try:
            feed = parse_feed(mutant, content_type=rng.choice([None, "application/xml"]))
            items, _ = read_feed_items(feed, base_url="https://e.test/", now=datetime.now(UTC))
            failures += _checked(items, where)
        except SourceError:
            pass
        except Exception as exc:
            failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
        slowest = max(slowest, time.monotonic() - started)
    return FEED_MUTANTS, failures, slowest


PATHS = {
    "hackernews": "/api/v1/search_by_date",
    "reddit": "/search",
    "mastodon": "/api/v1/timelines/tag/lumbre",
    "bluesky": "/xrpc/app.bsky.feed.searchPosts",
}
LIMITS = FetchLimits(8 * 1024 * 1024, 20)


def _adapters(server: FeedServer) -> dict[str, Callable[[], SourceAdapter]]:
    base = server.url("")
    settings = Settings(
        hackernews_base_url=base,
        reddit_auth_url=base,
        reddit_base_url=base,
        reddit_client_id="app-id-123",
        reddit_client_secret=SecretStr("app-secret-456"),
        bluesky_base_url=base,
        bluesky_handle="escucha-test.bsky.social",
        bluesky_app_password=SecretStr("abcd-efgh-ijkl-mnop"),
        allow_private_hosts=True,
        search_max_pages=2,
    )

    def clock() -> float:
        return NOW

    return {
        "hackernews": lambda: HackerNewsAdapter(settings, LIMITS, clock=clock),
        "reddit": lambda: RedditAdapter(settings, LIMITS, clock=clock),
        "mastodon": lambda: MastodonAdapter(settings, LIMITS, clock=clock),
        "bluesky": lambda: BlueskyAdapter(settings, LIMITS, clock=clock),
    }


def fuzz_json() -> tuple[int, list[str], float]:
    rng = random.Random(SEED + 1)
    failures: list[str] = []
    slowest = 0.0
    run = 0
    with FeedServer() as server, make_client(Settings(allow_private_hosts=True)) as client:
        json_type = "application/json; charset=utf-8"
        server.set_route(
            "/api/v1/access_token", Route(fixture("reddit", "token.json", NOW), json_type)
        )
        server.set_route(
            "/xrpc/com.atproto.server.createSession",
            Route(fixture("bluesky", "create_session.json", NOW), json_type),
        )
        adapters = _adapters(server)
        for kind, make in adapters.items():
            seeds = [seed for seed in _json_seeds(kind) if not _is_error_body(seed[1])]
            fields = {"instance": server.url(""), "hashtag": "lumbre"}
            config = source_config(kind, "lumbre", fields)
            for number in range(JSON_MUTANTS_PER_KIND):
                name, document = rng.choice(seeds)
                change, body = mutate_json(rng, document)
                server.set_route(PATHS[kind], Route(body, json_type))
                where = f"{kind} mutant {number} ({name}: {change[:200]})"
                started = time.monotonic()
                try:
                    outcome = make().poll(client, config, {})
                    assert isinstance(outcome, PollOutcome)
                    failures += _checked(outcome.items, where)
                except SourceError:
                    pass
                except Exception as exc:
                    failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
                finally:
                    TOKENS.clear()
                    reset_rate_budgets()
                slowest = max(slowest, time.monotonic() - started)
                run += 1
    return run, failures, slowest


def _is_error_body(document: Any) -> bool:
    return isinstance(document, dict) and ("error" in document or "accessJwt" in document)


def test_feed_mutants_parse_or_fail_with_our_error_in_time() -> None:
    run, failures, slowest = within(LIMIT, fuzz_feeds)
    assert run == FEED_MUTANTS
    assert failures == []
    assert slowest < SLOWEST_MUTANT


def test_search_answer_mutants_give_items_or_fail_with_our_error_in_time() -> None:
    run, failures, slowest = within(LIMIT, fuzz_json)
    assert run == JSON_MUTANTS_PER_KIND * 4
    assert failures == []
    assert slowest < SLOWEST_MUTANT


def test_the_mutations_are_seeded() -> None:
    content = b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    first = [mutate_bytes(random.Random(SEED), content) for _ in range(3)]
    assert first == [mutate_bytes(random.Random(SEED), content) for _ in range(3)]
    assert any(mutant != content for _, mutant in first)


def test_there_are_seeds_of_every_kind() -> None:
    assert len(_feed_seeds()) >= 9
    for kind in PATHS:
        assert _json_seeds(kind), kind
