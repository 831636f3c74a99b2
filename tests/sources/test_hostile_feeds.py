"""Feeds built to hurt the parser: nothing may take more than seconds, whatever the bytes.

Each case runs in a forked child under a time limit (tests.support.bounded): the regexes
this guards against hold the GIL for minutes, which no in-process timeout interrupts.
"""

import random
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from domain.sentiment import split_sentences
from domain.text import clean_title, html_to_text, normalize_text
from sources.base import SourceError
from sources.feed_decode import decode_feed, prolog_end
from sources.feeds import NotAFeedError, parse_feed
from sources.rss import author_name, read_feed_items
from tests.support.bounded import within

MB = 1024 * 1024
EMPTY_RSS = b'<rss version="2.0"><channel></channel></rss>'
# Seconds. Generous: 8 test runs share 2 cores here (load average 19 while measuring).
# Quiet, the slowest shape takes a few seconds; the regexes this replaced took minutes on
# 24 comments, hours on 10 MB.
LIMIT = 60.0


def parse_and_read(content: bytes) -> tuple[str, int, int]:
    """What a poll does with a feed's bytes: ("ok", items, skipped) or ("refused", ...)."""
    try:
        feed = parse_feed(content, content_type="application/rss+xml")
    except SourceError as exc:
        return ("refused", len(exc.message), 0)
    items, skipped = read_feed_items(feed, base_url="https://example.org/", now=_now())
    return ("ok", len(items), skipped)


def _now() -> datetime:
    return datetime.now(UTC)


def rss(item: bytes, *, head: bytes = b"") -> bytes:
    return (
        head + b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>First</title><link>https://example.org/1</link></item>"
        + item
        + b"<item><title>Last</title><link>https://example.org/3</link></item>"
        b"</channel></rss>"
    )


def test_empty_comments_before_the_feed_cost_nothing() -> None:
    # The case: minutes in parse_feed with `(?:<!--.*?-->\s*)*`.
    content = b"<!---->" * 24 + EMPTY_RSS
    assert within(10, parse_and_read, content) == ("ok", 0, 0)


def test_empty_comments_before_a_declaration_and_a_legacy_encoding() -> None:
    # The other pattern, in feed_decode: the text path (a Latin-1 declaration).
    content = (
        b"<!---->" * 24
        + b'<?xml version="1.0" encoding="iso-8859-1"?>'
        + rss(b"<item><title>Caf\xe9</title><link>https://example.org/2</link></item>")
    )
    assert within(10, parse_and_read, content) == ("ok", 3, 0)
    assert "Café" in [entry.title for entry in parse_feed(content, content_type=None).entries]


def test_an_html_page_after_many_comments_is_still_refused_as_html() -> None:
    content = b"<!-- a --> \n<!---->" * 100 + b"<!DOCTYPE html><html><body>hi</body></html>"
    with pytest.raises(NotAFeedError, match="HTML page"):
        parse_feed(content, content_type="text/html")


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("  <!-- a -->\n<!----><rss>", 20),
        ("<!-- never closed <rss>", 0),
        ("<rss>", 0),
        ("<!---->" * 3 + "  <?xml?>", 23),
    ],
)
def test_prolog_end_skips_whitespace_and_whole_comments(text: str, end: int) -> None:
    assert prolog_end(text) == end


def test_decode_feed_still_drops_the_declaration_after_comments() -> None:
    text = decode_feed(b'<!-- c --><?xml version="1.0" encoding="utf-8"?><rss/>')
    assert text == "<!-- c --><rss/>"


def _random_bytes(size: int) -> bytes:
    return random.Random(14).randbytes(size)


TEN_MB_FEEDS: dict[str, Callable[[], bytes]] = {
    "empty comments": lambda: b"<!---->" * (10 * MB // 7) + EMPTY_RSS,
    "an unterminated comment": lambda: b"<!--" + b"-" * (10 * MB),
    "comment openers": lambda: b"<!--" * (10 * MB // 4),
    "random bytes": lambda: _random_bytes(10 * MB),
    "random bytes after an rss start": lambda: b'<rss version="2.0">' + _random_bytes(10 * MB),
    "a declaration that never ends": lambda: b"<?xml " + b"a" * (10 * MB),
    "deep nesting": lambda: rss(b"<a>" * (10 * MB // 3)),
    "many entries": lambda: rss(
        b"<item><title>x</title><link>https://e.org/</link></item>" * 190_000
    ),
    "ampersands": lambda: rss(b"<item><title>" + b"&a" * (5 * MB) + b"</title></item>"),
    "surrogate references": lambda: rss(
        b"<item><title>" + b"&#55357;" * (MB + MB // 4) + b"</title></item>"
    ),
    "escaped nested html": lambda: rss(
        b"<item><title>t</title><description>"
        + b"&lt;div&gt;" * (10 * MB // 11)
        + b"</description></item>"
    ),
    "a long date": lambda: rss(
        b"<item><title>d</title><pubDate>" + b"1" * (10 * MB) + b"</pubDate></item>"
    ),
    "an author made to backtrack": lambda: rss(
        b"<item><title>a</title><author>" + b"@" * (5 * MB) + b"(" * (5 * MB) + b"</author></item>"
    ),
    "an author in angle brackets": lambda: rss(
        b"<item><title>a</title><author>a" + b" &lt;" * (2 * MB) + b"</author></item>"
    ),
    "dots": lambda: rss(
        b"<item><title>d</title><description>" + b"." * (10 * MB) + b"</description></item>"
    ),
}


@pytest.mark.parametrize("shape", sorted(TEN_MB_FEEDS))
def test_a_ten_megabyte_feed_of_any_shape_is_read_or_refused_in_seconds(shape: str) -> None:
    content = TEN_MB_FEEDS[shape]()
    assert len(content) >= 10 * MB
    status, _, _ = within(LIMIT, parse_and_read, content)
    assert status in ("ok", "refused")


def _text_functions(text: str) -> int:
    """The domain functions that see every item's text, one after the other."""
    return sum(
        len(part)
        for part in (
            html_to_text(text),
            normalize_text(text),
            clean_title(text),
            author_name(text) or "",
            " ".join(split_sentences(text)),
        )
    )


HOSTILE_TEXTS = {
    "dots": "." * MB,
    "end marks then no space": "!?" * (MB // 2) + "x",
    "abbreviations": "e.g. X " * (MB // 7),
    "a long word before a full stop": "a" * MB + " x. Y",
    "at signs and parentheses": "@" * (MB // 2) + "(" * (MB // 2),
    "angle brackets": "a" + " <" * (MB // 2),
    "tags that never close": "<a" * (MB // 2),
    "entities that never end": "&a" * (MB // 2),
    "mojibake leads": "Ã" * MB,
    "nested blocks": "<div>" * (MB // 5),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_TEXTS))
def test_item_text_of_any_shape_is_cleaned_in_seconds(shape: str) -> None:
    within(LIMIT, _text_functions, HOSTILE_TEXTS[shape])
