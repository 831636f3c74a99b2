"""Stories: the same news carried by many outlets is one story. Pure: no I/O.

A mention is reduced to its *content words*: the folded words of its title and the start of
its text, without stop words, words under 3 characters and the brand's own query words (they
are in every mention, so they say nothing about which story it is), a plural "s" dropped.

Two mentions are the same story when their content words overlap enough (``same_story``).
Comparing each new mention with every stored one is out of the question, so each mention
gets one *key*, stored and indexed: the longest content word among its first ones (its
headline, mostly; alphabetical first on ties), and *probes*: its three longest. A stored
mention is a candidate for a new one when its key is one of the new one's probes, and the
candidates are then compared word for word. This is locality-sensitive hashing with one
band, the database index standing in for the LSH table; MinHash signatures would only
estimate the overlap that is computed exactly on the few candidates. benchmarks/stories.py
prints what this finds on the fixtures, and what it costs.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import filterfalse

from domain.terms import STOP_WORDS, BrandTerms

HEAD_WORDS = 60  # words of title + text compared (a syndicated snippet is cut anywhere)
KEY_WORDS = 14  # the first words, where the key is taken from: the headline, mostly
PROBES = 2
SAME_STORY_AT = 0.5  # overlap (see ``similarity``) from which two mentions are one story
_MIN_WORDS = 3  # fewer content words than this: too little to tell a story by


@dataclass(frozen=True, slots=True)
class StoryPrint:
    """What stories are told apart by; ``key`` is None when the text is too short."""

    key: str | None
    probes: tuple[str, ...]
    words: frozenset[str]


class _Forms(dict[str, str]):
    """word -> its content form ("" for a word that tells nothing), filled as words come:
    one dictionary look a word instead of three tests (this runs for every new mention)."""

    def __missing__(self, word: str) -> str:
        if len(word) < 3 or word in STOP_WORDS:
            form = ""
        else:
            form = word[:-1] if len(word) > 4 and word[-1] == "s" else word
        if len(self) < _MAX_FORMS:
            self[word] = form
        return form


_MAX_FORMS = 500_000
_FORMS = _Forms()


def brand_forms(brand: BrandTerms) -> frozenset[str]:
    """The brand's own words as content forms, to be left out."""
    return frozenset(filter(None, map(_FORMS.__getitem__, brand.exact)))


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """A brand's words, as story prints leave them out; made once per brand and poll."""

    brand: BrandTerms
    own: frozenset[str]

    @classmethod
    def of(cls, query_terms: Sequence[str]) -> "StoryTerms":
        """``query_terms`` as ``BrandQuery.positive_terms()`` gives them."""
        brand = BrandTerms.from_query_terms(query_terms)
        return cls(brand, brand_forms(brand))

    def print_of(self, tokens: Sequence[str]) -> "StoryPrint":
        return story_print(tokens, self.brand, self.own)


def content_words(
    tokens: Sequence[str], brand: BrandTerms, own: frozenset[str] | None = None
) -> list[str]:
    """The words that tell one story from another, in order (see the module docstring).
    ``own``: ``brand_forms(brand)``, when the caller has it already."""
    own = brand_forms(brand) if own is None else own
    forms = filter(None, map(_FORMS.__getitem__, tokens[:HEAD_WORDS]))  # a slice: no islice
    if brand.prefixes:
        return [form for form in forms if form not in own and not form.startswith(brand.prefixes)]
    return list(filterfalse(own.__contains__, forms))


def story_print(
    tokens: Sequence[str], brand: BrandTerms, own: frozenset[str] | None = None
) -> StoryPrint:
    """The print of a mention whose folded words (title first) are ``tokens``."""
    head = content_words(tokens, brand, own)
    found = frozenset(head)
    if len(found) < _MIN_WORDS:
        return StoryPrint(None, (), found)
    first = sorted(set(head[:KEY_WORDS]))
    first.sort(key=len, reverse=True)  # stable: alphabetical among words of one length
    return StoryPrint(first[0], tuple(first[:PROBES]), found)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """How much two mentions' content words overlap: the shared words over the words of the
    shorter one (a snippet cut from a longer copy is still that copy), tempered by the
    Jaccard index when their sizes differ a lot (a headline is not the same story as every
    article that repeats its few words)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    shorter = min(len(a), len(b))
    containment = shared / shorter
    jaccard = shared / (len(a) + len(b) - shared)
    return (containment + jaccard) / 2


def same_story(a: StoryPrint, b: StoryPrint) -> bool:
    return (
        a.key is not None and b.key is not None and similarity(a.words, b.words) >= (SAME_STORY_AT)
    )


@dataclass(frozen=True, slots=True)
class KnownStory:
    """A stored mention that new ones may copy: its story's id and its print."""

    story_id: int
    found: StoryPrint


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a new mention's story comes from: a stored story (``story_id``), an earlier new
    mention of the same batch (``copy_of``, its position), or neither (a story of its own)."""

    story_id: int | None = None
    copy_of: int | None = None


_OWN_STORY = Assignment()  # most mentions; frozen, so one serves them all


def assign(
    prints: Sequence[StoryPrint], known: Mapping[str, Sequence[KnownStory]]
) -> list[Assignment]:
    """Stories for new mentions in arrival order. ``known``: stored mentions by key, newest
    first. A mention joins the story of the first mention found by one of its probes that it
    matches, stored ones first, then the earlier ones of the batch (their keys are indexed
    as they come, as the stored ones' are)."""
    batch: dict[str, list[int]] = {}
    found: list[Assignment] = []
    for position, this in enumerate(prints):
        found.append(_assignment(this, known, batch, prints, found))
        if this.key is not None:
            batch.setdefault(this.key, []).append(position)
    return found


def _assignment(
    this: StoryPrint,
    known: Mapping[str, Sequence[KnownStory]],
    batch: Mapping[str, Sequence[int]],
    prints: Sequence[StoryPrint],
    found: Sequence[Assignment],
) -> Assignment:
    for probe in this.probes:
        for stored in known.get(probe, ()):
            if same_story(this, stored.found):
                return Assignment(story_id=stored.story_id)
    for probe in this.probes:
        for earlier in batch.get(probe, ()):
            if same_story(this, prints[earlier]):
                return found[earlier] if _settled(found[earlier]) else Assignment(copy_of=earlier)
    return _OWN_STORY


def _settled(assignment: Assignment) -> bool:
    """Whether the earlier mention already belongs to someone else's story (then so does
    its copy), rather than starting one."""
    return assignment.story_id is not None or assignment.copy_of is not None


def group(prints: Sequence[StoryPrint]) -> list[int]:
    """For mentions in arrival order, the position of the first mention of each one's story
    (its own position when it starts one): ``assign`` with nothing stored."""
    return [
        position if a.copy_of is None else a.copy_of
        for position, a in enumerate(assign(prints, {}))
    ]


CARRIES_AT = 0.5  # share of a spike's mentions from which one story "carries" it


@dataclass(frozen=True, slots=True)
class SpikeExplanation:
    """Whether one story carries a spike (or a peak), or it is broad conversation."""

    kind: str  # "story" or "broad"
    share: float  # of the spike's mentions in its largest story (0 without mentions)


def explain_spike(mentions: int, largest_story: int) -> SpikeExplanation:
    """A spike is carried by one story when that story has at least 2 of its mentions and
    ``CARRIES_AT`` of them; else it is broad conversation."""
    share = largest_story / mentions if mentions else 0.0
    kind = "story" if largest_story >= 2 and share >= CARRIES_AT else "broad"
    return SpikeExplanation(kind, share)
