"""A brand's relevance page: the figures of services.relevance's report (the API's
``RelevancePublic``) written in the reader's language, and the review queue as rows."""

from dataclasses import dataclass

from core.i18n import Formats
from models.report_types import RelevancePublic, WeightedPhrase
from pages.i18n import Gettext
from pages.views.common import MentionRow


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | int | None
    shown: str
    hint: str


@dataclass(frozen=True)
class Phrase:
    phrase: str
    weight: str


@dataclass(frozen=True)
class RelevanceView:
    has_model: bool
    marks_needed: int
    figures: list[Figure]
    trained: str | None
    top_for: list[Phrase]
    top_against: list[Phrase]
    exclusions: list[str]
    suggested_query: str | None
    review: list[MentionRow]


def _phrases(pairs: list[WeightedPhrase], fmt: Formats) -> list[Phrase]:
    return [Phrase(p.phrase, fmt.signed(p.weight, 2)) for p in pairs]


def _share(value: float | None, fmt: Formats) -> str:
    return fmt.percent(value, 0) if value is not None else "–"


def relevance_view(
    report: RelevancePublic, review: list[MentionRow], fmt: Formats, _: Gettext
) -> RelevanceView:
    r = report
    figures = [
        Figure("marks", _("Marks so far"), r.marks, fmt.integer(r.marks),
               _("{relevant} about this brand, {irrelevant} not").format(
                   relevant=fmt.integer(r.relevant_marks),
                   irrelevant=fmt.integer(r.irrelevant_marks))),
        Figure("precision", _("Estimated precision"), r.precision, _share(r.precision, fmt),
               _("Of the mentions the model keeps, the share that is about the brand")),
        Figure("recall", _("Estimated recall"), r.recall, _share(r.recall, fmt),
               _("Of the mentions about the brand, the share the model keeps")),
        Figure("hidden_by_model", _("Hidden by the model"), r.hidden_by_model,
               fmt.integer(r.hidden_by_model), _("Unmarked mentions it judged off-topic")),
    ]  # fmt: skip
    return RelevanceView(
        has_model=r.has_model,
        marks_needed=r.marks_needed,
        figures=figures,
        trained=_("Model version {version}, trained {when}").format(
            version=r.model_version, when=fmt.datetime(r.trained_at)
        )
        if r.has_model and r.trained_at
        else None,
        top_for=_phrases(r.top_for, fmt),
        top_against=_phrases(r.top_against, fmt),
        exclusions=r.suggested_exclusions,
        suggested_query=r.suggested_query,
        review=review,
    )
