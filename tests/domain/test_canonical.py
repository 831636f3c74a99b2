import random

import pytest

from domain.canonical import (
    canonical_url,
    canonical_url_with_domain,
    domain_of,
    is_google_news_article,
    normalize_words,
    split_publisher_suffix,
    story_key,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://investorplace.com/2019/07/"
            "slack-stock-truly-compelling/&ct=ga&cd=CAIyHGU4&usg=AFQjCNEZ",
            "https://investorplace.com/2019/07/slack-stock-truly-compelling/",
        ),
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://www.elnorte.example/n%3Fid%3D77"
            "%26utm_source%3Dgoogle&ct=ga",
            "https://www.elnorte.example/n?id=77",
        ),
        (
            "http://news.google.com/news/url?sa=t&fd=R&usg=AFQjCNE6&url=http://www.telegraph.co.uk"
            "/news/9125462/Russia.html",
            "http://www.telegraph.co.uk/news/9125462/Russia.html",
        ),
        ("https://www.google.com.mx/url?q=https://example.org/a&sa=U", "https://example.org/a"),
    ],
)
def test_google_redirects_are_unwrapped(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_tracking_parameters_and_fragments_are_dropped_other_parameters_keep_order() -> None:
    url = (
        "https://Example.ORG/a/b?z=1&utm_source=rss&UTM_Medium=x&fbclid=abc&gclid=1"
        "&mc_cid=2&mc_eid=3&a=%20b&utm_campaign=c#section"
    )
    assert canonical_url(url) == "https://example.org/a/b?z=1&a=%20b"


def test_scheme_and_host_are_lower_cased_and_default_ports_dropped() -> None:
    assert canonical_url("HTTPS://WWW.Example.com:443/Path") == "https://www.example.com/Path"
    assert canonical_url("http://example.com:80") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x?") == "http://example.com:8080/x"
    assert canonical_url("  https://[2001:DB8::1]:443/x ") == "https://[2001:db8::1]/x"


def test_a_non_http_url_or_garbage_comes_back_unchanged() -> None:
    assert canonical_url("mailto:someone@example.org") == "mailto:someone@example.org"
    assert canonical_url("not a url") == "not a url"
    assert canonical_url("http://[::1") == "http://[::1"


def test_a_google_redirect_without_a_target_is_kept() -> None:
    url = "https://www.google.com/url?sa=t&ct=ga"
    assert canonical_url(url) == url


def test_domain_of() -> None:
    assert domain_of("https://WWW.Example.co.uk/a") == "example.co.uk"
    assert domain_of("http://news.example.org:8080/") == "news.example.org"
    assert domain_of("nothing") == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.google.com/rss/articles/CBMiwwFBVV95cUxQ?oc=5", True),
        ("https://news.google.com/__i/rss/rd/articles/CBMihAFodHRw?oc=5", True),
        ("https://news.google.com/search?q=x", False),
        ("https://example.org/rss/articles/1", False),
    ],
)
def test_is_google_news_article(url: str, expected: bool) -> None:
    assert is_google_news_article(url) is expected


def test_split_publisher_suffix() -> None:
    title = "Trump again shrinks two national monuments in Utah - The Washington Post"
    assert split_publisher_suffix(title, "The Washington Post") == (
        "Trump again shrinks two national monuments in Utah",
        "The Washington Post",
    )
    assert split_publisher_suffix("A - B - NPR", "npr") == ("A - B", "npr")
    assert split_publisher_suffix("Tech - the new frontier", None) == (
        "Tech - the new frontier",
        None,
    )
    assert split_publisher_suffix("Tech - the new frontier", "NPR") == (
        "Tech - the new frontier",
        "NPR",
    )


def test_story_key_ignores_case_accents_punctuation_and_the_publisher_suffix() -> None:
    from_google_news = story_key("¡Café  Lumbre abre en Monterrey! - El Norte", "El Norte")
    elsewhere = story_key("cafe lumbre abre en monterrey", "EL NORTE")
    assert from_google_news == elsewhere == "cafe lumbre abre en monterrey|el norte"
    assert story_key("Same title", None) != story_key("Same title", "Other")


def test_normalize_words() -> None:
    assert normalize_words("  Ñandú, São-Paulo_2026!! ") == "nandu sao paulo 2026"


def random_url(rng: random.Random) -> tuple[str, str]:
    """A random http(s) URL, and the same URL with its scheme and host in capitals."""
    scheme = rng.choice(["http", "https"])
    host = rng.choice(["example.org", "www.news.example", "a-b.example.co.uk", "x.example."])
    pieces = ["/", "?", "#", "&", "=", "utm_source=x", "fbclid=1", "id=7", "a", "%20", "@", ":"]
    tail = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
    tail = rng.choice("/?#") + tail if tail else tail  # the host ends where the tail starts
    return f"{scheme}://{host}{tail}", f"{scheme.upper()}://{host.upper()}{tail}"


@pytest.mark.parametrize("seed", range(3))
def test_plain_urls_take_a_shortcut_to_the_same_canonical_form(seed: int) -> None:
    """Lower-case URLs with plain hosts skip urlsplit; capitals take the long way."""
    rng = random.Random(seed)
    for _ in range(3000):
        url, shouted = random_url(rng)
        assert canonical_url(url) == canonical_url(shouted), url
        assert domain_of(url) == domain_of(shouted), url
        for spelling in (url, shouted, f" {url}", "not a url", url.replace("//", "/", 1)):
            canonical = canonical_url(spelling)
            domain = domain_of(canonical) if canonical.startswith("http") else ""
            assert canonical_url_with_domain(spelling) == (canonical, domain), spelling


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://news.test/a>|<https://phish.test/login|Reset your password>",
            "https://news.test/a%3E%7C%3Chttps://phish.test/login%7CReset%20your%20password%3E",
        ),
        ('https://News.Test/q?x="a b"&utm_source=z', "https://news.test/q?x=%22a%20b%22"),
        ("http://example.org:8080/<p>", "http://example.org:8080/%3Cp%3E"),
    ],
)
def test_characters_that_close_a_chat_link_are_percent_encoded(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # the encoded and raw spellings meet


def test_a_string_that_is_not_a_url_keeps_its_characters() -> None:
    assert canonical_url("not <a> url|") == "not <a> url|"
