"""Syntax of the brand query language: tokenizer, recursive-descent parser and AST.

Grammar (OR binds tighter than AND, as in web search; NOT and `-` bind tightest):

    query    := and_expr END
    and_expr := or_expr ( ["AND"] or_expr )*
    or_expr  := unary ( ("OR" | "|") unary )*
    unary    := ("NOT" | "-") primary | primary
    primary  := WORD | WORD"*" | PHRASE | "(" and_expr ")"

Only upper-case OR, AND and NOT are operators. Words and phrases are normalised with
`domain.textnorm.words`, so the AST holds the folded forms that texts are matched on.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum, auto

from domain.textnorm import words

MAX_QUERY_LENGTH = 1000
MIN_PREFIX_LENGTH = 2
MAX_NESTING = 32  # parentheses in parentheses: past any real query, well within Python's stack

_QUOTES = frozenset('"“”„«»')
_WORD_STOPS = _QUOTES | frozenset("()|")
_WORD_CHAR = re.compile(r"[^\W_]")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; `message` names `position` (0-based)."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    display: str
    position: int


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]
    display: str
    position: int


@dataclass(frozen=True, slots=True)
class Prefix:
    stem: str
    display: str
    position: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: "Node"
    position: int


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple["Node", ...]
    position: int


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple["Node", ...]
    position: int


Node = Term | Phrase | Prefix | Not | And | Or


class _Kind(Enum):
    WORD = auto()
    PHRASE = auto()
    OPEN = auto()
    CLOSE = auto()
    OR = auto()
    AND = auto()
    NOT = auto()
    MINUS = auto()
    END = auto()


_OPERATOR_WORDS = {"OR": _Kind.OR, "AND": _Kind.AND, "NOT": _Kind.NOT}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str
    position: int

    def describe(self) -> str:
        return self.text if self.text in _OPERATOR_WORDS else f"'{self.text}'"


def parse(query: str) -> Node:
    """Parse `query` into an AST, or raise QuerySyntaxError naming the position."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            MAX_QUERY_LENGTH,
            f"the query is longer than {MAX_QUERY_LENGTH:,} characters "
            f"(it has {len(query):,}; the excess starts at position {MAX_QUERY_LENGTH})",
        )
    if not query.strip():
        raise QuerySyntaxError(0, "the query is empty (position 0): type a word to look for")
    root = _Parser(_tokenize(query), len(query)).parse()
    if not requires_a_word(root):
        raise QuerySyntaxError(
            0, "a query needs at least one word to look for, not only exclusions (position 0)"
        )
    return root


def requires_a_word(node: Node) -> bool:
    """Whether every text matching `node` must contain one of its positive terms."""
    match node:
        case Term() | Phrase() | Prefix():
            return True
        case Not():
            return False
        case And(operands=operands):
            return any(requires_a_word(operand) for operand in operands)
        case Or(operands=operands):
            return all(requires_a_word(operand) for operand in operands)


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()|":
            kind = {"(": _Kind.OPEN, ")": _Kind.CLOSE, "|": _Kind.OR}[char]
            tokens.append(_Token(kind, char, index))
            index += 1
        elif char in _QUOTES:
            tokens.append(_phrase_token(query, index))
            index += len(tokens[-1].text) + 2
        elif char == "-":
            _check_minus(query, index)
            tokens.append(_Token(_Kind.MINUS, char, index))
            index += 1
        else:
            end = _word_end(query, index)
            text = query[index:end]
            tokens.append(_Token(_OPERATOR_WORDS.get(text, _Kind.WORD), text, index))
            index = end
    return tokens


def _phrase_token(query: str, start: int) -> _Token:
    for end in range(start + 1, len(query)):
        if query[end] in _QUOTES:
            return _Token(_Kind.PHRASE, query[start + 1 : end], start)
    raise QuerySyntaxError(start, f"unclosed quote opened at position {start}")


def _check_minus(query: str, index: int) -> None:
    following = query[index + 1 : index + 2]
    if not following or following.isspace() or following in ")|":
        raise QuerySyntaxError(
            index,
            f"'-' at position {index} must be stuck to the word, phrase or group it excludes, "
            'as in -cocaine or -"coke zero"',
        )


def _word_end(query: str, start: int) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in _WORD_STOPS:
        end += 1
    return end


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self._tokens = [*tokens, _Token(_Kind.END, "", length)]
        self._index = 0
        self._negation: _Token | None = None
        self._depth = 0

    def parse(self) -> Node:
        root = self._and_expr()
        token = self._peek()
        if token.kind is _Kind.CLOSE:
            raise QuerySyntaxError(
                token.position, f"')' at position {token.position} has no matching '('"
            )
        return root

    def _peek(self) -> _Token:
        return self._tokens[self._index]

    def _advance(self) -> _Token:
        token = self._tokens[self._index]
        self._index += 1
        return token

    def _and_expr(self) -> Node:
        operands = [self._or_expr(after=None)]
        while self._peek().kind not in (_Kind.END, _Kind.CLOSE):
            operator = self._advance() if self._peek().kind is _Kind.AND else None
            operands.append(self._or_expr(after=operator))
        return _combine(And, operands)

    def _or_expr(self, after: _Token | None) -> Node:
        operands = [self._unary(after)]
        while self._peek().kind is _Kind.OR:
            operator = self._advance()
            operands.append(self._unary(after=operator))
        if len(operands) > 1:
            for operand in operands:
                _check_alternative(operand)
        return _combine(Or, operands)

    def _unary(self, after: _Token | None) -> Node:
        token = self._peek()
        if token.kind not in (_Kind.NOT, _Kind.MINUS):
            return self._primary(after)
        if self._negation is not None:
            raise QuerySyntaxError(
                token.position,
                f"{token.describe()} at position {token.position} is inside what "
                f"{self._negation.describe()} at position {self._negation.position} "
                "already excludes; an exclusion cannot contain another",
            )
        self._negation = self._advance()
        operand = self._unary(after=token)
        self._negation = None
        return Not(operand, token.position)

    def _primary(self, after: _Token | None) -> Node:
        token = self._peek()
        if token.kind is _Kind.WORD:
            return _word_node(self._advance())
        if token.kind is _Kind.PHRASE:
            return _phrase_node(self._advance())
        if token.kind is _Kind.OPEN:
            return self._group()
        raise _unexpected(token, after)

    def _group(self) -> Node:
        opening = self._advance()
        if self._depth >= MAX_NESTING:
            raise QuerySyntaxError(
                opening.position,
                f"the parenthesis at position {opening.position} is nested more than "
                f"{MAX_NESTING} levels deep; simplify the query",
            )
        self._depth += 1
        try:
            return self._group_body(opening)
        finally:
            self._depth -= 1

    def _group_body(self, opening: _Token) -> Node:
        if self._peek().kind is _Kind.CLOSE:
            raise QuerySyntaxError(
                opening.position, f"empty parentheses at position {opening.position}"
            )
        if self._peek().kind is not _Kind.END:
            inner = self._and_expr()
            if self._advance().kind is _Kind.CLOSE:
                return inner
        raise QuerySyntaxError(
            opening.position, f"unclosed parenthesis opened at position {opening.position}"
        )


def _unexpected(token: _Token, after: _Token | None) -> QuerySyntaxError:
    if token.kind in (_Kind.OR, _Kind.AND) and (
        after is None or after.kind in (_Kind.OR, _Kind.AND)
    ):
        return QuerySyntaxError(
            token.position,
            f"{token.describe()} at position {token.position} "
            "needs a word, phrase or group before it",
        )
    if after is not None:
        return QuerySyntaxError(
            after.position,
            f"{after.describe()} at position {after.position} "
            "needs a word, phrase or group after it",
        )
    if token.kind is _Kind.CLOSE:
        return QuerySyntaxError(
            token.position, f"')' at position {token.position} has no matching '('"
        )
    return QuerySyntaxError(
        token.position, f"unexpected {token.describe()} at position {token.position}"
    )


def _check_alternative(operand: Node) -> None:
    if not requires_a_word(operand):
        raise QuerySyntaxError(
            operand.position,
            f"the alternative at position {operand.position} only excludes; "
            "each side of OR needs a word to look for",
        )


def _combine(kind: type[And] | type[Or], operands: list[Node]) -> Node:
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
    return kind(tuple(flat), flat[0].position)


def _word_node(token: _Token) -> Node:
    text, position = token.text, token.position
    star = text.find("*")
    if star != -1:
        return _prefix_node(text, position, star)
    found = words(text)
    if not found:
        raise QuerySyntaxError(
            position, f"'{text}' at position {position} has no letters or digits to look for"
        )
    display = _EDGE_PUNCTUATION.sub("", text)
    if len(found) == 1:
        return Term(found[0], display, position)
    return Phrase(tuple(found), f'"{display}"', position)


def _prefix_node(text: str, position: int, star: int) -> Prefix:
    star_position = position + star
    if star != len(text) - 1:
        raise QuerySyntaxError(
            star_position, f"'*' at position {star_position} can only end a word, as in coca*"
        )
    stem = unicodedata.normalize("NFC", text[:-1])  # so that "e" + U+0301 ends in a letter
    if not stem or not _WORD_CHAR.match(stem[-1]):
        raise QuerySyntaxError(
            star_position,
            f"'*' at position {star_position} must directly follow a word, as in coca*",
        )
    found = words(stem)
    if len(found) != 1:
        raise QuerySyntaxError(
            position, f"'{text}' at position {position}: '*' can only extend a single word"
        )
    if len(found[0]) < MIN_PREFIX_LENGTH:
        raise QuerySyntaxError(
            position,
            f"the prefix '{text}' at position {position} is too short: "
            f"put at least {MIN_PREFIX_LENGTH} letters or digits before '*'",
        )
    return Prefix(found[0], _EDGE_PUNCTUATION.sub("", stem) + "*", position)


def _phrase_node(token: _Token) -> Node:
    star = token.text.find("*")
    if star != -1:
        star_position = token.position + 1 + star
        raise QuerySyntaxError(
            star_position,
            f"'*' at position {star_position} is inside quotes; a phrase matches exact words",
        )
    found = words(token.text)
    if not found:
        raise QuerySyntaxError(
            token.position, f"empty phrase at position {token.position}: put words between quotes"
        )
    display = '"' + " ".join(_EDGE_PUNCTUATION.sub("", token.text).split()) + '"'
    if len(found) == 1:
        return Term(found[0], display, token.position)
    return Phrase(tuple(found), display, token.position)
