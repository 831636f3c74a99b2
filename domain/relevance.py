"""A brand's relevance model as applied, and the rules around it. Pure.

The model is linear over the features of ``domain.relevance_features`` (binary, the vector
scaled to unit length): ``score = sigmoid(intercept + sum(weights[f]) / sqrt(n))``. It is
trained elsewhere (``domain.relevance_training``, scikit-learn) and applied here in
plain Python, so that storing a mention needs no numerical library in the worker.

One rule on top: a mention whose own words (``WORD_KINDS``: its words, stems and the words
next to the brand's) weigh less than ``MIN_WORD_EVIDENCE`` for the brand is scored at most
just under the threshold (``RelevanceModel.unsure``), unless it comes from the brand's own
domains or handles. How the brand's name is written, the
source, the language and words of trade are the same for every company of that name, so
alone they no longer show a mention: the senses the marks never showed (Puma Energy, El
Puma, the Lancia Delta, Shell's rowing shells) were lifted over the threshold by them. Such
a mention stays hidden until a mark teaches the model its words, and the review queue asks
about it early (it sits where the model is least sure). Measured on the hand-written
streams (benchmarks/README.md: relevance, 2026-12-04).
"""

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Literal

from domain.relevance_features import WORD_KINDS, BrandPrior, WeightTables

Verdict = Literal["relevant", "irrelevant"]
# The least weighted sum of a mention's own words (over the vector's length, as the score
# reads it) for the model to show it; chosen on the dev streams, the middle of the range
# 0-0.1 where the figures were flat (benchmarks/README.md: relevance, 2026-12-04).
MIN_WORD_EVIDENCE = 0.05


@dataclass(frozen=True)
class RelevanceModel:
    version: int
    weights: Mapping[str, float]
    intercept: float
    threshold: float

    def score(self, features: Collection[str]) -> float:
        """The probability that a mention with these features is about the brand."""
        weights = self.weights
        total = sum(map(weights.get, features, repeat(0.0)))
        own_words = sum([weights.get(f, 0.0) for f in features if f[:2] in WORD_KINDS])
        return self._probability(total, own_words, len(features), owned="owned" in features)

    def score_mention(
        self,
        tokens: Sequence[str],
        *,
        text: str,
        prior: BrandPrior,
        domain: str = "",
        author: str | None = None,
        owned: bool = False,
        language: str | None = None,
    ) -> float:
        """``score(features(text, ...))`` from the text's words (``words(text)``), without
        building the feature strings."""
        total, own_words, count = self._tables.weighted_sum(
            tokens,
            text=text,
            prior=prior,
            domain=domain,
            author=author,
            owned=owned,
            language=language,
        )
        return self._probability(total, own_words, count, owned=owned)

    @property
    def unsure(self) -> float:
        """The score of a mention whose own words say too little (``MIN_WORD_EVIDENCE``):
        just under the threshold."""
        return max(0.0, self.threshold - 0.001)

    def _probability(self, total: float, own_words: float, count: int, *, owned: bool) -> float:
        """``owned``: the brand's own domain or handle, which speaks for the brand by itself
        (the rule on a mention's own words does not apply)."""
        length = math.sqrt(count) if count else 1.0
        probability = _sigmoid(self.intercept + total / length)
        if not owned and own_words / length < MIN_WORD_EVIDENCE:
            return min(probability, self.unsure)
        return probability

    @cached_property
    def _tables(self) -> WeightTables:
        return WeightTables(self.weights)


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def is_hidden(*, verdict: str | None, score: float | None, threshold: float | None) -> bool:
    """The spec's rule: hidden when the user marked it irrelevant, or when there is no mark
    and the model scores it under the brand's threshold. The user's mark always wins."""
    if verdict is not None:
        return verdict == "irrelevant"
    return score is not None and threshold is not None and score < threshold


def verdict_of(relevant: bool) -> Verdict:
    return "relevant" if relevant else "irrelevant"


@dataclass(frozen=True)
class Candidate:
    """An unmarked mention that could be asked about."""

    id: int
    features: frozenset[str]
    score: float | None


def to_review(
    candidates: Sequence[Candidate],
    *,
    marked: Sequence[frozenset[str]],
    threshold: float | None,
    limit: int,
) -> list[int]:
    """The ids whose marks would teach the model most, best first.

    Each candidate is worth its uncertainty (1 where the model scores it at the threshold,
    falling to 0 at 0 or 1; 0.5 for all before there is a model) plus what it has that the
    marks so far do not: the share of its context and query features (``c:``, ``q:``,
    ``d:``) never seen in a marked mention, weighed by how common each is among the
    candidates (a sense of the brand name that many mentions share is worth asking about
    first). Picked greedily: once a candidate is chosen its features count as seen, so a
    batch covers different senses instead of ten copies of one."""
    if limit <= 0 or not candidates:
        return []
    seen: set[str] = set()
    for features in marked:
        seen.update(f for f in features if _informative(f))
    common: dict[str, int] = {}
    for candidate in candidates:
        for feature in candidate.features:
            if _informative(feature):
                common[feature] = common.get(feature, 0) + 1
    size = len(candidates)
    chosen: list[int] = []
    left = list(candidates)
    while left and len(chosen) < limit:
        best = max(left, key=lambda c: (_worth(c, seen, common, size, threshold), -c.id))
        chosen.append(best.id)
        seen.update(f for f in best.features if _informative(f))
        left.remove(best)
    return chosen


def _informative(feature: str) -> bool:
    return feature[:2] in ("c:", "q:", "d:")


def _worth(
    candidate: Candidate,
    seen: set[str],
    common: dict[str, int],
    size: int,
    threshold: float | None,
) -> float:
    if candidate.score is None or threshold is None:
        uncertainty = 0.5
    elif candidate.score < threshold:
        uncertainty = candidate.score / threshold if threshold else 0.0
    else:
        uncertainty = (1 - candidate.score) / (1 - threshold) if threshold < 1 else 0.0
    informative = [f for f in candidate.features if _informative(f)]
    if not informative:
        return uncertainty
    novelty = sum(math.sqrt(common.get(f, 1) / size) for f in informative if f not in seen)
    return uncertainty + novelty / math.sqrt(len(informative))


# A suggested exclusion may appear in at most this share of the unmarked mentions the model
# keeps (they are about the brand, as far as it can tell): "nueva" in "nueva vacuna" and
# "nueva cerveza" must not drop both. Not zero: the model keeps a few off-topic ones.
KEPT_SHARE = 0.01
# An exclusion drops mentions at ingest for good (nothing is stored to review), so it must
# name a sense, not a word that two irrelevant marks happened to share ("time", "today"):
# the irrelevant marks and the unmarked mentions the model hides, together, hold it in at
# least this share of the brand's mentions read, and in MIN_SUPPORT of them
# (benchmarks/README.md: relevance, 2026-12-04).
SUPPORT_SHARE = 0.04
MIN_SUPPORT = 4


def suggested_exclusions(
    weights: Mapping[str, float],
    *,
    relevant_words: Collection[str],
    irrelevant_counts: Mapping[str, int],
    brand_words: Collection[str],
    kept_counts: Mapping[str, int] | None = None,
    kept: int = 0,
    hidden_counts: Mapping[str, int] | None = None,
    mentions: int = 0,
    limit: int = 5,
) -> list[str]:
    """Words that only ever came in mentions the user marked irrelevant (at least twice),
    in (almost) none of the ``kept`` unmarked mentions the model shows (``kept_counts``: in
    how many of those each word is), and, with the unmarked mentions it hides
    (``hidden_counts``), in enough of the brand's ``mentions`` (``SUPPORT_SHARE``): safe to
    exclude in the query itself. The widest first (in the most off-topic mentions), then by
    the model's weight. A word the model gives no weight still qualifies: in more than half
    of the brand's mentions (the virus, in a pandemic) it gets none
    (``domain.relevance_training.UBIQUITOUS``), and is then the exclusion that matters most."""
    kept_counts = kept_counts or {}
    hidden_counts = hidden_counts or {}
    most_kept = int(KEPT_SHARE * kept)
    least_support = max(MIN_SUPPORT, math.ceil(SUPPORT_SHARE * mentions))
    found = [
        (-support, weight, word)
        for word, count in irrelevant_counts.items()
        if count >= 2
        and word not in relevant_words
        and word not in brand_words
        and kept_counts.get(word, 0) <= most_kept
        and (support := count + hidden_counts.get(word, 0)) >= least_support
        and (weight := weights.get("w:" + word, 0.0)) <= 0
    ]
    return [word for _support, _weight, word in sorted(found)][:limit]


def exclusions_from(
    weights: Mapping[str, float],
    *,
    marked: Iterable[tuple[Collection[str], bool]],
    shown: Sequence[Collection[str]],
    hidden: Sequence[Collection[str]],
    brand_words: Collection[str],
) -> list[str]:
    """``suggested_exclusions`` from the content words of the brand's mentions: each marked
    one's with its mark (relevant or not), and the unmarked ones' the model shows and
    hides."""
    relevant_words: set[str] = set()
    irrelevant: Counter[str] = Counter()
    marks = 0
    for found, relevant in marked:
        marks += 1
        if relevant:
            relevant_words.update(found)
        else:
            irrelevant.update(found)
    return suggested_exclusions(
        weights,
        relevant_words=relevant_words,
        irrelevant_counts=irrelevant,
        brand_words=brand_words,
        kept_counts=Counter(word for found in shown for word in found),
        kept=len(shown),
        hidden_counts=Counter(word for found in hidden for word in found),
        mentions=marks + len(shown) + len(hidden),
    )


def with_exclusions(query: str, exclusions: Sequence[str]) -> str:
    """The brand's query with ``-word`` for each exclusion (AND binds loosest, so the
    exclusions apply to the whole query whatever it is)."""
    return " ".join([query, *(f"-{word}" for word in exclusions)]) if exclusions else query
