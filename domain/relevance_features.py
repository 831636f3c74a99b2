"""What a mention looks like to a brand's relevance model: a set of named features.

Pure and cheap (it runs on every new mention of a brand that has a model). The features
carry the prior knowledge a brand gives us for free, so that few marks suffice:

- ``w:`` each content word of title and text (folded: case and accents do not matter,
  stop words of Spanish and English removed) and ``s:`` a crude stem (its first 5
  letters), so "cervezas" and "cerveza", "vaccines" and "vaccine" share evidence;
- ``b:`` each pair of neighbouring content words ("grupo modelo", "triple crown");
- ``c:`` the words within ``CONTEXT`` words of where the brand's query matched: what is
  said right next to "corona" tells its sense best;
- ``q:`` which of the query's positive terms matched (a brand whose query has
  "cerveza corona" OR corona learns how much each alternative is worth);
- ``d:`` the mention's domain, ``@:`` its author, ``owned`` for the brand's own domains and
  handles (media type ``owned``), and ``lang:`` its language.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

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

    @classmethod
    def of(cls, positive_terms: Sequence[str]) -> "BrandPrior":
        terms = [tuple(t.split()) for t in positive_terms if not t.endswith("*") and t.split()]
        prefixes = [t[:-1] for t in positive_terms if t.endswith("*") and len(t) > 1]
        return cls(tuple(terms), tuple(prefixes), frozenset(w for t in terms for w in t))


def features(
    text: str,
    *,
    prior: BrandPrior,
    domain: str = "",
    author: str | None = None,
    owned: bool = False,
    language: str | None = None,
) -> frozenset[str]:
    """The features of one mention (``text``: its title and text joined by a newline)."""
    tokens = words(text)
    found: set[str] = set()
    brand_words = prior.words
    positions = _matches(tokens, prior, found)
    content: list[str] = []
    for token in tokens:
        if token in STOP_WORDS or len(token) < 2 or token in brand_words:
            content.append("")
            continue
        content.append(token)
        found.add("w:" + token)
        if len(token) > STEM:
            found.add("s:" + token[:STEM])
    kept = [token for token in content if token]
    found.update(f"b:{a}_{b}" for a, b in pairwise(kept))
    for position in positions:
        low, high = max(0, position - CONTEXT), position + CONTEXT + 1
        found.update("c:" + token for token in content[low:high] if token)
    if domain:
        found.add("d:" + domain.removeprefix("www."))
    if author:
        found.add("@:" + author.lower().lstrip("@")[:60])
    if owned:
        found.add("owned")
    if language:
        found.add("lang:" + language)
    return frozenset(found)


def _matches(tokens: list[str], prior: BrandPrior, found: set[str]) -> list[int]:
    """Positions where a query term starts; adds a ``q:`` feature per term found."""
    positions: list[int] = []
    for term in prior.terms:
        first, size = term[0], len(term)
        hits = [
            index
            for index, token in enumerate(tokens)
            if token == first and (size == 1 or tuple(tokens[index : index + size]) == term)
        ]
        if hits:
            found.add("q:" + " ".join(term))
            positions += hits
    for stem in prior.prefixes:
        hits = [index for index, token in enumerate(tokens) if token.startswith(stem)]
        if hits:
            found.add(f"q:{stem}*")
            positions += hits
    return positions
