"""Canonical URLs and story keys: the identities a brand's mentions are deduplicated by.

Pure functions, no I/O. `canonical_url` unwraps Google redirect links, drops tracking
parameters and fragments, lower-cases scheme and host, drops default ports and gives an
empty path as `/`; other query parameters keep their order and their original spelling.
The characters a URL may not hold as such and that chat and mail markup give a meaning to
(`<`, `>`, `|`, `"`, space) are percent-encoded, so `a>|<b` and `a%3E%7C%3Cb`, the same
address to any server, are one mention and neither can close a `<url|label>` link.
Where the real URL cannot be recovered (Google News article links), `story_key` gives the
identity: normalized title plus publisher.
"""

import re
import unicodedata
from urllib.parse import parse_qsl, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?$")
_GOOGLE_NEWS_ARTICLE_PATHS = ("/rss/articles/", "/__i/rss/rd/articles/", "/articles/")
_MAX_UNWRAP = 3
_NON_WORD = re.compile(r"[\W_]+")
_PLAIN_HOST = re.compile(r"[a-z0-9.-]+")
_REMOVED_BY_URLSPLIT = re.compile(r"[\t\r\n]")
_UNSAFE_IN_URL = str.maketrans({"<": "%3C", ">": "%3E", "|": "%7C", '"': "%22", " ": "%20"})
_UNSAFE_CHARACTER = re.compile(f"[{re.escape(''.join(map(chr, _UNSAFE_IN_URL)))}]")


def canonical_url(url: str) -> str:
    """The canonical form of `url`; a string that is not an absolute http(s) URL comes back
    stripped but otherwise unchanged."""
    return _canonical(url)[0]


def canonical_url_with_domain(url: str) -> tuple[str, str]:
    """`canonical_url(url)` and the `domain_of` it, found together: most URLs are split
    once for both."""
    canonical, plain_host = _canonical(url)
    if plain_host is not None:
        return canonical, _bare_host(plain_host)
    return canonical, domain_of(canonical) if canonical.startswith("http") else ""


def _canonical(url: str) -> tuple[str, str | None]:
    """The canonical URL, and its host when `_simple_parts` could split it."""
    url = url.strip()
    for _ in range(_MAX_UNWRAP):
        target = _redirect_target(url)
        if target is None:
            break
        url = target
    simple = _simple_parts(url)
    if simple is not None:
        scheme, host, path, query = simple
        kept = _clean_query(query)
        base = f"{scheme}://{host}{path or '/'}"
        return _encode_unsafe(f"{base}?{kept}" if kept else base), host
    return _canonical_general(url), None


def _encode_unsafe(url: str) -> str:
    # str.translate with a mapping costs a dictionary look per character: look first.
    return url.translate(_UNSAFE_IN_URL) if _UNSAFE_CHARACTER.search(url) else url


def _canonical_general(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    kept = _clean_query(parts.query)
    return _encode_unsafe(urlunsplit((scheme, netloc, parts.path or "/", kept, "")))


def domain_of(url: str) -> str:
    """The host of `url` in lower case without a leading `www.`; "" when there is none."""
    url = url.strip()
    simple = _simple_parts(url)
    if simple is not None:
        host = simple[1]
    else:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return ""
    return _bare_host(host.lower())


def _bare_host(host: str) -> str:
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _simple_parts(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, host, path, query) of a lower-case http(s) URL whose host is plain
    (letters, digits, dots, dashes: no port, user or brackets), split as urlsplit splits it;
    None for any other URL. Most links are such, and urlsplit costs 2 us in Python."""
    if url.startswith("https://"):
        scheme, rest = "https", url[8:]
    elif url.startswith("http://"):
        scheme, rest = "http", url[7:]
    else:
        return None
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark, 0, end)
        if found >= 0:
            end = found
    host = rest[:end]
    if not _PLAIN_HOST.fullmatch(host) or _REMOVED_BY_URLSPLIT.search(url):
        return None
    path, _, query = rest[end:].partition("#")[0].partition("?")
    return scheme, host, path, query


def is_google_news_article(url: str) -> bool:
    """True for news.google.com article links, whose publisher URL cannot be recovered."""
    if "news.google.com" not in url.lower():
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (parts.hostname or "").lower() == "news.google.com" and parts.path.startswith(
        _GOOGLE_NEWS_ARTICLE_PATHS
    )


def split_publisher_suffix(title: str, publisher: str | None) -> tuple[str, str | None]:
    """Split Google News' ` - Publisher` off a title when it names `publisher`.

    Returns the title without the suffix and the publisher. Without a known publisher the
    title is returned whole: a dash in a headline is too common to guess from.
    """
    title = title.strip()
    if not publisher or not publisher.strip():
        return title, None
    publisher = publisher.strip()
    head, sep, tail = title.rpartition(" - ")
    if sep and head.strip() and tail.strip().casefold() == publisher.casefold():
        return head.strip(), publisher
    return title, publisher


def story_key(title: str, publisher: str | None) -> str:
    """Identity of a story without a usable URL: normalized title, `|`, normalized publisher.

    Case, accents, punctuation and spacing do not matter, and a trailing ` - Publisher`
    is ignored, so the same story from Google News and from another source meets.
    """
    title, publisher = split_publisher_suffix(title, publisher)
    return f"{normalize_words(title)}|{normalize_words(publisher or '')}"


def normalize_words(text: str) -> str:
    """Casefolded, accents stripped, punctuation turned to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare).strip()


def _redirect_target(url: str) -> str | None:
    """The `url=` (or `q=`) target of a Google redirect link, if it is one."""
    if "google." not in url.lower():  # both kinds of redirect: most links need no parsing
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    is_google_redirect = _GOOGLE_HOST.match(host) is not None and parts.path == "/url"
    is_news_redirect = host == "news.google.com" and parts.path == "/news/url"
    if not (is_google_redirect or is_news_redirect):
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in ("url", "q"):
        target = params.get(name, "").strip()
        if target.lower().startswith(("http://", "https://")):
            return target
    return None


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return "&".join(kept)


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS
