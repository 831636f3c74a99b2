"""Spanish tweet tokenizer for the rule scorer.

- URLs, @handles and e-mail addresses are dropped; ``RT`` is dropped;
- ``#HashTags`` are split on CamelCase (``#NoMásAbusos`` -> ``No Más Abusos``), their words
  never count as shouting in capitals;
- emoji are tokens of their own, also when stuck to a word (``genial😍``); skin tones,
  variation selectors and zero-width joiners are dropped (a joined sequence gives its parts);
- emoticons are kept whole (``:)``, ``:-(``, ``:'(``, ``xD``, ``<3``, ``-_-``, ``u.u``);
- words are runs of letters; numbers are dropped; ``!``, ``?`` and clause punctuation
  (``. , ; : …``) are kept, since negation does not reach across them.
"""

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = "word"
    EMOJI = "emoji"
    EMOTICON = "emoticon"
    PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its text as written, lower-cased, and what it is."""

    text: str
    lower: str
    kind: Kind
    hashtag: bool = False


_EMOTICONS = [
    ">:(", ">:-(", "</3", "<3", ":'(", ":'-(", ":'v", "='(", ":-)", ":-(", ":-D", ":-P", ":-p",
    ":-/", ":-|", ";-)", ":))", ":((", ":)", ":(", ":D", ":P", ":p", ":/", ":\\", ":|", ":S",
    ":s", ":3", ":*", ":v", ":c", ":O", ":o", ";)", ";D", ";P", ";p", "=)", "=(", "=D", "=P",
    "(:", "):", "^^", "^_^", "^.^", "-_-", "-.-", "¬¬", "¬_¬", "T_T", "T.T", "u.u", "u_u", "._.",
    "xD", "XD", "D:", "c:",
]  # fmt: skip


def _alternation(items: list[str]) -> str:
    return "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True))


_SYMBOL_EMOTICON = _alternation([e for e in _EMOTICONS if not e[0].isalpha()])
_LETTER_EMOTICON = _alternation([e for e in _EMOTICONS if e[0].isalpha()])

_EMOJI_CHARS = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u2190-\u21ff"
    "\u3030\u303d\u3297\u3299\u203c\u2049\u2122\u2139\u00a9\u00ae"
)
_DROPPED = re.compile("[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]")

_TOKEN = re.compile(
    rf"""
    (?P<skip>https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+|\bRT\b)
    | \#(?P<hashtag>\w+)
    | (?P<emoticon>{_SYMBOL_EMOTICON}|(?<![^\W\d_])(?:{_LETTER_EMOTICON}))(?![^\W\d_])
    | (?P<emoji>[{_EMOJI_CHARS}])
    | (?P<word>[^\W\d_]+)
    | (?P<punct>[!¡?¿.,;:…]+)
    """,
    re.VERBOSE,
)
_CAMEL = re.compile(r"[A-ZÁÉÍÓÚÑÜ]?[a-záéíóúñü]+|[A-ZÁÉÍÓÚÑÜ]+(?![a-záéíóúñü])")


def _hashtag_words(tag: str) -> list[Token]:
    return [Token(part, part.lower(), Kind.WORD, hashtag=True) for part in _CAMEL.findall(tag)]


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` in order (rules in the module doc)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(_DROPPED.sub("", text)):
        kind = match.lastgroup
        value = match.group(kind) if kind else ""
        if kind == "hashtag":
            tokens.extend(_hashtag_words(value))
        elif kind == "emoticon":
            tokens.append(Token(value, value.lower(), Kind.EMOTICON))
        elif kind == "emoji":
            tokens.append(Token(value, value, Kind.EMOJI))
        elif kind == "word":
            tokens.append(Token(value, value.lower(), Kind.WORD))
        elif kind == "punct":
            tokens.append(Token(value, value, Kind.PUNCT))
    return tokens
