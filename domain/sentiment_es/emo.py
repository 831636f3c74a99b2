"""emo_Es's text features: microTC's normalisation and tokens, written anew.

evomsa 2.0.14 (Apache-2.0) ships ``emo_Es``: 64 linear classifiers over a TF-IDF bag of
words, word pairs and character 2-4-grams, each predicting whether a Spanish tweet carried one
emoji. The final Spanish model (``head``) reads a text through the same features, so this
module rebuilds them exactly as microTC 2.4.13 does with emo_Es's options
(``scripts/build_es_head.py`` checks it against the model's own tokenizer on every dev text),
and weighs them as microTC's TFIDF does: term frequency times IDF, scaled to unit length.
Nothing is downloaded and evomsa is not needed at run time.
"""

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping

_NUMBERS = re.compile(r"\d\d*\.?\d*|\d*\.\d\d*")
_URLS = re.compile(r"https?://\S+")
_USERS = re.compile(r"@\S+")
_TILDES = re.compile(r"~+")
_SPACES = frozenset("\n\r \t\xa0")
_SEPARATORS = frozenset(";:,.@\\-\"'/…“・”’()[]¿?¡!{}~<>|")
_QGRAM_SIZES = (2, 3, 4)


def normalise_text(text: str) -> str:
    """microTC's transformations with emo_Es's options: ``~`` between and around words."""
    text = _USERS.sub("", _URLS.sub("", _NUMBERS.sub("", text.lower())))
    out = ["~"]
    previous = "~"
    for char in unicodedata.normalize("NFD", text):
        if 0x300 <= ord(char) <= 0x36F:
            continue
        if char in _SPACES:
            char = "~"
        elif char == previous:
            continue
        previous = char
        out.append(char)
    out.append("~")
    return _TILDES.sub("~", "".join(out))


def _words(normalised: str) -> list[str]:
    chars: list[str] = []
    previous = " "
    for char in normalised[1:-1]:
        if char in _SEPARATORS:
            char = " "
        if previous == " " and char in " '":
            continue
        chars.append(char)
        previous = char
    return "".join(chars).split()


def features(text: str) -> list[str]:
    """emo_Es's tokens of ``text``: word pairs, words, then character 2-, 3- and 4-grams."""
    normalised = normalise_text(text)
    words = _words(normalised)
    tokens = [f"{a}~{b}" for a, b in itertools.pairwise(words)]
    tokens.extend(words)
    for size in _QGRAM_SIZES:
        tokens.extend("q:" + normalised[i : i + size] for i in range(len(normalised) - size + 1))
    return tokens or ["~"]


def tfidf(tokens: list[str], idf: Mapping[str, float]) -> dict[str, float]:
    """microTC's TFIDF of ``tokens``: count times IDF for those in ``idf``, to unit length."""
    counts = Counter(t for t in tokens if t in idf)
    weights = {t: n * idf[t] for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}
