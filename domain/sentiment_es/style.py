"""Style features of a Spanish text: signs of information rather than opinion, and the reverse.

Measured on four corpora (``scripts/build_es_head.py``, ``benchmarks/README.md``): the
capitalised names, the questions and, once the head is fitted on tweets of our own too, the
news style and the tweet shape carry across them; the others changed the worst figure by less
than the noise. Each is a plain count or flag read off the text:

- ``first_person`` / ``second_person``: words of the writer (``yo me mi mis estoy``,
  ``nosotros``) and of the reader (``tú te tu vos ustedes os``), at most 3 each;
- ``question_only``: the text ends with ``?`` (closing quotes and brackets aside) and has no
  ``!``;
- ``opens_question``: the text opens with ``¿``;
- ``proper_share``: the share of words written with a capital that do not open a sentence
  (names of places, brands, products);
- ``no_sentiment``: 1 when no word, expression, emoji, emoticon or laughter carries a valence;
- ``english``: English function words in the text (``the my so this is ever``), at most 3;

news style:

- ``numbers``: runs of digits (``10.25%``, ``2027``, ``8``) outside links, handles and
  hashtags, at most 3;
- ``dates``: month and weekday names, ``hoy``, ``mañana``, ``ayer``, clock times (``a las 9``,
  ``7pm``, ``19 h``), at most 3;
- ``reported``: verbs of reported speech and announcements (``según``, ``informó``,
  ``anuncia``, ``dijo``, ``confirma``, ``publicará`` ...), at most 3;
- ``headline``: a news-style opening (a short name then ``:``), or a text with a ``reported``
  word, no first-person word and no ``!``;

tweet shape:

- ``check_in``: a place check-in (``@ Cerro Artigas``, ``(@ Sanborns in Coyoacán)``,
  ``I'm at``), which tweets of places and meals carry;
- ``reply``: the text opens with an ``@handle``;
- ``content_words``: words outside links, handles and hashtags, over 30 (at most 1);
- ``few_words``: at most 3 such words (``Al fin!!! 🙌``, ``#hot @ Florida https://...``).
"""

import re

STYLE_NAMES = (
    "first_person",
    "second_person",
    "question_only",
    "opens_question",
    "proper_share",
    "no_sentiment",
    "english",
    "numbers",
    "dates",
    "reported",
    "headline",
    "check_in",
    "reply",
    "content_words",
    "few_words",
)
CAP = 3
CONTENT_CAP = 30
FEW_WORDS = 3

_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|h|hrs|horas)\b|\ba las \d", re.IGNORECASE)
_HEADLINE = re.compile(r"^[^:!?¡¿]{2,40}:\s")
_CHECK_IN = re.compile(r"(?:^|[\s(])@ [^\W_]|\bI'm at\b")
_MARKUP = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
_SENTENCE_START = re.compile(r"(?:^|[.!?¡¿…:;\n]\s*)([^\W\d_]+)")

_FIRST_WORDS = "yo me mi mis conmigo estoy estuve nosotros nosotras nuestro nuestra"
_SECOND_WORDS = "tú tu tus te ti contigo vos ustedes os vosotros vosotras"
_ENGLISH_WORDS = "the my so this is ever you all of and to it"
_DATE_WORDS = """enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre
noviembre diciembre lunes martes miércoles miercoles jueves viernes sábado sabado domingo hoy
mañana manana ayer anoche semana mes año ano horario"""
_REPORTED_WORDS = """según segun informó informo informa informan informaron anunció anuncio
anuncia anuncian anunciaron dijo dice dicen afirmó afirmo afirma aseguró aseguro asegura confirmó
confirmo confirma confirman confirmaron presentó presento presenta presentará publicó publico
publica publicará reporta reportó reportan declaró declara explicó señaló indicó comunicó
comunicado detalló abrirá lanzó lanza lanzará estrena estrenará inicia iniciará aprueba aprobó
nombra nombró amplía suma sumará convoca realizará celebrará transmite dispuso presentan"""
_FIRST = frozenset(_FIRST_WORDS.split())
_SECOND = frozenset(_SECOND_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_DATES = frozenset(_DATE_WORDS.split())
_REPORTED = frozenset(_REPORTED_WORDS.split())


def _capped(count: int) -> float:
    return float(min(count, CAP))


def _proper_share(text: str, words: list[str]) -> float:
    if not words:
        return 0.0
    openers = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    capitals = sum(
        1 for m in _WORD.finditer(text) if m.group()[0].isupper() and m.start() not in openers
    )
    return capitals / len(words)


def _question_only(text: str) -> bool:
    stripped = text.rstrip(" \t\"'”’)»")
    if not stripped.endswith("?"):
        return False
    return "!" not in stripped


def _news(text: str, bare: str, words: list[str]) -> tuple[float, ...]:
    """numbers, dates, reported, headline (module doc); ``bare`` is the text without links,
    handles and hashtags."""
    reported = sum(w in _REPORTED for w in words)
    plain_news = reported > 0 and not any(w in _FIRST for w in words) and "!" not in text
    return (
        _capped(len(_NUMBER.findall(bare))),
        _capped(sum(w in _DATES for w in words) + len(_CLOCK.findall(text))),
        _capped(reported),
        float(bool(_HEADLINE.match(text)) or plain_news),
    )


def _shape(text: str, bare: str) -> tuple[float, ...]:
    """check_in, reply, content_words, few_words (module doc)."""
    content = len(_WORD.findall(bare))
    return (
        float(_CHECK_IN.search(text) is not None),
        float(text.lstrip().startswith("@")),
        min(content, CONTENT_CAP) / CONTENT_CAP,
        float(content <= FEW_WORDS),
    )


def style_features(text: str, sentiment_items: int) -> tuple[float, ...]:
    """The style features of ``text`` in the order of ``STYLE_NAMES`` (module doc);
    ``sentiment_items`` is how many units carry a valence by the rules."""
    words = [w.lower() for w in _WORD.findall(text)]
    bare = _MARKUP.sub(" ", text)
    return (
        _capped(sum(w in _FIRST for w in words)),
        _capped(sum(w in _SECOND for w in words)),
        float(_question_only(text)),
        float(text.lstrip().startswith("¿")),
        _proper_share(text, words),
        float(sentiment_items == 0),
        _capped(sum(w in _ENGLISH for w in words)),
        *_news(text, bare, words),
        *_shape(text, bare),
    )
