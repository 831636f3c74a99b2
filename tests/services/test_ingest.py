"""Storing items: one mention per brand and story, whichever sources carried it."""

import gc
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.db import session_scope
from models.tables import Brand, Mention, Source
from services.ingest import PolledItems, collector_paused, store_polls
from sources.base import SourceItem
from tests.support.data import brand_context, ingest, item
from tests.support.feeds import google_redirect
from tests.support.scenario import brand_with_sources

WHEN = datetime(2026, 11, 20, 12, tzinfo=UTC)
ARTICLE = "https://www.elnorte.example/negocios/lumbre-tienda"


def store_while_another_worker_stores(
    brand_id: int, mine: tuple[int, SourceItem], theirs: tuple[int, SourceItem]
) -> int:
    """Store `mine` in a unit of work; once it is written, and before it commits, another
    worker (a thread) stores `theirs`: it reads before our commit, then waits on our locks.
    Returns how many of `mine` were new."""
    first_wrote = threading.Event()
    failures: list[BaseException] = []

    def other_worker() -> None:
        first_wrote.wait(10)
        try:
            ingest(brand_id, theirs[0], [theirs[1]])
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=other_worker)
    worker.start()
    with session_scope() as session:
        context = brand_context(session, brand_id)
        polled = [PolledItems(mine[0], "rss", context, [mine[1]])]
        new = store_polls(session, polled, now=WHEN)[0].new
        first_wrote.set()
        time.sleep(0.5)
    worker.join(30)
    assert not failures
    return new


def mentions_of(brand_id: int) -> list[Mention]:
    with session_scope() as session:
        statement = select(Mention).where(Mention.brand_id == brand_id).order_by(col(Mention.id))
        return list(session.exec(statement).all())


def test_the_same_url_from_two_sources_is_one_mention_also_seen_in_the_other(db: str) -> None:
    brand_id, [alerts, news, blog] = brand_with_sources(
        ["http://127.0.0.1/alerts", "http://127.0.0.1/news", "http://127.0.0.1/blog"]
    )
    first = ingest(brand_id, alerts, [item("Lumbre abre tienda", google_redirect(ARTICLE), WHEN)])
    again = ingest(
        brand_id, news, [item("Lumbre abre su tienda", ARTICLE + "?utm_source=rss#top", WHEN)]
    )
    assert (first.new, again.new) == (1, 0)
    ingest(brand_id, news, [item("Lumbre abre su tienda", ARTICLE, WHEN)])  # polled again
    ingest(brand_id, alerts, [item("Lumbre abre tienda", google_redirect(ARTICLE), WHEN)])
    ingest(brand_id, blog, [item("Lumbre abre tienda", ARTICLE, WHEN)], kind="rss")

    [mention] = mentions_of(brand_id)
    assert mention.url == ARTICLE and mention.source_id == alerts
    assert mention.source_kind == "rss"  # as `ingest` stored it for the first source
    assert mention.also_seen_in == [
        {"source_id": news, "source_kind": "rss"},
        {"source_id": blog, "source_kind": "rss"},
    ]


def test_a_story_without_a_publisher_url_is_one_mention_across_sources(db: str) -> None:
    brand_id, [news_a, news_b] = brand_with_sources(
        ["http://127.0.0.1/a", "http://127.0.0.1/b"], kind="rss"
    )
    article = "https://news.google.com/rss/articles/CBMiS2h0dHBzOi8vd3d3LmV4YW1wbGU"
    other_link = "https://news.google.com/rss/articles/CBMiOther0123456789abcdef"
    title = "Lumbre abre su primera tienda en Monterrey"
    ingest(brand_id, news_a, [item(title, article, WHEN, publisher="El Norte")])
    result = ingest(brand_id, news_b, [item(title.upper(), other_link, WHEN, publisher="El Norte")])
    assert result.new == 0
    [mention] = mentions_of(brand_id)
    assert mention.also_seen_in == [{"source_id": news_b, "source_kind": "rss"}]


def test_repeated_polls_of_one_source_add_nothing(db: str) -> None:
    brand_id, [source_id] = brand_with_sources(["http://127.0.0.1/feed"], kind="rss")
    items = [item(f"Lumbre news {n}", f"https://news.example.org/{n}", WHEN) for n in range(3)]
    assert ingest(brand_id, source_id, items).new == 3
    assert ingest(brand_id, source_id, items).new == 0
    stored = mentions_of(brand_id)
    assert len(stored) == 3 and all(m.also_seen_in == [] for m in stored)


def test_one_batch_carrying_a_url_twice_stores_it_once_also_seen_in_the_other(db: str) -> None:
    brand_id, [first, second] = brand_with_sources(
        ["http://127.0.0.1/a", "http://127.0.0.1/b"], kind="rss"
    )
    with session_scope() as session:
        context = brand_context(session, brand_id)
        polls = [
            PolledItems(first, "rss", context, [item("Lumbre abre", ARTICLE, WHEN)]),
            PolledItems(second, "rss", context, [item("Lumbre abre", ARTICLE + "#x", WHEN)]),
        ]
        results = store_polls(session, polls, now=WHEN)
    assert [(r.matched, r.new) for r in results] == [(1, 1), (1, 0)]
    [mention] = mentions_of(brand_id)
    assert mention.source_id == first
    assert mention.also_seen_in == [{"source_id": second, "source_kind": "rss"}]


def test_a_batch_whose_insert_fails_stores_nothing_and_a_retry_stores_it_whole(db: str) -> None:
    """The source of the batch's last item is deleted before the INSERT: the database refuses
    that row after taking the first ones (sent ahead in pipeline mode on PostgreSQL). The
    error reaches the caller as SQLAlchemy's, nothing of the batch stays, and the poll
    repeated stores every item."""
    brand_id, [kept, deleted] = brand_with_sources(
        ["http://127.0.0.1/kept", "http://127.0.0.1/deleted"], kind="rss"
    )
    items = [item(f"Lumbre news {n}", f"https://news.example.org/{n}", WHEN) for n in range(120)]
    with session_scope() as session:
        session.delete(session.get(Source, deleted))
    with pytest.raises(IntegrityError), session_scope() as session:
        context = brand_context(session, brand_id)
        polls = [
            PolledItems(kept, "rss", context, items),
            PolledItems(deleted, "rss", context, [item("Lumbre gone", ARTICLE, WHEN)]),
        ]
        store_polls(session, polls, now=WHEN)
    assert mentions_of(brand_id) == []
    assert ingest(brand_id, kept, items).new == 120
    assert {m.url for m in mentions_of(brand_id)} == {i.url for i in items}


def test_a_brand_listening_in_spanish_keeps_spanish_and_unknown_mentions_only(db: str) -> None:
    brand_id, [source_id] = brand_with_sources(["http://127.0.0.1/feed"], kind="rss")
    with session_scope() as session:
        brand = session.get(Brand, brand_id)
        assert brand is not None
        brand.languages = ["es"]
    items = [
        item("Lumbre abre su nueva tienda en Monterrey y los clientes están felices",
             "https://a.example/es", WHEN),
        item("Lumbre opens a new store and the customers are very happy with it",
             "https://a.example/en", WHEN),
        item("Lumbre", "https://a.example/unknown", WHEN),
    ]  # fmt: skip
    result = ingest(brand_id, source_id, items)
    assert (result.matched, result.new) == (3, 2)
    stored = {m.url: m.language for m in mentions_of(brand_id)}
    assert stored == {"https://a.example/es": "es", "https://a.example/unknown": None}
    assert ingest(brand_id, source_id, items).new == 0  # the English one stays out


def test_control_characters_from_a_source_are_dropped_not_refused(db: str) -> None:
    """JSON APIs may send \\u0000, which PostgreSQL refuses in text."""
    brand_id, [source_id] = brand_with_sources(["http://127.0.0.1/feed"], kind="rss")
    dirty = item(
        "Lumbre\x00 abre\x07 tienda",
        ARTICLE + "\x00",
        WHEN,
        text="Primera línea\x00\nsegunda\tlínea\x1b",
        author="ana\x00",
    )
    assert ingest(brand_id, source_id, [dirty]).new == 1
    [mention] = mentions_of(brand_id)
    assert (mention.title, mention.url, mention.author) == ("Lumbre abre tienda", ARTICLE, "ana")
    assert mention.text == "Primera línea\nsegunda\tlínea"


def test_two_workers_adding_sources_to_one_mention_at_once_both_count(db: str) -> None:
    """The second worker reads also_seen_in before the first commits; its addition must
    not overwrite the first's."""
    brand_id, [origin, second, third] = brand_with_sources(
        ["http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/c"], kind="rss"
    )
    ingest(brand_id, origin, [item("Lumbre abre", ARTICLE, WHEN)])
    store_while_another_worker_stores(
        brand_id,
        (second, item("Lumbre abre", ARTICLE, WHEN)),
        (third, item("Lumbre abre", ARTICLE, WHEN)),
    )
    [mention] = mentions_of(brand_id)
    assert mention.also_seen_in == [
        {"source_id": second, "source_kind": "rss"},
        {"source_id": third, "source_kind": "rss"},
    ]


def test_a_poll_of_thousands_of_items_is_stored_whole_and_read_back_exactly(db: str) -> None:
    """More rows than one SQLite INSERT takes; dates must compare as dates once stored."""
    brand_id, [source_id] = brand_with_sources(["http://127.0.0.1/feed"], kind="rss")
    items = [
        item(f"Lumbre {n}", f"https://news.example.org/{n}", WHEN.replace(minute=n % 60))
        for n in range(2500)
    ]
    assert ingest(brand_id, source_id, items).new == 2500
    assert ingest(brand_id, source_id, items[::7]).new == 0
    with session_scope() as session:
        late = select(Mention).where(
            Mention.brand_id == brand_id, col(Mention.published_at) >= WHEN.replace(minute=30)
        )
        stored = list(session.exec(late))
        assert len(stored) == sum(n % 60 >= 30 for n in range(2500))
        assert {m.published_at for m in stored} == {WHEN.replace(minute=m) for m in range(30, 60)}
        assert all(m.also_seen_in == [] and m.title.startswith("Lumbre") for m in stored)


def test_every_item_of_a_large_poll_gets_its_language_and_its_scorer(db: str) -> None:
    """Languages are detected a chunk at a time as items are scored and stored: across
    chunks each mention keeps its own; a language the source gave is kept as it is."""
    brand_id, [source_id] = brand_with_sources(["http://127.0.0.1/feed"], kind="rss")
    texts = {
        "es": "los clientes están muy contentos con el servicio de la tienda y con el precio",
        "en": "the customers are very happy with the service of the store and with the price",
    }
    pattern = ["es", "es", "en", "en", "es", "pt", "en"]  # pt: given by the source
    items = [
        item(
            f"Lumbre {n}",
            f"https://news.example.org/{n}",
            WHEN,
            text=texts.get(pattern[n % 7], texts["en"]),
            **({"language": "pt"} if pattern[n % 7] == "pt" else {}),
        )
        for n in range(250)
    ]
    assert ingest(brand_id, source_id, items).new == 250
    stored = {m.url: (m.language, m.sentiment_model) for m in mentions_of(brand_id)}
    scorer = {"es": "escucha-es-v5", "en": "vader", "pt": "vader"}
    assert stored == {
        f"https://news.example.org/{n}": (pattern[n % 7], scorer[pattern[n % 7]])
        for n in range(250)
    }


def test_one_story_stored_by_two_workers_at_once_is_one_mention(db: str) -> None:
    """Google News and the publisher's own feed carry the same story; two workers store it
    at the same moment. The second finds nothing stored yet (the first has not committed),
    and must still not store it again: it adds its source to the first's also_seen_in."""
    brand_id, [news, feed] = brand_with_sources(
        ["http://127.0.0.1/news", "http://127.0.0.1/feed"], kind="rss"
    )
    title = "Lumbre abre su primera tienda en Monterrey"
    google_link = "https://news.google.com/rss/articles/CBMiS2h0dHBzOi8vd3d3LmV4YW1wbGU"
    new = store_while_another_worker_stores(
        brand_id,
        (news, item(title, google_link, WHEN, publisher="El Norte")),
        (feed, item(f"{title} - El Norte", ARTICLE, WHEN, publisher="El Norte")),
    )
    assert new == 1
    [mention] = mentions_of(brand_id)
    assert mention.source_id == news
    assert mention.also_seen_in == [{"source_id": feed, "source_kind": "rss"}]


def test_the_cycle_collector_is_back_on_after_storing_even_when_storing_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a dead database")
    assert gc.isenabled()
    gc.disable()  # a caller that keeps it off (a benchmark) finds it off afterwards
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_mention_without_author_scores_or_story_stores_nulls_not_text() -> None:
    brand_id, (source_id,) = brand_with_sources(["https://news.example.org/feed.xml"])
    with session_scope() as session:
        context = brand_context(session, brand_id)
        now = datetime.now(UTC)
        found = item("Lumbre abre tienda", "https://news.example.org/a", now, author=None)
        store_polls(session, [PolledItems(source_id, "rss", context, [found])], now=now)
    with session_scope() as session:
        mention = session.exec(select(Mention).where(Mention.brand_id == brand_id)).one()
        assert mention.author is None
        assert mention.engagement_score is None and mention.relevance_score is None
        assert mention.relevance_verdict is None and mention.relevance_marked_at is None
        assert mention.title == "Lumbre abre tienda"
