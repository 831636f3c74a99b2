"""The Snowball Spanish stemmer (Porter's published algorithm, written anew here).

Used only as the last lookup step: a word not in the lexicon in any other form is stemmed and
looked up among the stems of our own lexicon entries. Follows
https://snowballstem.org/algorithms/spanish/stemmer.html step by step.
"""

from functools import lru_cache

_VOWELS = frozenset("aeiouáéíóúü")
_UNACCENT = str.maketrans("áéíóú", "aeiou")

_PRONOUNS = (
    "selas",
    "selos",
    "sela",
    "selo",
    "las",
    "les",
    "los",
    "nos",
    "me",
    "se",
    "la",
    "le",
    "lo",
)
_PRONOUN_BASES = {
    "iéndo": "iendo", "ándo": "ando", "ár": "ar", "ér": "er", "ír": "ir",
    "iendo": "iendo", "ando": "ando", "ar": "ar", "er": "er", "ir": "ir",
}  # fmt: skip


def _suffixes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_STEP1_DELETE = _suffixes(
    "amientos imientos amiento imiento anzas ismos ables ibles istas osos osas anza icos icas "
    "ismo able ible ista oso osa ico ica"
)
_STEP1_AC = _suffixes("aciones adoras adores ancias ación acion adora antes ancia ador ante")
_STEP1_OTHER = _suffixes(
    "logías logía uciones ución ucion encias encia amente mente idades idad ivas ivos iva ivo"
)
_STEP1 = (*_STEP1_DELETE, *_STEP1_AC, *_STEP1_OTHER)
_STEP2A = _suffixes("yeron yendo yamos yais yan yen yas yes ya ye yo yó")
_STEP2B_EN = ("en", "es", "éis", "emos")
_STEP2B = _suffixes(
    "aríamos eríamos iríamos iéramos iésemos áramos ásemos aríais aremos eríais eremos iríais "
    "iremos ierais ieseis asteis isteis ábamos arían arías aréis erían erías eréis irían irías "
    "iréis ieran iesen ieron iendo ieras ieses abais arais aseis íamos arán arás aría erán erás "
    "ería irán irás iría aban aran asen aron ando abas adas idas aras ases íais ados idos amos "
    "imos iera iese aste iste ará aré erá eré irá iré aba ada ida ara ase ían ado ido ías áis ía "
    "ad ed id an ió ar "
    "er ir as ís"
)
_STEP3 = ("os", "a", "o", "á", "í", "ó")


def _r1(word: str) -> int:
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return i + 1
    return len(word)


def _rv(word: str) -> int:
    if len(word) < 2:
        return len(word)
    if word[1] not in _VOWELS:
        for i in range(2, len(word)):
            if word[i] in _VOWELS:
                return i + 1
        return len(word)
    if word[0] in _VOWELS:
        for i in range(2, len(word)):
            if word[i] not in _VOWELS:
                return i + 1
        return len(word)
    return 3


def _longest(word: str, suffixes: tuple[str, ...], start: int = 0) -> str | None:
    """The longest of ``suffixes`` that ends ``word`` and begins at or after ``start``."""
    best = None
    for suffix in suffixes:
        fits = word.endswith(suffix) and len(word) - len(suffix) >= start
        if fits and (best is None or len(suffix) > len(best)):
            best = suffix
    return best


def _step0(word: str, rv: int) -> str:
    pronoun = _longest(word, _PRONOUNS)
    if pronoun is None:
        return word
    stem = word[: -len(pronoun)]
    base = _longest(stem, tuple(_PRONOUN_BASES))
    if base is not None and len(stem) - len(base) >= rv:
        return stem[: -len(base)] + _PRONOUN_BASES[base]
    if stem.endswith("uyendo") and len(stem) - 5 >= rv:
        return stem
    return word


def _step1(word: str, r1: int, r2: int) -> str | None:
    """The word with a standard suffix removed, or None when there was none to remove."""
    suffix = _longest(word, _STEP1)
    if suffix is None:
        return None
    start = len(word) - len(suffix)
    stem = word[:start]
    if suffix == "amente":
        if start < r1:
            return None
        for before in ("iv", "os", "ic", "ad"):
            if stem.endswith(before) and start - 2 >= r2:
                stem = stem[:-2]
                if before == "iv" and stem.endswith("at") and start - 4 >= r2:
                    stem = stem[:-2]
                break
        return stem
    if start < r2:
        return None
    if suffix in _STEP1_DELETE:
        return stem
    if suffix in _STEP1_AC:
        return stem[:-2] if stem.endswith("ic") and start - 2 >= r2 else stem
    if suffix.startswith("log"):
        return stem + "log"
    if suffix.startswith("uci"):
        return stem + "u"
    if suffix.startswith("encia"):
        return stem + "ente"
    if suffix == "mente":
        return _drop_before(stem, ("ante", "able", "ible"), start, r2)
    if suffix.startswith("idad"):
        return _drop_before(stem, ("abil", "ic", "iv"), start, r2)
    return _drop_before(stem, ("at",), start, r2)


def _drop_before(stem: str, endings: tuple[str, ...], start: int, r2: int) -> str:
    """``stem`` less the longest of ``endings`` that ends it, when that lies in R2."""
    ending = _longest(stem, endings)
    if ending is None or start - len(ending) < r2:
        return stem
    return stem[: -len(ending)]


def _step2(word: str, rv: int) -> str:
    suffix = _longest(word, _STEP2A, rv)
    if suffix is not None and word[: -len(suffix)].endswith("u"):
        return word[: -len(suffix)]
    suffix = _longest(word, (*_STEP2B_EN, *_STEP2B), rv)
    if suffix is None:
        return word
    stem = word[: -len(suffix)]
    if suffix in _STEP2B_EN and stem.endswith("gu"):
        stem = stem[:-1]
    return stem


def _step3(word: str, rv: int) -> str:
    suffix = _longest(word, _STEP3)
    if suffix is not None and len(word) - len(suffix) >= rv:
        return word[: -len(suffix)]
    if word.endswith(("e", "é")) and len(word) - 1 >= rv:
        word = word[:-1]
        if word.endswith("gu") and len(word) - 1 >= rv:
            word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem_and_kind(word: str) -> tuple[str, bool]:
    """Snowball Spanish stem of a lower-case ``word``, and whether a derivational suffix
    (step 1: ``-able``, ``-ción``, ``-mente``, ``-oso``, ...) was removed to reach it."""
    rv, r1 = _rv(word), _r1(word)
    r2 = r1 + _r1(word[r1:])
    word = _step0(word, rv)
    stemmed = _step1(word, r1, r2)
    word = _step2(word, rv) if stemmed is None else stemmed
    return _step3(word, rv).translate(_UNACCENT), stemmed is not None


def stem(word: str) -> str:
    """Snowball Spanish stem of a lower-case ``word``."""
    return stem_and_kind(word)[0]
