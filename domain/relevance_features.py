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
  handles (media type ``owned``), and ``lang:`` its language;
- ``case:`` how the brand's term is written in the raw text, which folding throws away
  (``spelling``): lowercase ("un puma", "the delta variant"), all caps, capitalised at a
  sentence's start, a #hashtag, an @handle, followed by another capitalised word ("Delta
  Dental", "Sol de América"). Generic across brands, so the marks learn their weights
  quickly. Capitalised mid-sentence gives none (a learned weight for it lifted the proper
  names of senses the marks never showed);
- ``x:commerce`` (and ``x:commerce2`` for two or more) for words of trade
  (``domain.commerce_words``): evidence that carries to words the marks never showed.

The ``case:`` and ``x:`` features were measured on 2026-12-03 (benchmarks/README.md:
relevance): on the six held-out hand-written streams the worst of precision and recall
went from 0.64 to 0.66 (10 marks at a time) and from 0.54 to 0.68 (40 at once); the
target (0.90 / 0.90) is still not met.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.commerce_words import COMMERCE_WORDS
from domain.terms import STOP_WORDS
from domain.textnorm import unaccented, words

CONTEXT = 4
STEM = 5
# The kinds of feature that are the mention's own words: its words, their stems and the
# words next to the brand's. What the model needs some evidence from to show a mention
# (``domain.relevance.MIN_WORD_EVIDENCE``).
WORD_KINDS = ("w:", "s:", "c:")


@dataclass(frozen=True, slots=True)
class BrandPrior:
    """What the brand tells us before any mark: its query terms (folded words and phrases
    as ``BrandQuery.positive_terms`` gives them)."""

    terms: tuple[tuple[str, ...], ...]  # each positive term as its folded words
    prefixes: tuple[str, ...] = ()  # prefix terms ("cervez*"), without the star
    words: frozenset[str] = frozenset()  # every word of ``terms``
    ignored: frozenset[str] = frozenset()  # those and the stop words: no evidence of a sense
    written: re.Pattern[str] | None = None  # the terms in lowercased text (``spelling``)

    @classmethod
    def of(cls, positive_terms: Sequence[str]) -> "BrandPrior":
        terms = [tuple(t.split()) for t in positive_terms if not t.endswith("*") and t.split()]
        prefixes = [t[:-1] for t in positive_terms if t.endswith("*") and len(t) > 1]
        brand_words = frozenset(word for term in terms for word in term)
        written = [r"[\W_]+".join(map(re.escape, term)) for term in terms]
        written += [re.escape(prefix) + r"[^\W_]*" for prefix in prefixes]
        # Searched in lowercased text, case-sensitive and without a look-behind: several
        # times faster (re skips ahead to the terms' first letters); ``spelling`` checks
        # what comes before.
        pattern = re.compile("(?:" + "|".join(written) + r")(?![^\W_])") if written else None
        return cls(tuple(terms), tuple(prefixes), brand_words, brand_words | STOP_WORDS, pattern)


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
    found.update(spelling(text, prior))
    found.update(commerce(distinct))
    return frozenset(found)


_SENTENCE_END = frozenset(".!?…:\n|")
# After the brand's term, on the same line: a capitalised word, perhaps after "de" or "of"
# ("Delta Dental", "Sol de América", "Pumas UNAM", but also "Puma Suede"): a longer name.
_NAME_AFTER = re.compile(r"[ \t]+(?:(?:de|del|of|the)[ \t]+)?([^\W\d_])")


def spelling(text: str, prior: BrandPrior) -> set[str]:
    """How the brand's term is written where it occurs in the raw ``text`` (``words`` folds
    case away): ``case:lower`` ("un puma en el cerro", "the delta variant"), ``case:upper``
    ("PUMA"), ``case:start`` capitalised at the start of a sentence or line, ``case:tag``
    a #hashtag, ``case:handle`` in an @handle; and ``case:name_follows`` when a capitalised
    word follows (``_NAME_AFTER``). Capitalised mid-sentence ("unas Puma") gives
    none: the senses a brand's marks never showed are mostly other proper names (El Puma,
    Puma Energy, Super Puma), which a learned ``case:cap`` lifted over the threshold
    (benchmarks/README.md: relevance, 2026-12-03)."""
    if prior.written is None:
        return set()
    plain, lowered = text, text.lower()
    found_at = list(prior.written.finditer(lowered)) if len(lowered) == len(text) else []
    if not found_at and not text.isascii():  # "PUMÁ", or a letter that lowercases to two
        plain = unaccented(text)
        lowered = plain.lower()
        found_at = list(prior.written.finditer(lowered))
    found: set[str] = set()
    for match in found_at:
        start, end = match.span()
        before = plain[start - 1 : start]
        if before.isalnum():
            continue  # inside a longer word
        written = plain[start:end]
        if before == "#":
            found.add("case:tag")
        elif before == "@":
            found.add("case:handle")
        elif written.islower():
            found.add("case:lower")
        elif written.isupper() and len(written) > 1:
            found.add("case:upper")
        elif _starts_sentence(plain, start):
            found.add("case:start")
        after = _NAME_AFTER.match(plain, end)
        if after and after.group(1).isupper():
            found.add("case:name_follows")
    return found


def _starts_sentence(text: str, position: int) -> bool:
    """Nothing but spaces, quotes, emoji and the like between the text's start or the end
    of a sentence (or line) and ``position``."""
    if text[position - 2 : position - 1].isalnum() and text[position - 1] == " ":
        return False  # the common case: a word and a space before
    for char in reversed(text[max(0, position - 12) : position]):
        if char in _SENTENCE_END:
            return True
        if char.isalnum() or char in ",;":
            return False
    return True


def commerce(distinct: set[str]) -> list[str]:
    """``x:commerce`` when the mention has a word of trade (``COMMERCE_WORDS``), and
    ``x:commerce2`` as well when it has two or more different ones."""
    if COMMERCE_WORDS.isdisjoint(distinct):
        return []
    count = len(distinct & COMMERCE_WORDS)
    return ["x:commerce", "x:commerce2"][: min(count, 2)]


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
        text: str,
        prior: BrandPrior,
        domain: str = "",
        author: str | None = None,
        owned: bool = False,
        language: str | None = None,
    ) -> tuple[float, float, int]:
        """(sum of the weights of the mention's features, the part of it from its own words
        (``WORD_KINDS``), how many features it has), from the mention's words
        (``domain.textnorm.words`` of its title and text: ingest has them from matching the
        brand's query) and that ``text`` itself (how the brand's term is written:
        ``spelling``). No feature string is built but the few of ``others``:
        sets of words, stems and context are looked up in their own tables."""
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
        others.update(spelling(text, prior))
        others.update(commerce(distinct))
        own_words = _weights_of(self.words, distinct) + _weights_of(self.stems, stems)
        own_words += _weights_of(self.near, near)
        total = own_words + _weights_of(self.other, others)
        count = len(distinct) + len(stems) + len(near) + len(others)
        return total, own_words, count


def _weights_of(table: dict[Any, float], present: set[Any]) -> float:
    """The sum of the weights of the keys present. (Not ``present & table.keys()``: a keys
    view intersected copies every key of the table first.)"""
    return sum([table[key] for key in present if key in table])
