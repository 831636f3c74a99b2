"""VADER's rules, for Spanish: one valence per sentiment-bearing token of a text.

- multi-word expressions (``vale la pena``, ``qué asco``, ``no funciona``) are matched first,
  longest first, and override the words inside them;
- a negator (``no nunca jamás ni sin tampoco nadie nada ningún/o/a``; ``poco`` without ``un``
  right before the word: ``poco útil``) up to three words back in the same clause multiplies
  a word's valence by -0.74 (Spanish doubles its negations, ``no ... nada``, so several
  negators still flip once, and an expression that starts with one, ``sin ningún problema``,
  is not flipped again; ``no más`` is an expression, not a negator);
- boosters and dampeners (``muy súper re tan`` / ``un poco algo casi apenas medio``) up to
  three words back add to its magnitude, less the further back (1, 0.95, 0.9);
- a word in capitals in a text that is not all capitals gains 0.733 in magnitude;
- elongation (``buenooo``) and ``-ísimo`` add to the magnitude (``lookup``);
- after ``pero``, ``sino``, ``sin embargo``, ``no obstante`` or ``aun así`` valences weigh 1.5,
  before it 0.5;
- emoji, emoticons and laughter keep their valence (no negation), at most three of a kind count.
"""

from collections import Counter
from dataclasses import dataclass

from domain.sentiment_es.lexicon import Lexicon, load_lexicon, strip_accents
from domain.sentiment_es.lookup import collapse_elongation, is_laughter, word_valence
from domain.sentiment_es.tokenizer import Kind, Token

NEGATION_SCALAR = -0.74
CAPS_INCREMENT = 0.733
LOOKBACK_DECAY = (1.0, 0.95, 0.9)
MAX_SAME_SYMBOL = 3
CONTRAST_BEFORE = 0.5
CONTRAST_AFTER = 1.5

_CONTRASTS = {("pero",), ("sino",), ("sin", "embargo"), ("no", "obstante"), ("aun", "asi")}
_LITTLE = "poco"


@dataclass(frozen=True, slots=True)
class Item:
    """One unit of the text: a word, symbol or expression, with its valence (0: none)."""

    base: str
    valence: float
    clause: int
    is_word: bool = True
    is_contrast: bool = False


def _base(token: Token) -> str:
    return collapse_elongation(strip_accents(token.lower))


def _expression_at(bases: list[str], start: int, lexicon: Lexicon) -> tuple[int, float] | None:
    for length in range(min(lexicon.longest_expression, len(bases) - start), 1, -1):
        found = lexicon.expressions.get(tuple(bases[start : start + length]))
        if found is not None:
            return length, found
    return None


def _symbol_valence(token: Token, lexicon: Lexicon, seen: Counter[str]) -> float:
    seen[token.lower] += 1
    if seen[token.lower] > MAX_SAME_SYMBOL:
        return 0.0
    return lexicon.emoji.get(token.lower, 0.0)


def _word_valence(token: Token, shouting: bool) -> float:
    found = word_valence(token.lower)
    if found is None:
        return 0.0
    valence = found.valence
    magnitude = found.emphasis + (CAPS_INCREMENT if shouting and token.text.isupper() else 0.0)
    return valence + magnitude if valence > 0 else valence - magnitude


def _is_contrast(words: list[str], size: int) -> bool:
    return len(words) == size and tuple(words) in _CONTRASTS


def _clause_items(
    tokens: list[Token], clause: int, shouting: bool, seen: Counter[str]
) -> list[Item]:
    """Items of a run of tokens with no punctuation, before modifiers are applied."""
    lexicon = load_lexicon()
    bases = [_base(t) if t.kind is Kind.WORD else t.lower for t in tokens]
    items: list[Item] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind is not Kind.WORD:
            valence = _symbol_valence(token, lexicon, seen)
            items.append(Item(bases[i], valence, clause, is_word=False))
            i += 1
            continue
        size = next((n for n in (2, 1) if _is_contrast(bases[i : i + n], n)), 0)
        if size:
            items.append(Item(" ".join(bases[i : i + size]), 0.0, clause, is_contrast=True))
            i += size
            continue
        expression = _expression_at(bases, i, lexicon)
        if expression is not None:
            length, valence = expression
            items.append(Item(" ".join(bases[i : i + length]), valence, clause))
            i += length
            continue
        valence = _word_valence(token, shouting and not token.hashtag)
        items.append(Item(bases[i], valence, clause, is_word=not is_laughter(token.lower)))
        i += 1
    return items


def items_of(tokens: list[Token]) -> list[Item]:
    """The items of a tokenized text, clause by clause (punctuation ends a clause)."""
    words = [t for t in tokens if t.kind is Kind.WORD and not t.hashtag and len(t.text) > 1]
    capitals = sum(t.text.isupper() for t in words)
    shouting = 0 < capitals < len(words)
    seen: Counter[str] = Counter()
    items: list[Item] = []
    clause: list[Token] = []
    number = 0
    for token in [*tokens, Token(".", ".", Kind.PUNCT)]:
        if token.kind is Kind.PUNCT:
            items.extend(_clause_items(clause, number, shouting, seen))
            clause, number = [], number + 1
        else:
            clause.append(token)
    return items


def _acts_as_booster(items: list[Item], index: int, lexicon: Lexicon) -> bool:
    """A booster that is also a sentiment word (``bien``) boosts when a sentiment word follows."""
    if items[index].base not in lexicon.boosters or index + 1 >= len(items):
        return False
    following = items[index + 1]
    return following.clause == items[index].clause and following.valence != 0.0


def _is_negator(items: list[Item], index: int, distance: int, lexicon: Lexicon) -> bool:
    base = items[index].base
    if base == _LITTLE:
        return distance == 1 and (index == 0 or items[index - 1].base != "un")
    return base in lexicon.negators


def _modified(items: list[Item], index: int, lexicon: Lexicon) -> float:
    """Valence of ``items[index]`` after the boosters and negators before it."""
    item = items[index]
    valence = item.valence
    negated = False
    concord = item.base.split()[0] in lexicon.negators
    for distance, decay in enumerate(LOOKBACK_DECAY, start=1):
        position = index - distance
        if position < 0 or items[position].clause != item.clause:
            break
        before = items[position]
        if before.valence != 0.0 and not _acts_as_booster(items, position, lexicon):
            break
        if _is_negator(items, position, distance, lexicon):
            negated = True
        elif before.base in lexicon.boosters:
            step = lexicon.boosters[before.base] * decay
            valence += step if valence > 0 else -step
    return valence * NEGATION_SCALAR if negated and not concord else valence


def valences(items: list[Item]) -> list[float]:
    """One valence per item: modifiers applied, then the contrast weights."""
    lexicon = load_lexicon()
    result: list[float] = []
    for index, item in enumerate(items):
        if item.valence == 0.0 or _acts_as_booster(items, index, lexicon):
            result.append(0.0)
        elif item.is_word:
            result.append(_modified(items, index, lexicon))
        else:
            result.append(item.valence)
    contrast = next((i for i, item in enumerate(items) if item.is_contrast), None)
    if contrast is not None:
        result = [
            v * (CONTRAST_BEFORE if i < contrast else CONTRAST_AFTER) for i, v in enumerate(result)
        ]
    return result
