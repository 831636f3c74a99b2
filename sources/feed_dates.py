"""Dates as feeds write them: RFC 822 (also with Portuguese, Spanish, Italian, French, German
and Dutch day and month names, as real feeds do) and ISO 8601 / W3CDTF.

Everything comes back timezone-aware in UTC; a date without a zone is taken as UTC; an
unreadable or implausible date (before 1970, or one whose offset takes it past the
calendar's ends, such as `Fri, 31 Dec 9999 23:59:59 -1200`) is None.
"""

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz

_MIN_YEAR = 1970
_MAX_LENGTH = 200  # longer is no date; and no regex here ever sees a long text
_ISO = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_MONTHS = {
    **dict.fromkeys(["jan", "ene", "gen", "janv"], "Jan"),
    **dict.fromkeys(["feb", "fev", "fevr"], "Feb"),
    **dict.fromkeys(["mar", "mars", "mrz", "mrt"], "Mar"),
    **dict.fromkeys(["apr", "abr", "avr"], "Apr"),
    **dict.fromkeys(["may", "mai", "mag", "mei"], "May"),
    **dict.fromkeys(["jun", "juin", "giu"], "Jun"),
    **dict.fromkeys(["jul", "juil", "lug"], "Jul"),
    **dict.fromkeys(["aug", "ago", "aou", "aout"], "Aug"),
    **dict.fromkeys(["sep", "set", "sept"], "Sep"),
    **dict.fromkeys(["oct", "out", "ott", "okt"], "Oct"),
    **dict.fromkeys(["nov"], "Nov"),
    **dict.fromkeys(["dec", "dez", "dic"], "Dec"),
}
# Zone names email.utils does not know, as offsets (standard names only; ambiguous ones
# such as IST are left out and read as UTC).
_ZONES = {
    "CET": "+0100",
    "MEZ": "+0100",
    "MESZ": "+0200",
    "CEST": "+0200",
    "MET": "+0100",
    "MEST": "+0200",
    "WET": "+0000",
    "WEST": "+0100",
    "EET": "+0200",
    "EEST": "+0300",
    "BST": "+0100",
    "MSK": "+0300",
    "BRT": "-0300",
    "ART": "-0300",
    "JST": "+0900",
    "KST": "+0900",
    "HKT": "+0800",
    "SGT": "+0800",
    "AEST": "+1000",
    "AEDT": "+1100",
    "NZST": "+1200",
    "NZDT": "+1300",
}
_US_ZONES = {
    "EST": "-0500",
    "EDT": "-0400",
    "CST": "-0600",
    "CDT": "-0500",
    "MST": "-0700",
    "MDT": "-0600",
    "PST": "-0800",
    "PDT": "-0700",
}
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_RFC822 = re.compile(
    r"^(?:[^\W\d_]+\.?,?\s*)?(\d{1,2})[\s-]+([^\W\d_]+)\.?[\s-]+(\d{4}|\d{2})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([+-]\d{4}|[A-Za-z]{1,5})?$"
)
# The shape nearly every feed writes ("Sun, 01 Nov 2026 00:00:00 GMT", as
# email.utils.format_datetime does), in ASCII classes only: half the instructions of
# _RFC822, which reads the same groups from such a date (Unicode word and digit classes
# cost a lookup a character, and its optional parts a try each).
_RFC822_USUAL = re.compile(
    r"(?:[A-Z][a-z]{2}, )?([0-9]{1,2}) ([A-Z][a-z]{2}) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (GMT|[+-][0-9]{4})"
)
_FILLERS = frozenset({"de", "del", "di", "du", "le", "el"})


def parse_feed_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    text = " ".join(value[: _MAX_LENGTH * 4].split())
    if not text or len(text) > _MAX_LENGTH:
        return None
    try:
        parsed = _parse_iso(text) if text[:4].isdigit() else _parse_common_rfc822(text)
        if parsed is None:
            parsed = _parse_rfc822(text)
    except OverflowError:  # an offset that takes the time before year 1 or after 9999
        return None
    if parsed is None or parsed.year < _MIN_YEAR:
        return None
    return parsed


def _parse_iso(text: str) -> datetime | None:
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        ).replace(microsecond=micro)
    except ValueError:
        return None
    return _apply_offset(naive, zone)


def _apply_offset(naive: datetime, zone: str | None) -> datetime:
    if zone is None or zone.upper() == "Z":
        return naive.replace(tzinfo=UTC)
    digits = zone[1:].replace(":", "").ljust(4, "0")
    minutes = int(digits[:2]) * 60 + int(digits[2:4])
    sign = -1 if zone[0] == "-" else 1
    return naive.replace(tzinfo=UTC) - timedelta(minutes=sign * minutes)


def _parse_common_rfc822(text: str) -> datetime | None:
    """The usual `Day, 06 Nov 1994 08:49:37 +0000` shape, in any of our languages."""
    match = _RFC822_USUAL.fullmatch(text) or _RFC822.match(text)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = _month(month_name)
    offset = _zone_offset(zone)
    if month is None or offset is None:
        return None
    full_year = int(year)
    if len(year) == 2:
        full_year += 2000 if full_year < 50 else 1900
    seconds = int(second or 0)
    try:
        if seconds < 60 and not offset:  # most dates: no arithmetic needed
            return datetime(
                full_year, _MONTH_NUMBERS[month], int(day), int(hour), int(minute), seconds, 0, UTC
            )
        naive = datetime(full_year, _MONTH_NUMBERS[month], int(day), int(hour), int(minute))
    except ValueError:
        return None
    return naive.replace(tzinfo=UTC) + timedelta(seconds=seconds - offset)


def _zone_offset(zone: str | None) -> int | None:
    """Seconds east of UTC; None for a zone name we do not know."""
    if not zone or zone.upper() in ("GMT", "UT", "UTC", "Z"):
        return 0
    if zone[0] in "+-":
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        return (-1 if zone[0] == "-" else 1) * minutes * 60
    named = _US_ZONES.get(zone.upper()) or _ZONES.get(zone.upper())
    if named is None:
        return None
    return _zone_offset(named)


def _parse_rfc822(text: str) -> datetime | None:
    fields = parsedate_tz(_anglicize(text))
    if fields is None:
        return None
    year, month, day, hour, minute, second, *_, offset = fields
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return naive.replace(tzinfo=UTC) - timedelta(seconds=offset or 0)


def _anglicize(text: str) -> str:
    """English month names and known zone offsets; the day name (any language) dropped."""
    words = text.replace(",", " , ").split()
    if words[1:2] == [","]:  # "Seg, 24 Set 2018", "mar, 16 nov 2022": a day name
        words = words[2:]
    elif words and not _is_number(words[0]) and _month(words[0]) is None:
        words = words[1:]
    out: list[str] = []
    for word in words:
        if word == "," or word.lower() in _FILLERS:
            continue
        month = _month(word)
        out.append(month or _ZONES.get(word.upper(), word))
    if not any(":" in word for word in out):
        out.append("00:00:00")  # a date alone: midnight UTC
    return " ".join(out)


def _month(word: str) -> str | None:
    letters = word.rstrip(".").lower()
    if not letters.isascii():
        letters = _strip_accents(letters)
    if not letters.isalpha():
        return None
    return _MONTHS.get(letters) or _MONTHS.get(letters[:4]) or _MONTHS.get(letters[:3])


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_number(word: str) -> bool:
    return word[:1].isdigit()
