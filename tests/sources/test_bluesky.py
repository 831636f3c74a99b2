import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings, get_settings
from models.tables import Mention
from services.polling import poll_source
from sources.base import SourceConfig, SourceError
from sources.bluesky import BlueskyAdapter
from sources.http import FetchLimits
from sources.kind_config import SearchConfig
from sources.tokens import TOKENS
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer, Route

NOW = float(int(time.time()))
QUERY = 'lumbre -"lumbre fc"'
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
SESSION = json.loads(fixture("bluesky", "create_session.json", NOW))
REFRESHED = json.loads(fixture("bluesky", "refresh_session.json", NOW))


def reply(name: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    body = fixture("bluesky", name, NOW)
    return Route(body, "application/json; charset=utf-8", status, headers=headers or {})


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    TOKENS.clear()
    yield
    TOKENS.clear()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        running.set_route(LOGIN, reply("create_session.json"))
        running.set_route(REFRESH, reply("refresh_session.json"))
        yield running


def adapter(server: FeedServer, **changes: object) -> BlueskyAdapter:
    values: dict[str, object] = {
        "bluesky_base_url": server.url(""),
        "bluesky_handle": "@escucha-test.bsky.social",
        "bluesky_app_password": SecretStr("abcd-efgh-ijkl-mnop"),
        "allow_private_hosts": True,
    }
    values.update(changes)
    settings = Settings(**values)  # type: ignore[arg-type]
    return BlueskyAdapter(settings, FetchLimits(1024 * 1024, 5), clock=lambda: NOW)


def config(search: str | None = None) -> SourceConfig[SearchConfig]:
    return SourceConfig("bluesky", QUERY, SearchConfig(search=search))


def serve_two_pages(server: FeedServer) -> None:
    server.set_route(SEARCH, reply("search_page1.json"))
    server.serve_when(SEARCH, {"cursor": "3"}, reply("search_page2.json"))


def test_first_poll_logs_in_and_pages_with_the_cursor(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    outcome = adapter(server).poll(client, config(), {})

    login = server.log(LOGIN)[0]
    assert login.method == "POST"
    assert json.loads(login.body) == {
        "identifier": "escucha-test.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    first, second = server.log(SEARCH)
    since = datetime.fromtimestamp(NOW - 7 * 86400, UTC).isoformat().replace("+00:00", "Z")
    assert first.query == {"q": "lumbre", "sort": "latest", "limit": "100", "since": since}
    assert second.query["cursor"] == "3"
    assert first.headers["authorization"] == f"Bearer {SESSION['accessJwt']}"
    assert (server.requests(LOGIN), server.requests(SEARCH)) == (1, 2)

    spanish, invalid_handle, english, older = outcome.items
    assert spanish.url == "https://bsky.app/profile/cafetera.mx/post/3lzlumbre0003"
    assert spanish.guid == "at://did:plc:cafeteramx000000000000001/app.bsky.feed.post/3lzlumbre0003"
    assert spanish.text.startswith("El servicio en Café Lumbre de San Pedro fue pésimo hoy")
    assert (spanish.title, spanish.author, spanish.language) == ("", "cafetera.mx", "es")
    assert (spanish.score, spanish.comments) == (11, 4)
    assert spanish.published_at == datetime.fromtimestamp(NOW - 240, UTC)
    assert invalid_handle.url == (
        "https://bsky.app/profile/did:plc:brokenhandle0000000000001/post/3lzlumbre0002"
    )
    assert invalid_handle.author is None
    assert (english.score, english.comments) == (35, 1)
    assert older.text == "Visited the Lumbre roastery in Monterrey. Friendly staff."
    assert outcome.cursor["newest"] == NOW - 240


def test_the_session_is_kept_and_later_polls_skip_repeats(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    first = adapter(server).poll(client, config(), {})
    server.set_route(SEARCH, reply("search_page1.json"))
    second = adapter(server).poll(client, config(), first.cursor)

    assert second.items == []
    assert server.requests(LOGIN) == 1
    since = datetime.fromtimestamp(NOW - 240 - 900, UTC).isoformat().replace("+00:00", "Z")
    assert server.log(SEARCH)[-1].query["since"] == since


def test_an_expired_token_is_refreshed_once(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(SEARCH, reply("search_empty.json"))
    server.queue(SEARCH, [reply("expired_token.json", status=400)])
    outcome = adapter(server).poll(client, config(), {})

    assert outcome.items == []
    assert server.requests(LOGIN) == 1
    refresh = server.log(REFRESH)[0]
    assert refresh.headers["authorization"] == f"Bearer {SESSION['refreshJwt']}"
    assert server.log(SEARCH)[-1].headers["authorization"] == f"Bearer {REFRESHED['accessJwt']}"


def test_a_refused_refresh_logs_in_again(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(SEARCH, reply("search_empty.json"))
    server.queue(SEARCH, [reply("expired_token.json", status=401)])
    server.set_route(REFRESH, reply("expired_token.json", status=400))
    adapter(server).poll(client, config(), {})
    assert server.requests(LOGIN) == 2 and server.requests(REFRESH) == 1


def test_missing_credentials_name_the_variables(server: FeedServer, client: httpx.Client) -> None:
    with pytest.raises(SourceError) as caught:
        adapter(server, bluesky_handle="", bluesky_app_password=SecretStr("")).poll(
            client, config(), {}
        )
    assert "ESCUCHA_BLUESKY_HANDLE and ESCUCHA_BLUESKY_APP_PASSWORD" in caught.value.message
    assert server.requests(LOGIN) == 0


def test_a_rejected_login_says_what_to_fix(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(LOGIN, reply("auth_failed.json", status=401))
    with pytest.raises(SourceError) as caught:
        adapter(server).poll(client, config(), {})
    message = caught.value.message
    assert "Bluesky rejected ESCUCHA_BLUESKY_HANDLE / ESCUCHA_BLUESKY_APP_PASSWORD" in message
    assert "abcd-efgh" not in message


def test_a_429_waits_until_the_rate_limit_resets(server: FeedServer, client: httpx.Client) -> None:
    reset = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": ""}
    reset["RateLimit-Reset"] = str(int(time.time()) + 90)
    server.set_route(SEARCH, reply("rate_limited.json", status=429, headers=reset))
    with pytest.raises(SourceError) as caught:
        adapter(server).poll(client, config(), {})
    assert caught.value.retry_after is not None and 80 < caught.value.retry_after <= 90


def test_polling_stores_posts_our_query_accepts(
    db: str, server: FeedServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_two_pages(server)
    monkeypatch.setenv("ESCUCHA_BLUESKY_BASE_URL", server.url(""))
    monkeypatch.setenv("ESCUCHA_BLUESKY_HANDLE", "escucha-test.bsky.social")
    monkeypatch.setenv("ESCUCHA_BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    get_settings.cache_clear()
    try:
        _, source_id = stored_source("bluesky", QUERY)
        report = poll_source(source_id, force=True, client=client)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert (report.status, report.items, report.new) == ("ok", 4, 3)  # not Lumbre FC
    with session_scope() as session:
        mentions = session.exec(select(Mention).order_by(col(Mention.published_at))).all()
        stored = [(m.author, m.language, m.sentiment_label) for m in mentions]
    assert stored == [
        ("coffeenerd.bsky.social", "en", "positive"),
        ("coffeenerd.bsky.social", "en", "positive"),
        ("cafetera.mx", "es", "negative"),
    ]
