"""Brand queries: parse once, then match many texts cheaply.

    query = parse_query('("coca cola" OR coke) -"coke zero" -cocaine')
    query.matches("Coca-Cola sales are up")  # True

Words are ANDed, OR binds tighter than AND, `"..."` is an exact phrase, `-x` / `NOT x`
excludes, parentheses group, `word*` is a prefix. Matching is case- and
accent-insensitive and on whole words; see `domain.textnorm` for how words are made.
The syntax lives in `domain.query_parser`; this module gives it meaning.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial

from domain.query_parser import (
    And,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Term,
    parse,
)
from domain.textnorm import words

__all__ = ["BrandQuery", "PreparedText", "QuerySyntaxError", "parse_query", "prepare_text"]


@dataclass(frozen=True)
class PreparedText:
    """A text folded and split into words once, to be checked against many queries."""

    tokens: tuple[str, ...]

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.tokens)

    @cached_property
    def sorted_vocabulary(self) -> tuple[str, ...]:
        """For prefix terms (``lumbre*``), sorted only when a query has one."""
        return tuple(sorted(self.vocabulary))

    def has(self, word: str) -> bool:
        """Whether ``word`` is one of the tokens. A short text (most mentions) is scanned,
        which costs less than building its vocabulary (a set) to look up a few words."""
        if len(self.tokens) <= _SCANNED_TOKENS:
            return word in self.tokens
        return word in self.vocabulary


_SCANNED_TOKENS = 48


def prepare_text(text: str) -> PreparedText:
    """Prepare `text` (for an item: its title and body joined by a newline) for matching."""
    return PreparedText(tuple(words(text)))


_Matcher = Callable[[PreparedText], bool]


@dataclass(frozen=True)
class BrandQuery:
    """A compiled query. Build it with `parse_query`."""

    source: str
    root: Node = field(repr=False)
    _matcher: _Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", _compile(self.root))

    def matches(self, text: str) -> bool:
        return self._matcher(prepare_text(text))

    def matches_prepared(self, prepared: PreparedText) -> bool:
        return self._matcher(prepared)

    def positive_terms(self) -> list[str]:
        """Folded words, phrases ("coca cola") and prefixes ("coc*") that are looked for."""
        return _unique(_term_text(leaf) for leaf, excluded in _leaves(self.root) if not excluded)

    def excluded_terms(self) -> list[str]:
        """Folded words, phrases and prefixes whose presence rules a text out."""
        return _unique(_term_text(leaf) for leaf, excluded in _leaves(self.root) if excluded)

    def to_search_string(self) -> str:
        """The positive part in web-search syntax, spelled as the user typed it.

        Exclusions are dropped (our matcher applies them afterwards). Mixed AND/OR
        nesting is always parenthesised, so engines where AND binds tighter than OR
        read it the same way.
        """
        positive = positive_part(self.root)
        assert positive is not None, "parse_query guarantees a positive term"
        return render_search(positive)


def parse_query(query: str) -> BrandQuery:
    """Compile `query`; raise QuerySyntaxError (a ValueError) naming the position if invalid."""
    return BrandQuery(query, parse(query))


def _compile(node: Node) -> _Matcher:
    match node:
        case Term(word=word):
            return partial(_has_word, word)
        case Phrase(words=phrase):
            return partial(_has_phrase, phrase)
        case Prefix(stem=stem):
            return partial(_has_prefix, stem)
        case Not(operand=operand):
            return partial(_is_false, _compile(operand))
        case And(operands=operands):
            return partial(_all, tuple(_compile(operand) for operand in operands))
        case Or(operands=operands):
            return partial(_any, tuple(_compile(operand) for operand in operands))


def _has_word(word: str, prepared: PreparedText) -> bool:
    return prepared.has(word)


def _has_phrase(phrase: tuple[str, ...], prepared: PreparedText) -> bool:
    if not all(map(prepared.has, phrase)):
        return False
    tokens, first, length = prepared.tokens, phrase[0], len(phrase)
    start = tokens.index(first)
    while True:
        if tokens[start : start + length] == phrase:
            return True
        try:
            start = tokens.index(first, start + 1)
        except ValueError:
            return False


def _has_prefix(stem: str, prepared: PreparedText) -> bool:
    candidates = prepared.sorted_vocabulary
    index = bisect_left(candidates, stem)
    return index < len(candidates) and candidates[index].startswith(stem)


def _is_false(matcher: _Matcher, prepared: PreparedText) -> bool:
    return not matcher(prepared)


# Plain loops rather than all()/any() over a generator: matching is the hot path, and
# a generator costs about as much as the set lookups it wraps.
def _all(matchers: tuple[_Matcher, ...], prepared: PreparedText) -> bool:
    for matcher in matchers:  # noqa: SIM110
        if not matcher(prepared):
            return False
    return True


def _any(matchers: tuple[_Matcher, ...], prepared: PreparedText) -> bool:
    for matcher in matchers:  # noqa: SIM110
        if matcher(prepared):
            return True
    return False


def _leaves(node: Node, excluded: bool = False) -> Iterator[tuple[Term | Phrase | Prefix, bool]]:
    match node:
        case Term() | Phrase() | Prefix():
            yield node, excluded
        case Not(operand=operand):
            yield from _leaves(operand, excluded=True)
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                yield from _leaves(operand, excluded)


def _term_text(leaf: Term | Phrase | Prefix) -> str:
    match leaf:
        case Term(word=word):
            return word
        case Phrase(words=phrase):
            return " ".join(phrase)
        case Prefix(stem=stem):
            return stem + "*"


def _unique(items: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(items))


def positive_part(node: Node) -> Node | None:
    """The query without its exclusions (`-word`, `NOT x`): what a search engine is asked
    for, as our matcher applies the exclusions afterwards. None if nothing is left."""
    match node:
        case Not():
            return None
        case And(operands=operands, position=position) | Or(operands=operands, position=position):
            # Parsing guarantees every OR alternative keeps a positive term.
            kept = [part for part in map(positive_part, operands) if part is not None]
            if len(kept) > 1:
                return type(node)(tuple(kept), position)
            return kept[0] if kept else None
        case _:
            return node


def _display(leaf: Term | Phrase | Prefix) -> str:
    return leaf.display


def render_search(
    node: Node,
    *,
    and_separator: str = " ",
    leaf: Callable[[Term | Phrase | Prefix], str] = _display,
) -> str:
    """A positive query in web-search syntax: OR between alternatives, `and_separator`
    between the parts of an AND (" AND " for Lucene-like engines), mixed nesting always
    parenthesised, each word, phrase or prefix spelled by `leaf` (as typed by default)."""

    def render(part: Node) -> str:
        match part:
            case And(operands=operands):
                return and_separator.join(inside(operand, Or) for operand in operands)
            case Or(operands=operands):
                return " OR ".join(inside(operand, And) for operand in operands)
            case Term() | Phrase() | Prefix():
                return leaf(part)
            case Not():
                raise AssertionError("exclusions are dropped before rendering")

    def inside(part: Node, needs_parentheses: type[And] | type[Or]) -> str:
        rendered = render(part)
        return f"({rendered})" if isinstance(part, needs_parentheses) else rendered

    return render(node)
