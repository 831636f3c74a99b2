"""The brand's boolean query in each search source's own syntax.

Only the positive part is sent: exclusions (`-word`, `NOT x`) are dropped, because our
matcher applies them to every item afterwards, and a source's own exclusion rules differ
from ours (accents, word boundaries). Words keep the spelling the user typed, without a
leading `#` or `@` (ours match the bare word, so a search for it finds more); phrases stay
quoted; a prefix `coca*` is sent as `coca`, since none of these sources has prefix search
that means the same thing (Hacker News' Algolia does match a prefix of a query's last word).

- Google News understands web-search syntax: OR between alternatives, binding tighter than
  the implicit AND, exactly like ours; mixed nesting is parenthesised.
- Reddit's search is Lucene-like: the same, with AND spelled out.
- Hacker News (Algolia) and Bluesky have no OR. The query is expanded into the
  alternatives it allows (`(a OR b) c` is `a c` or `b c`), one search each, up to
  MAX_SEARCHES; a query that needs more fails with a message asking for a `search`.

A source's own `search` replaces all this and is sent as it is.
"""

from itertools import product

from domain.query import parse_query, positive_part, render_search
from domain.query_parser import And, Node, Not, Or, Phrase, Prefix, Term
from sources.base import SourceConfig, SourceError
from sources.kind_config import SearchConfig

MAX_SEARCHES = 4

Leaf = Term | Phrase | Prefix
Word = tuple[bool, str]  # (is a prefix, the text to send)


def google_news_search(config: SourceConfig[SearchConfig]) -> str:
    if config.fields.search:
        return config.fields.search.strip()
    return render_search(_positive(config), leaf=_leaf)


def reddit_search(config: SourceConfig[SearchConfig]) -> str:
    if config.fields.search:
        return config.fields.search.strip()
    return render_search(_positive(config), and_separator=" AND ", leaf=_leaf)


def separate_searches(config: SourceConfig[SearchConfig], *, source: str) -> list[str]:
    """One search string per alternative of the brand query, for sources without OR."""
    if config.fields.search:
        return [config.fields.search.strip()]
    alternatives = _alternatives(_positive(config))
    if len(alternatives) > MAX_SEARCHES:
        raise SourceError(
            f"the brand query needs more than {MAX_SEARCHES} separate {source} searches per "
            f"poll, as {source} has no OR; give this source a `search` of its own, e.g. "
            f"{_render_all(alternatives[0])!r}"
        )
    return [_render_all(conjunction) for conjunction in alternatives]


def _positive(config: SourceConfig[SearchConfig]) -> Node:
    positive = positive_part(parse_query(config.brand_query).root)
    assert positive is not None, "parse_query guarantees a word to look for"
    return positive


def _alternatives(node: Node) -> list[tuple[Word, ...]]:
    """The query as an OR of ANDs of words (its disjunctive normal form), duplicates
    removed; the expansion stops growing once it passes MAX_SEARCHES."""
    match node:
        case Term() | Phrase() | Prefix():
            return [((isinstance(node, Prefix), _leaf(node)),)]
        case Or(operands=operands):
            merged = [alt for operand in operands for alt in _alternatives(operand)]
            return _unique(merged)
        case And(operands=operands):
            combined: list[tuple[Word, ...]] = [()]
            for operand in operands:
                options = _alternatives(operand)
                combined = _unique([left + right for left, right in product(combined, options)])
            return combined
        case Not():
            return [()]


def _unique(alternatives: list[tuple[Word, ...]]) -> list[tuple[Word, ...]]:
    keyed = {tuple(sorted(set(words))): words for words in alternatives}
    return list(keyed.values())[: MAX_SEARCHES + 1]


def _render_all(conjunction: tuple[Word, ...]) -> str:
    # A prefix goes last: Algolia matches a prefix of the query's last word only.
    ordered = sorted(conjunction, key=lambda word: word[0])
    return " ".join(dict.fromkeys(text for _, text in ordered))


def _leaf(leaf: Leaf) -> str:
    match leaf:
        case Prefix(display=display):
            return display.removesuffix("*").lstrip("#@")
        case Phrase(display=display):
            return display
        case Term(display=display):
            return display.lstrip("#@")
