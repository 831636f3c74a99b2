"""The "emoji valence" score: a linear direction derived at build time from evomsa's emo_Es.

evomsa 2.0.14 (Apache-2.0) ships ``emo_Es``: 64 linear classifiers over a TF-IDF bag of
words, word pairs and character 2-4-grams, each predicting whether a Spanish tweet carried one
emoji. ``scripts/build_emo_direction.py`` weighs the 64 classifiers by the valences of their
emoji in our own emoji table (centred on their mean) and stores the sum as one weight per
token in ``data/emo_direction.tsv``. Here we only rebuild the same features (microTC's text
normalisation and tokens, written anew) and take the dot product: nothing is downloaded and
evomsa is not needed at run time.
"""

import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_NUMBERS = re.compile(r"\d\d*\.?\d*|\d*\.\d\d*")
_URLS = re.compile(r"https?://\S+")
_USERS = re.compile(r"@\S+")
_TILDES = re.compile(r"~+")
_SPACES = frozenset("\n\r \t\xa0")
_SEPARATORS = frozenset(";:,.@\\-\"'/…“・”’()[]¿?¡!{}~<>|")
_QGRAM_SIZES = (2, 3, 4)


@dataclass(frozen=True)
class EmoDirection:
    """Per-token IDF and direction weight, the bias, and the spread used to normalise."""

    idf: dict[str, float]
    weight: dict[str, float]
    bias: float
    center: float
    scale: float


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


@cache
def load_direction() -> EmoDirection:
    """The stored direction, read from the package data on first use."""
    text = files("domain.sentiment_es").joinpath("data", "emo_direction.tsv").read_text("utf-8")
    meta: dict[str, float] = {}
    idf: dict[str, float] = {}
    weight: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition("=")
            if value:
                meta[key.strip()] = float(value)
            continue
        token, token_idf, token_weight = line.split("\t")
        idf[token] = float(token_idf)
        weight[token] = float(token_weight)
    return EmoDirection(idf, weight, meta["bias"], meta["center"], meta["scale"])


def emo_score(text: str) -> float:
    """The emoji-valence score of ``text``, centred and scaled (about -1..1 on tweets)."""
    direction = load_direction()
    counts = Counter(t for t in features(text) if t in direction.idf)
    if not counts:
        return 0.0
    weights = {t: n * direction.idf[t] for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    raw = direction.bias + sum(w * direction.weight[t] for t, w in weights.items()) / norm
    return (raw - direction.center) / direction.scale
