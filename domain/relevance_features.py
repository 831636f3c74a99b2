"""What a mention looks like to a brand's relevance model: a set of named features.

Pure and cheap (it runs on every new mention of a brand that has a model). The features
carry the prior knowledge a brand gives us for free, so that few marks suffice:

- ``w:`` each word of title and text (folded: case and accents do not matter, stop
  words of Spanish and English removed) and ``s:`` a crude stem (its first 5
  letters), so "cervezas" and "cerveza", "vaccines" and "vaccine" share evidence;
- ``c:`` the words within ``CONTEXT`` words of where the brand's query matched: what is
  said right next to "corona" tells its sense best;
- ``q:`` which of the query's positive terms matched (a brand whose query has
  "cerveza corona" OR corona learns how much each alternative is worth);
- ``d:`` the mention's domain, ``@:`` its author, ``owned`` for the brand's own domains and
  handles (media type ``owned``), and ``lang:`` its language.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.terms import STOP_WORDS
from domain.textnorm import words

CONTEXT = 4
STEM = 5


@dataclass(frozen=True, slots=True)
class BrandPrior:
    """What the brand tells us before any mark: its query terms (folded words and phrases
    as ``BrandQuery.positive_terms`` gives them)."""

    terms: tuple[tuple[str, ...], ...]  # each positive term as its folded words
    prefixes: tuple[str, ...] = ()  # prefix terms ("cervez*"), without the star
    words: frozenset[str] = frozenset()  # every word of ``terms``
    ignored: frozenset[str] = frozenset()  # those and the stop words: no evidence of a sense

    @classmethod
    def of(cls, positive_terms: Sequence[str]) -> "BrandPrior":
        terms = [tuple(t.split()) for t in positive_terms if not t.endswith("*") and t.split()]
        prefixes = [t[:-1] for t in positive_terms if t.endswith("*") and len(t) > 1]
        brand_words = frozenset(word for term in terms for word in term)
        return cls(tuple(terms), tuple(prefixes), brand_words, brand_words | STOP_WORDS)


def features(
    text: str,
    *,
    prior: BrandPrior,
    domain: str = "",
    author: str | None = None,
    owned: bool = False,
    language: str | None = None,
) -> frozenset[str]:
    """The features of one mention (``text``: its title and text joined by a newline).
    Training and the review queue build these; ingest sums their weights without building
    them (``WeightTables.weighted_sum``)."""
    tokens = words(text)
    distinct = set(tokens) - prior.ignored
    found = {"w:" + token for token in distinct}
    found.update(["s:" + token[:STEM] for token in distinct if len(token) > STEM])
    positions, matched = matches(tokens, prior)
    found.update(matched)
    found.update(["c:" + token for token in context(tokens, positions, prior.ignored)])
    if domain:
        found.add("d:" + domain.removeprefix("www."))
    if author:
        found.add("@:" + author.lower().lstrip("@")[:60])
    if owned:
        found.add("owned")
    if language:
        found.add("lang:" + language)
    return frozenset(found)


def context(tokens: Sequence[str], positions: list[int], ignored: frozenset[str]) -> set[str]:
    """The words (not ``ignored``) within ``CONTEXT`` of the positions where the query
    matched."""
    near: set[str] = set()
    for position in positions:
        low = position - CONTEXT if position > CONTEXT else 0
        near.update(tokens[low : position + CONTEXT + 1])
    return near - ignored


def matches(tokens: Sequence[str], prior: BrandPrior) -> tuple[list[int], list[str]]:
    """Positions where a query term starts, and a ``q:`` feature per term found."""
    positions: list[int] = []
    found: list[str] = []
    for term in prior.terms:
        first, size = term[0], len(term)
        if first not in tokens:
            continue
        hits = [
            index
            for index, token in enumerate(tokens)
            if token == first and (size == 1 or tuple(tokens[index : index + size]) == term)
        ]
        if hits:
            found.append("q:" + " ".join(term))
            positions += hits
    for stem in prior.prefixes:
        hits = [index for index, token in enumerate(tokens) if token.startswith(stem)]
        if hits:
            found.append(f"q:{stem}*")
            positions += hits
    return positions, found


class WeightTables:
    """A linear model's weights split by kind of feature and keyed by the raw word or
    value, so that a mention's weighted sum is found without building its feature strings
    (``weighted_sum``: what ingest runs on every new mention, a third of ``features``'s
    cost). ``weighted_sum`` equals summing the weights of ``features`` (tested)."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.words: dict[str, float] = {}
        self.stems: dict[str, float] = {}
        self.near: dict[str, float] = {}
        self.other: dict[str, float] = {}
        for feature, weight in weights.items():
            kind, value = feature[:2], feature[2:]
            if kind == "w:":
                self.words[value] = weight
            elif kind == "s:":
                self.stems[value] = weight
            elif kind == "c:":
                self.near[value] = weight
            else:
                self.other[feature] = weight

    def weighted_sum(
        self,
        tokens: Sequence[str],
        *,
        prior: BrandPrior,
        domain: str = "",
        author: str | None = None,
        owned: bool = False,
        language: str | None = None,
    ) -> tuple[float, int]:
        """(sum of the weights of the mention's features, how many features it has), from
        the mention's words (``domain.textnorm.words`` of its title and text: ingest has
        them from matching the brand's query). No feature string is built but the few of
        ``others``: sets of words, stems and context are looked up in their own tables."""
        distinct = set(tokens) - prior.ignored
        stems = {token[:STEM] for token in distinct if len(token) > STEM}
        positions, matched = matches(tokens, prior)
        near = context(tokens, positions, prior.ignored) if positions else set()
        others = set(matched)
        if domain:
            others.add("d:" + domain.removeprefix("www."))
        if author:
            others.add("@:" + author.lower().lstrip("@")[:60])
        if owned:
            others.add("owned")
        if language:
            others.add("lang:" + language)
        total = _weights_of(self.words, distinct) + _weights_of(self.stems, stems)
        total += _weights_of(self.near, near)
        total += _weights_of(self.other, others)
        count = len(distinct) + len(stems) + len(near) + len(others)
        return total, count


def _weights_of(table: dict[Any, float], present: set[Any]) -> float:
    """The sum of the weights of the keys present. (Not ``present & table.keys()``: a keys
    view intersected copies every key of the table first.)"""
    return sum([table[key] for key in present if key in table])
