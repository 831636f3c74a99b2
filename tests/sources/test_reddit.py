import base64
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings, get_settings
from models.tables import Mention
from services.polling import poll_source
from sources.base import SourceConfig, SourceError
from sources.http import FetchLimits
from sources.reddit import (
    RedditAdapter,
    RedditConfig,
    normalize_subreddit,
    reset_rate_budgets,
    user_agent,
)
from sources.tokens import TOKENS
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer, Route

NOW = float(int(time.time()))
QUERY = 'lumbre -"lumbre fc"'
JSON = "application/json; charset=UTF-8"
TOKEN = "/api/v1/access_token"


def reply(name: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    return Route(fixture("reddit", name, NOW), JSON, status=status, headers=headers or {})


@pytest.fixture(autouse=True)
def fresh_tokens() -> Iterator[None]:
    TOKENS.clear()
    reset_rate_budgets()
    yield
    TOKENS.clear()
    reset_rate_budgets()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        running.set_route(TOKEN, reply("token.json"))
        yield running


def settings_for(server: FeedServer, **changes: object) -> Settings:
    values: dict[str, object] = {
        "reddit_auth_url": server.url(""),
        "reddit_base_url": server.url(""),
        "reddit_client_id": "app-id-123",
        "reddit_client_secret": SecretStr("app-secret-456"),
        "reddit_username": "escucha_bot",
        "allow_private_hosts": True,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


def adapter(settings: Settings) -> RedditAdapter:
    return RedditAdapter(settings, FetchLimits(1024 * 1024, 5), clock=lambda: NOW)


def config(**fields: str) -> SourceConfig[RedditConfig]:
    return SourceConfig("reddit", QUERY, RedditConfig(**fields))


def serve_two_pages(server: FeedServer) -> None:
    server.set_route("/search", reply("search_page1.json"))
    server.serve_when("/search", {"after": "t3_lb0001"}, reply("search_page2.json"))


def test_first_poll_reads_pages_back_to_the_lookback(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    outcome = adapter(settings_for(server)).poll(client, config(), {})

    assert [item.guid for item in outcome.items] == [
        "t3_lb0003",
        "t3_lb0002",
        "t3_lb0001",
        "t3_lb0000",
    ]  # t3_laz0099 is ten days old: past the lookback, and no third page is asked for
    assert (server.requests(TOKEN), server.requests("/search")) == (1, 2)
    spanish, _, removed, older = outcome.items
    assert spanish.title == "¿Alguien ha probado el café de Lumbre en Monterrey?"
    assert spanish.text == (
        "Me recomendaron Café Lumbre en San Pedro. ¿Vale la pena? "
        "El latte cuesta 90 pesos & la fila es enorme."
    )
    assert spanish.url == (
        "https://www.reddit.com/r/monterrey/comments/lb0003/"
        "alguien_ha_probado_el_cafe_de_lumbre_en_monterrey/"
    )
    assert (spanish.author, spanish.score, spanish.comments) == ("regio_cafetero", 42, 17)
    assert spanish.published_at == datetime.fromtimestamp(NOW - 600, UTC)
    assert not spanish.deleted
    assert removed.deleted and removed.author is None
    assert (
        removed.url
        == "https://www.reddit.com/r/Coffee/comments/lb0001/lumbre_coffee_is_the_worst_avoid/"
    )
    assert older.text == "Tried the Lumbre cold brew concentrate: smooth, not bitter, great value."

    token_request = server.log(TOKEN)[0]
    assert token_request.method == "POST"
    assert parse_qs(token_request.body.decode()) == {"grant_type": ["client_credentials"]}
    basic = base64.b64encode(b"app-id-123:app-secret-456").decode()
    assert token_request.headers["authorization"] == f"Basic {basic}"
    first, second = server.log("/search")
    assert first.query == {
        "q": "lumbre",
        "sort": "new",
        "limit": "100",
        "type": "link",
        "raw_json": "1",
    }
    assert second.query["after"] == "t3_lb0001"
    assert first.headers["authorization"] == "bearer reddit-test-token-1"
    assert re.fullmatch(r"python:escucha:\S+ \(by /u/escucha_bot\)", first.headers["user-agent"])
    assert outcome.cursor["newest"] == NOW - 600
    assert set(outcome.cursor["recent"]) == {"t3_lb0003", "t3_lb0002", "t3_lb0000"}


def test_next_poll_returns_only_new_posts_and_reports_deleted_ones(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    reddit = adapter(settings_for(server))
    first = reddit.poll(client, config(), {})
    server.set_route("/search", reply("search_new.json"))
    server.set_route("/api/info", reply("info_removed.json"))

    second = reddit.poll(client, config(), first.cursor)

    assert [(item.guid, item.deleted) for item in second.items] == [
        ("t3_lb0004", False),  # t3_lb0003 was returned last time
        ("t3_lb0003", True),  # deleted by its author since: /api/info says so
    ]
    checked = server.log("/api/info")[0].query["id"].split(",")
    assert set(checked) == {"t3_lb0003", "t3_lb0002", "t3_lb0000"}
    assert server.requests(TOKEN) == 1  # the token is cached
    assert (server.requests("/search"), server.requests("/api/info")) == (3, 1)
    assert "t3_lb0003" not in second.cursor["recent"]
    assert second.cursor["newest"] == NOW - 60


def test_a_failed_deletion_check_does_not_fail_the_poll(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    reddit = adapter(settings_for(server))
    first = reddit.poll(client, config(), {})
    server.set_route("/search", reply("search_new.json"))
    server.fail("/api/info", 500)
    second = reddit.poll(client, config(), first.cursor)
    assert [item.guid for item in second.items] == ["t3_lb0004"]
    assert "t3_lb0003" in second.cursor["recent"]  # checked again next time


def test_an_empty_page_is_a_quiet_success(server: FeedServer, client: httpx.Client) -> None:
    server.set_route("/search", reply("search_empty.json"))
    outcome = adapter(settings_for(server)).poll(client, config(), {})
    assert outcome.items == [] and not outcome.not_modified
    assert (server.requests(TOKEN), server.requests("/search")) == (1, 1)
    assert outcome.cursor["newest"] > NOW - 8 * 86400


def test_a_subreddit_source_searches_there_and_reads_its_comments(
    server: FeedServer, client: httpx.Client
) -> None:
    server.set_route("/r/monterrey/search", reply("search_empty.json"))
    server.set_route("/r/monterrey/comments", reply("comments.json"))
    settings = settings_for(server, reddit_include_comments=True)
    outcome = adapter(settings).poll(client, config(subreddit="monterrey"), {})

    assert server.log("/r/monterrey/search")[0].query["restrict_sr"] == "1"
    assert server.log("/r/monterrey/comments")[0].query == {"limit": "100", "raw_json": "1"}
    kept, removed = outcome.items
    assert (kept.guid, kept.title, kept.comments) == ("t1_kc0002", "", None)
    assert kept.text == "Para mí Lumbre tiene el mejor espresso de la ciudad."
    assert kept.url == (
        "https://www.reddit.com/r/monterrey/comments/lz0001/mejores_cafes_de_la_ciudad/kc0002/"
    )
    assert removed.guid == "t1_kc0001" and removed.deleted
    assert "comments" in outcome.cursor


def test_missing_credentials_name_the_variables_to_set(
    server: FeedServer, client: httpx.Client
) -> None:
    settings = settings_for(server, reddit_client_id="", reddit_client_secret=SecretStr(""))
    with pytest.raises(SourceError) as caught:
        adapter(settings).poll(client, config(), {})
    assert "ESCUCHA_REDDIT_CLIENT_ID and ESCUCHA_REDDIT_CLIENT_SECRET" in caught.value.message
    assert server.requests(TOKEN) == 0


def test_rejected_credentials_say_what_to_fix(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(TOKEN, reply("token_rejected.json", status=401))
    with pytest.raises(SourceError) as caught:
        adapter(settings_for(server)).poll(client, config(), {})
    assert "Reddit rejected ESCUCHA_REDDIT_CLIENT_ID/SECRET" in caught.value.message
    assert "app-secret-456" not in caught.value.message


def test_a_401_from_the_api_fetches_one_new_token(server: FeedServer, client: httpx.Client) -> None:
    server.queue("/search", [reply("token_rejected.json", status=401)])
    server.set_route("/search", reply("search_empty.json"))
    outcome = adapter(settings_for(server)).poll(client, config(), {})
    assert outcome.items == []
    assert server.requests(TOKEN) == 2 and server.requests("/search") == 2


def test_a_429_carries_the_servers_retry_after(server: FeedServer, client: httpx.Client) -> None:
    server.fail("/search", 429, retry_after="120")
    with pytest.raises(SourceError) as caught:
        adapter(settings_for(server)).poll(client, config(), {})
    assert caught.value.retry_after == 120
    assert "429" in caught.value.message


def test_a_used_up_rate_limit_waits_for_its_reset(server: FeedServer, client: httpx.Client) -> None:
    used_up = {
        "X-Ratelimit-Remaining": "0.0",
        "X-Ratelimit-Used": "100",
        "X-Ratelimit-Reset": "240",
    }
    server.set_route("/search", reply("search_empty.json", headers=used_up))
    reddit = adapter(settings_for(server))
    reddit.poll(client, config(), {})
    with pytest.raises(SourceError) as caught:
        reddit.poll(client, config(subreddit="mexico"), {})  # another source, same app
    assert caught.value.retry_after is not None and 230 < caught.value.retry_after <= 240
    assert server.requests("/search") == 1


def test_user_agent_and_subreddit_names() -> None:
    assert re.fullmatch(
        r"python:escucha:\S+ \(by /u/escucha_bot\)",
        user_agent(Settings(reddit_username="/u/escucha_bot")),
    )
    assert normalize_subreddit(" r/Monterrey/ ") == "Monterrey"
    assert normalize_subreddit("mexico+monterrey") == "mexico+monterrey"
    for bad in ("", "r/", "a", "no spaces", "x" * 22, "ñandú"):
        with pytest.raises(ValueError):
            normalize_subreddit(bad)


def test_polling_stores_matches_and_forgets_deleted_posts(
    db: str, server: FeedServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_two_pages(server)
    for name, value in {
        "ESCUCHA_REDDIT_AUTH_URL": server.url(""),
        "ESCUCHA_REDDIT_BASE_URL": server.url(""),
        "ESCUCHA_REDDIT_CLIENT_ID": "app-id-123",
        "ESCUCHA_REDDIT_CLIENT_SECRET": "app-secret-456",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        _, source_id = stored_source("reddit", QUERY)
        first = poll_source(source_id, force=True, client=client)
        server.set_route("/search", reply("search_new.json"))
        server.set_route("/api/info", reply("info_removed.json"))
        second = poll_source(source_id, force=True, client=client)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert (first.status, first.items, first.new) == ("ok", 4, 2)  # Lumbre FC is excluded
    assert (second.status, second.new) == ("ok", 1)
    with session_scope() as session:
        mentions = session.exec(select(Mention).order_by(col(Mention.published_at))).all()
        stored = [(m.title, m.language, m.engagement_score) for m in mentions]
    assert stored == [
        ("Lumbre cold brew review", "en", 5),
        ("Café Lumbre abrirá 20 sucursales en CDMX", "es", 120),
    ]  # the Monterrey question was deleted at the source, and so here
