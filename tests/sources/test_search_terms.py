import pytest

from sources.base import SourceConfig, SourceError
from sources.reddit import RedditConfig
from sources.search_terms import (
    MAX_SEARCHES,
    google_news_search,
    reddit_search,
    separate_searches,
)


def config(query: str, search: str | None = None) -> SourceConfig[RedditConfig]:
    return SourceConfig("reddit", query, RedditConfig(search=search))


@pytest.mark.parametrize(
    ("query", "google_news", "reddit"),
    [
        ("lumbre", "lumbre", "lumbre"),
        ('"café lumbre" monterrey', '"café lumbre" monterrey', '"café lumbre" AND monterrey'),
        (
            '("coca cola" OR coke) -"coke zero" -cocaine',
            '"coca cola" OR coke',
            '"coca cola" OR coke',
        ),
        ("lumbre cafe OR coffee", "lumbre (cafe OR coffee)", "lumbre AND (cafe OR coffee)"),
        ("(a b) OR c", "(a b) OR c", "(a AND b) OR c"),
        ("#oxxo @lumbre", "oxxo lumbre", "oxxo AND lumbre"),
        ("lumbr* NOT fc", "lumbr", "lumbr"),
        ("Coca-Cola", '"Coca-Cola"', '"Coca-Cola"'),
    ],
)
def test_queries_keep_phrases_and_or_and_drop_exclusions(
    query: str, google_news: str, reddit: str
) -> None:
    assert google_news_search(config(query)) == google_news
    assert reddit_search(config(query)) == reddit


@pytest.mark.parametrize(
    ("query", "searches"),
    [
        ("lumbre", ["lumbre"]),
        ('("coca cola" OR coke) -"coke zero"', ['"coca cola"', "coke"]),
        ("lumbre (cafe OR coffee) -fc", ["lumbre cafe", "lumbre coffee"]),
        ("(a OR b) (c OR d)", ["a c", "a d", "b c", "b d"]),
        ("lumbr* cafe", ["cafe lumbr"]),  # Algolia matches a prefix of the last word only
        ("lumbre OR lumbre", ["lumbre"]),
    ],
)
def test_sources_without_or_get_one_search_per_alternative(query: str, searches: list[str]) -> None:
    assert separate_searches(config(query), source="Hacker News") == searches


def test_too_many_alternatives_ask_for_a_search_of_its_own() -> None:
    query = "(a OR b OR c) (d OR e)"
    with pytest.raises(SourceError) as caught:
        separate_searches(config(query), source="Bluesky")
    assert f"more than {MAX_SEARCHES} separate Bluesky searches" in caught.value.message
    assert "`search`" in caught.value.message


def test_a_source_search_is_sent_as_it_is() -> None:
    own = config("lumbre -fc", search='  "Café Lumbre" site:elnorte.com ')
    assert google_news_search(own) == '"Café Lumbre" site:elnorte.com'
    assert reddit_search(own) == '"Café Lumbre" site:elnorte.com'
    assert separate_searches(own, source="Bluesky") == ['"Café Lumbre" site:elnorte.com']
