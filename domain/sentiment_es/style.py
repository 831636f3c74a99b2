"""Style features of a Spanish text: signs of information rather than opinion, and the reverse.

Measured on three corpora (``scripts/build_es_head.py``): written to carry across them, not
to fit one. Each is a plain count or flag read off the text:

- ``numbers``: runs of digits (``10.25%``, ``2027``, ``8``), at most 3;
- ``dates``: month and weekday names, ``hoy``, ``mañana``, ``ayer``, clock times (``a las``,
  ``20:00``, ``7pm``, ``19 h``), at most 3;
- ``reported``: verbs and phrases of reported speech and announcements (``según``,
  ``informó``, ``anuncia``, ``dijo``, ``confirma``, ``presentó``, ``publicará`` ...), at most 3;
- ``headline``: a news-style opening, a capitalised name then ``:`` within its first 40
  characters, or a text whose every sentence ends without ``!`` and that holds at least one
  ``reported`` word and no first-person word;
- ``first_person`` / ``second_person``: words of the writer (``yo me mi mis estoy``,
  ``nosotros``) and of the reader (``tú te tu vos ustedes os``), at most 3 each;
- ``question_only``: the text ends with ``?`` (closing quotes and brackets aside) and has no
  ``!``;
- ``opens_question``: the text opens with ``¿``;
- ``proper_share``: the share of words written with a capital that do not open a sentence
  (names of places, brands, products);
- ``no_sentiment``: 1 when no word, expression, emoji, emoticon or laughter carries a valence;
- ``english``: English function words in the text (``the my so this is ever``), at most 3.
"""

import re

STYLE_NAMES = (
    "numbers",
    "dates",
    "reported",
    "headline",
    "first_person",
    "second_person",
    "question_only",
    "opens_question",
    "proper_share",
    "no_sentiment",
    "english",
)
CAP = 3

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|h|hrs|horas)\b|\ba las \d", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_HEADLINE = re.compile(r"^[^:!?¡¿]{2,40}:\s")
_SENTENCE_START = re.compile(r"(?:^|[.!?¡¿…:;\n]\s*)([^\W\d_]+)")

_DATE_WORDS = frozenset(
    """enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
    diciembre lunes martes miércoles miercoles jueves viernes sábado sabado domingo hoy mañana
    manana ayer anoche semana mes año ano horario""".split()
)
_REPORTED = frozenset(
    """según segun informó informo informa informan informaron anunció anuncio anuncia anuncian
    anunciaron dijo dice dicen afirmó afirmo afirma aseguró aseguro asegura confirmó confirmo
    confirma confirman confirmaron presentó presento presenta presentará presentara publicó
    publico publica publicará publicara reporta reportó reporto reportan declaró declaro declara
    explicó explico señaló señalo indicó indico comunicó comunico comunicado detalló detallo
    abrirá abrira lanzó lanzo lanza lanzará lanzara estrena estrenará estrenara inicia iniciará
    aprueba aprobó aprobo nombra nombró nombro amplía amplia suma sumará sumara convoca
    anuncian realizará realizara celebrará celebrara transmiten transmite emitimos dispuso
    presentamos presentan""".split()
)
_FIRST = frozenset("yo me mi mis conmigo estoy estuve nosotros nosotras nuestro nuestra".split())
_SECOND = frozenset("tú tu tus te ti contigo vos ustedes os vosotros vosotras".split())
_ENGLISH = frozenset("the my so this is ever you all of and to it".split())


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


def style_features(text: str, sentiment_items: int) -> tuple[float, ...]:
    """The style features of ``text`` in the order of ``STYLE_NAMES`` (module doc);
    ``sentiment_items`` is how many units carry a valence by the rules."""
    words = [w.lower() for w in _WORD.findall(text)]
    reported = sum(w in _REPORTED for w in words)
    first = sum(w in _FIRST for w in words)
    dates = sum(w in _DATE_WORDS for w in words) + len(_CLOCK.findall(text))
    plain_news = reported > 0 and first == 0 and "!" not in text
    return (
        _capped(len(_NUMBER.findall(text))),
        _capped(dates),
        _capped(reported),
        float(bool(_HEADLINE.match(text)) or plain_news),
        _capped(first),
        _capped(sum(w in _SECOND for w in words)),
        float(_question_only(text)),
        float(text.lstrip().startswith("¿")),
        _proper_share(text, words),
        float(sentiment_items == 0),
        _capped(sum(w in _ENGLISH for w in words)),
    )
