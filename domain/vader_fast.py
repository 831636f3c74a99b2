"""vaderSentiment's scoring, computed with less repeated work and giving identical results.

vaderSentiment 3.3.2 spends most of its time re-deriving the same things: it walks every
character of a text to look for emoji, and lower-cases the whole word list again for each
negation and idiom check of each sentiment word. ``FastVader`` overrides only
``polarity_scores``: one emoji test over the text in C (the character walk runs only when an
emoji is there), one lower-cased word list per text, and the same rules in the same order.
Everything else (lexicons, booster words, ``least``, punctuation emphasis, rounding) follows
vaderSentiment's code line by line; ``but`` handling, quadratic there, is done in place.
tests/domain/test_vader_fast.py checks that every score equals vaderSentiment's, on the
ground-truth sets and on random texts built from the words its rules look for;
benchmarks/sentiment.py prints the speed of both.
"""

import math
import string
from itertools import compress, count, repeat
from operator import ne
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

_NEGATE = frozenset(NEGATE)
# The words of the phrases ``_special_idioms_check`` looks for.
_IDIOM_WORDS = frozenset(
    word for phrase in [*SPECIAL_CASES, *BOOSTER_DICT] if " " in phrase for word in phrase.split()
)
_PUNCTUATION = string.punctuation
# Every word a rule looks for among the three before a sentiment word: negations, boosters,
# "no", "least" and the words of the "never so/this" and "without doubt" rules. With none of
# them there (and no "n't" in the text), those rules change nothing (``FastVader._valence``).
_CONTEXT_WORDS = frozenset(
    {*NEGATE, *BOOSTER_DICT, "no", "least", "never", "so", "this", "without", "doubt"}
)


def _negated(word: str) -> bool:
    """vaderSentiment's ``negated([word])`` for one lower-case word."""
    return word in _NEGATE or "n't" in word


def _negation_check(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """``SentimentIntensityAnalyzer._negation_check`` on an already lower-cased word list."""
    if start_i == 0:
        if _negated(lower[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
            lower[i - 1] == "so" or lower[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    """``SentimentIntensityAnalyzer._special_idioms_check`` on a lower-cased word list."""
    if _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3]):
        return valence  # no idiom or booster phrase can be among these words
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _scalar_inc_dec(word: str, lower: str, valence: float, is_cap_diff: bool) -> float:
    """vaderSentiment's ``scalar_inc_dec``, given the word lower-cased."""
    scalar: float | None = BOOSTER_DICT.get(lower)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar *= -1
    if word.isupper() and is_cap_diff:
        scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _least_check(valence: float, lower: list[str], i: int, lexicon: dict[str, float]) -> float:
    """``SentimentIntensityAnalyzer._least_check`` on a lower-cased word list."""
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _but_check(lower: list[str], sentiments: list[Any]) -> None:
    """``SentimentIntensityAnalyzer._but_check``, in place, quirks included: each score is
    looked up by value (``index``: the first equal one is the one changed), as there. Its
    pop-and-insert is an assignment, and zeros are skipped: a zero times 0.5 or 1.5 is still
    a zero, so they change nothing."""
    but = lower.index("but")
    for i in range(len(sentiments)):
        value = sentiments[i]
        if not value:
            continue
        first = sentiments.index(value)
        if first < but:
            sentiments[first] = value * 0.5
        elif first > but:
            sentiments[first] = value * 1.5


class FastVader(SentimentIntensityAnalyzer):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        # Only single characters can match in vaderSentiment's character walk.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        # The words that score (boosters are in the lexicon too, but only boost).
        self._scoring_words = frozenset(self.lexicon).difference(BOOSTER_DICT)

    def polarity_scores(self, text: str) -> dict[str, float]:
        has_emoji = not text.isascii() and not self._emoji_chars.isdisjoint(text)
        text = self._describe_emoji(text) if has_emoji else text.strip()
        # SentiText._strip_punc_if_word: short leftovers were emoticons, kept whole. Only
        # the words that lost punctuation are looked at (found in C).
        tokens = text.split()
        words = list(map(str.strip, tokens, repeat(_PUNCTUATION)))
        for i in compress(count(), map(ne, words, tokens)):
            if len(words[i]) <= 2:
                words[i] = tokens[i]
        # One lower() for all words: they hold no space (split) and none is empty.
        lowered = " ".join(words).lower()
        lower = lowered.split(" ") if words else []
        sentiments: list[Any] = [0] * len(lower)
        if not self._scoring_words.isdisjoint(lower):
            plain = "n't" not in lowered  # no word is negated by its "n't"
            capitals = sum(map(str.isupper, words))
            is_cap_diff = 0 < len(words) - capitals < len(words)  # allcap_differential
            last = len(words) - 1
            for i in compress(count(), map(self._scoring_words.__contains__, lower)):
                item_lower = lower[i]
                if i < last and item_lower == "kind" and lower[i + 1] == "of":
                    continue
                sentiments[i] = self._valence(words, lower, i, is_cap_diff, plain)
        if "but" in lower:
            _but_check(lower, sentiments)
        return self._score_valence(sentiments, text)

    def _score_valence(self, sentiments: list[Any], text: str) -> dict[str, float]:
        """``score_valence`` and ``_sift_sentiment_scores``, the sums taken over the non-zero
        scores only (in the same order: the same floats)."""
        if not sentiments:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        sum_s = float(sum(sentiments))
        punct_emph_amplifier: float = self._punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = normalize(sum_s)
        pos_sum = 0.0
        neg_sum = 0.0
        scored = 0
        for score in filter(None, sentiments):
            scored += 1
            if score > 0:
                pos_sum += float(score) + 1
            else:
                neg_sum += float(score) - 1
        neu_count = len(sentiments) - scored
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return {
            "neg": round(math.fabs(neg_sum / total), 3),
            "neu": round(math.fabs(neu_count / total), 3),
            "pos": round(math.fabs(pos_sum / total), 3),
            "compound": round(compound, 4),
        }

    def _valence(
        self, words: list[str], lower: list[str], i: int, is_cap_diff: bool, plain: bool
    ) -> float:
        """``sentiment_valence`` for a word of the lexicon. ``plain``: no word of the text
        holds "n't"; then, when none of the three words before it is one of
        ``_CONTEXT_WORDS`` (most words), only the capitals and the idioms can change it."""
        lexicon: dict[str, float] = self.lexicon
        item_lower = lower[i]
        valence = lexicon[item_lower]
        if item_lower == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if plain and _CONTEXT_WORDS.isdisjoint(lower[i - 3 if i > 3 else 0 : i]):
            if words[i].isupper() and is_cap_diff:
                valence = valence + C_INCR if valence > 0 else valence - C_INCR
            if not valence and any(lower[i - n] not in lexicon for n in range(1, min(i, 3) + 1)):
                valence = 0.0  # what adding the (zero) boosts does to a zero: -0.0 -> 0.0
            if (
                i > 2
                and lower[i - 3] not in lexicon
                and not _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3])
            ):
                valence = _special_idioms_check(valence, lower, i)
            return valence
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[item_lower] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(3):
            before = i - (start_i + 1)
            if i > start_i and lower[before] not in lexicon:
                s = _scalar_inc_dec(words[before], lower[before], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lower, i)
        return _least_check(valence, lower, i, lexicon)

    def _describe_emoji(self, text: str) -> str:
        """vaderSentiment's character walk: each emoji replaced by its description."""
        described = []
        prev_space = True
        for char in text:
            if char in self.emojis:
                if not prev_space:
                    described.append(" ")
                described.append(self.emojis[char])
                prev_space = False
            else:
                described.append(char)
                prev_space = char == " "
        return "".join(described).strip()
