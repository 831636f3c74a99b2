"""Names people give brands and workspaces: what a name may hold, and when two are one.

A name is trimmed; it may not be empty or whitespace only, nor hold control characters (NUL
included) or the invisible bidirectional controls that make text display in another order
than it is stored (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C). Two names are
the same name when they differ only in case, accents or spacing ("OXXO", "Oxxo", "óxxo ").
"""

import unicodedata

from domain.textnorm import fold

MAX_NAME_LENGTH = 200

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def check_name(value: str) -> str:
    """`value` trimmed, or ValueError saying what is wrong (never echoing the name)."""
    name = value.strip()
    if not name:
        raise ValueError("a name needs at least one visible character")
    for position, char in enumerate(name):
        if char in BIDI_CONTROLS:
            raise ValueError(
                f"the name holds a bidirectional control character (U+{ord(char):04X}) "
                f"at position {position}"
            )
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise ValueError(
                f"the name holds a control character (U+{ord(char):04X}) at position {position}"
            )
    return name


def name_key(name: str) -> str:
    """What makes two names the same: folded case and accents, single spaces."""
    return " ".join(fold(name).split())[:MAX_NAME_LENGTH]
