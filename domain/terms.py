"""Top terms: the words and two-word phrases that co-occur with a brand.

Texts are split into folded words by `domain.textnorm.words` (case- and accent-insensitive,
the same words the brand queries match), so "Envío" and "envio" are one term. A word counts
when it has 3 or more characters, is not a number, not a Spanish or English stop word, not
web debris (http, www, com...), and not one of the brand's own query terms (its words, the
words of its phrases, and words starting with one of its prefixes). A phrase is two such
words next to each other in the text. Each term counts once per text (so `count` is the
number of mentions that use it), only terms found in 2 or more texts are kept, and the list
is ordered by count, then alphabetically.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.textnorm import words

ENGLISH = """
a about above after again against all am an and any are aren as at be because been before
being below between both but by can cannot could couldn did didn do does doesn doing don down
during each few for from further had hadn has hasn have haven having he her here hers herself
him himself his how i if in into is isn it its itself just let ll me more most mustn my myself
no nor not now of off on once only or other ought our ours ourselves out over own re same shan
she should shouldn so some such than that the their theirs them themselves then there these
they this those through to too under until up us very was wasn we were weren what when where
which while who whom why will with won would wouldn you your yours yourself yourselves also
get got new one two via like just said says say will can may might much many us amp
"""
SPANISH = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e
el ella ellas ellos en entre era erais eramos eran eras eres es esa esas ese eso esos esta
estaba estaban estado estais estamos estan estar estas este esto estos estoy fue fueron fui
fuimos ha habia habian han has hasta hay haya he hemos la las le les lo los mas me mi mia mias
mio mios mis mucho muchos muy nada ni no nos nosotras nosotros nuestra nuestras nuestro
nuestros o os otra otras otro otros para pero poco por porque que quien quienes se sea sean
ser si sido siempre sin sobre sois solo somos son soy su sus suya suyas suyo suyos tambien
tanto te tenemos tener tengo ti tiene tienen toda todas todo todos tu tus tuya tuyas tuyo
tuyos un una uno unos vosotras vosotros vuestra vuestras vuestro vuestros y ya yo asi aqui
ahora dice dijo cada hace hacer puede pueden segun tras ser hoy ayer mientras aunque ademas
sera seran fue han sido despues luego entonces parte vez veces
"""
WEB = "http https www com org net html htm php amp nbsp quot utm rss feed"
STOP_WORDS = frozenset((ENGLISH + SPANISH + WEB).split())
MIN_LENGTH = 3
MIN_COUNT = 2


@dataclass(frozen=True)
class TermCount:
    term: str
    count: int


@dataclass(frozen=True)
class BrandTerms:
    """The brand's own query terms, folded: they co-occur with everything, so say nothing."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def from_query_terms(cls, terms: Sequence[str]) -> "BrandTerms":
        """`terms` as `BrandQuery.positive_terms()` gives them: "acme", "coca cola", "coc*"."""
        prefixes = tuple(t[:-1] for t in terms if t.endswith("*"))
        plain = [word for t in terms if not t.endswith("*") for word in words(t)]
        return cls(frozenset(plain), prefixes)

    def has(self, word: str) -> bool:
        return word in self.exact or word.startswith(self.prefixes)


def terms_of(text: str, brand: BrandTerms, known: dict[str, bool] | None = None) -> set[str]:
    """The distinct terms (words and two-word phrases) of one text. `known` caches, across
    texts, whether a word is a content word."""
    known = {} if known is None else known
    tokens = words(text)
    keep = []
    for word in tokens:
        kept = known.get(word)
        if kept is None:
            kept = known[word] = (
                len(word) >= MIN_LENGTH
                and not word.isdigit()
                and word not in STOP_WORDS
                and not brand.has(word)
            )
        keep.append(kept)
    found = {word for word, kept in zip(tokens, keep, strict=True) if kept}
    found.update(
        f"{first} {second}"
        for first, second, kept_first, kept_second in zip(
            tokens, tokens[1:], keep, keep[1:], strict=False
        )
        if kept_first and kept_second
    )
    return found


def top_terms(
    texts: Iterable[str], *, brand_terms: Sequence[str], limit: int = 20
) -> list[TermCount]:
    brand = BrandTerms.from_query_terms(brand_terms)
    counts: Counter[str] = Counter()
    known: dict[str, bool] = {}
    for text in texts:
        counts.update(terms_of(text, brand, known))
    ranked = sorted(
        (item for item in counts.items() if item[1] >= MIN_COUNT), key=lambda x: (-x[1], x[0])
    )
    return [TermCount(term, count) for term, count in ranked[:limit]]
