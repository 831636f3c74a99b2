"""Relevance use cases: the user's marks, training a brand's model from them, applying it
to stored and new mentions, the review queue and the brand's relevance report."""

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from domain.query import parse_query
from domain.relevance import (
    Candidate,
    RelevanceModel,
    exclusions_from,
    is_hidden,
    verdict_of,
    with_exclusions,
)
from domain.relevance import to_review as choose_to_review
from domain.relevance_features import BrandPrior, features
from domain.relevance_training import MIN_PER_CLASS, Example, train
from domain.terms import STOP_WORDS
from domain.textnorm import words
from models import relevance as repo
from models.report_types import RelevancePublic, WeightedPhrase
from models.tables import Brand, Mention, RelevanceModelRow
from services.errors import NotFoundError

REVIEW_POOL = 2000  # the newest unmarked mentions the review queue picks from
TRAINING_POOL = 2000  # the newest unmarked mentions training learns the brand's words from
STRAGGLERS = timedelta(minutes=5)  # mentions stored by polls that read the previous model


@lru_cache(maxsize=256)
def prior_of(query: str) -> BrandPrior:
    return BrandPrior.of(parse_query(query).positive_terms())


def features_of(
    prior: BrandPrior,
    *,
    title: str,
    text: str,
    domain: str,
    author: str | None,
    media_type: str,
    language: str | None,
) -> frozenset[str]:
    return features(
        f"{title}\n{text}",
        prior=prior,
        domain=domain,
        author=author,
        owned=media_type == "owned",
        language=language,
    )


def _model_of(row: RelevanceModelRow) -> RelevanceModel | None:
    if row.weights is None or row.intercept is None or row.threshold is None:
        return None
    return RelevanceModel(row.version, row.weights, row.intercept, row.threshold)


_CACHE: dict[int, tuple[tuple[int, datetime | None], RelevanceModel]] = {}


def models_for(session: Session, brand_ids: set[int]) -> dict[int, RelevanceModel]:
    """The trained models of these brands, as they are in the database now. Models are
    kept per process and read again only when their version (or training time) changed."""
    found: dict[int, RelevanceModel] = {}
    for brand_id, stamp in repo.trained_versions(session, brand_ids).items():
        cached = _CACHE.get(brand_id)
        if cached is None or cached[0] != stamp:
            row = repo.model_row(session, brand_id)
            model = _model_of(row) if row is not None else None
            if model is None:
                continue
            cached = _CACHE[brand_id] = (stamp, model)
        found[brand_id] = cached[1]
    return found


def mark(
    session: Session, *, workspace_id: int, mention_id: int, relevant: bool, now: datetime
) -> Mention:
    """The user's word on a mention: it takes effect in this transaction (the mention is
    hidden or shown at once) and always wins over the model."""
    mention = session.get(Mention, mention_id)
    if mention is None or mention.workspace_id != workspace_id:
        raise NotFoundError(f"mention {mention_id} not found")
    repo.set_mark(session, mention_id=mention_id, verdict=verdict_of(relevant), at=now)
    repo.note_mark(session, brand_id=mention.brand_id, at=now)
    session.refresh(mention)
    return mention


def should_train(
    row: RelevanceModelRow | None, *, marked_at: datetime, now: datetime, max_delay: float
) -> bool:
    """Debounce: a training task trains unless a later mark queued its own, and the marks
    already wait less than ``max_delay`` seconds (so steady marking still trains)."""
    if row is None or row.last_marked_at is None:
        return False
    if row.trained_at is not None and row.trained_at >= row.last_marked_at:
        return False  # trained on every mark already
    if row.last_marked_at <= marked_at:
        return True
    waiting_since = row.trained_at or marked_at
    return (now - waiting_since).total_seconds() >= max_delay


def train_brand(
    session: Session, *, brand_id: int, marked_at: datetime, now: datetime, max_delay: float
) -> bool:
    """Train the brand's model from its marks and rescore its unmarked mentions, in one
    transaction. False when debounced (a later mark's task will train)."""
    row = repo.model_row(session, brand_id, lock=True)
    brand = session.get(Brand, brand_id)
    if brand is None or not should_train(row, marked_at=marked_at, now=now, max_delay=max_delay):
        return False
    assert row is not None
    prior = prior_of(brand.query)
    marks = repo.marked(session, brand_id)
    examples = [Example(_features(prior, m), m.relevant) for m in marks]
    unmarked = repo.recent_unmarked(session, brand_id, limit=TRAINING_POOL)
    trained = train(examples, [_features(prior, m) for m in unmarked])
    row.version += 1
    row.trained_at = now
    row.trained_marks = len(marks)
    row.weights = trained.weights if trained else None
    row.intercept = trained.intercept if trained else None
    row.threshold = trained.threshold if trained else None
    row.precision = trained.precision if trained else None
    row.recall = trained.recall if trained else None
    row.top_for = [list(pair) for pair in trained.top_for] if trained else []
    row.top_against = [list(pair) for pair in trained.top_against] if trained else []
    session.add(row)
    session.flush()
    rescore(session, brand=brand, model=_model_of(row))
    return True


def _features(prior: BrandPrior, m: repo.Marked | repo.Scored) -> frozenset[str]:
    return features_of(
        prior,
        title=m.title,
        text=m.text,
        domain=m.domain,
        author=m.author,
        media_type=m.media_type,
        language=m.language,
    )


def rescore(
    session: Session,
    *,
    brand: Brand,
    model: RelevanceModel | None,
    fetched_since: datetime | None = None,
) -> int:
    """Score the brand's mentions with its model (no model: no score) and hide the unmarked
    ones it scores under its threshold (marked ones keep their mark's visibility); only rows
    whose score or visibility changes are written. Returns how many."""
    assert brand.id is not None
    prior = prior_of(brand.query)
    threshold = model.threshold if model else None
    written = 0
    for rows in repo.iter_mentions(session, brand.id, fetched_since=fetched_since):
        changes = []
        for m in rows:
            score = round(_score(model, prior, m), 6) if model else None
            hidden = is_hidden(verdict=m.verdict, score=score, threshold=threshold)
            if hidden != m.hidden or score != m.score:
                changes.append((m.id, m.verdict, score, hidden))
        repo.set_scores(session, changes)
        written += len(changes)
    return written


def _score(model: RelevanceModel, prior: BrandPrior, m: repo.Scored) -> float:
    text = f"{m.title}\n{m.text}"
    return model.score_mention(
        words(text),
        text=text,
        prior=prior,
        domain=m.domain,
        author=m.author,
        owned=m.media_type == "owned",
        language=m.language,
    )


def rescore_recent(session: Session, *, brand_id: int, now: datetime) -> int:
    """A pass over the mentions stored around the last training, for polls that had read
    the previous model when they stored theirs."""
    brand = session.get(Brand, brand_id)
    row = repo.model_row(session, brand_id)
    if brand is None or row is None:
        return 0
    return rescore(session, brand=brand, model=_model_of(row), fetched_since=now - STRAGGLERS)


def review_queue(session: Session, *, brand: Brand, limit: int) -> list[int]:
    """The ids of unmarked mentions whose marks would teach the model most (none hidden by
    the user: those are marked). Empty when there is nothing to ask."""
    assert brand.id is not None
    prior = prior_of(brand.query)
    row = repo.model_row(session, brand.id)
    model = _model_of(row) if row is not None else None
    pool = repo.recent_unmarked(session, brand.id, limit=REVIEW_POOL)
    candidates = [Candidate(m.id, _features(prior, m), m.score) for m in pool]
    marked = [_features(prior, m) for m in repo.marked(session, brand.id)]
    threshold = model.threshold if model else None
    return choose_to_review(candidates, marked=marked, threshold=threshold, limit=limit)


def review_mentions(session: Session, *, brand: Brand, limit: int) -> list[Mention]:
    """The review queue's mentions, best first."""
    ids = review_queue(session, brand=brand, limit=limit)
    found = {m.id: m for m in (session.get(Mention, i) for i in ids) if m is not None}
    return [found[i] for i in ids if i in found]


def relevance_report(session: Session, *, brand: Brand) -> RelevancePublic:
    assert brand.id is not None
    row = repo.model_row(session, brand.id)
    marks = repo.marked(session, brand.id)
    relevant = sum(m.relevant for m in marks)
    model = _model_of(row) if row is not None else None
    exclusions = _exclusions(session, brand, marks, model)
    return RelevancePublic(
        brand_id=brand.id,
        marks=len(marks),
        relevant_marks=relevant,
        irrelevant_marks=len(marks) - relevant,
        has_model=model is not None,
        marks_needed=max(0, MIN_PER_CLASS - relevant)
        + max(0, MIN_PER_CLASS - (len(marks) - relevant)),
        model_version=row.version if row else 0,
        trained_at=row.trained_at if row else None,
        threshold=model.threshold if model else None,
        precision=row.precision if row and model else None,
        recall=row.recall if row and model else None,
        top_for=_weighted(row.top_for if row and model else []),
        top_against=_weighted(row.top_against if row and model else []),
        suggested_exclusions=exclusions,
        suggested_query=with_exclusions(brand.query, exclusions) if exclusions else None,
        hidden_by_model=repo.hidden_by_model(session, brand.id),
    )


def _weighted(pairs: list[list[Any]]) -> list[WeightedPhrase]:
    return [WeightedPhrase(phrase=str(p), weight=float(w)) for p, w in pairs]


def _exclusions(
    session: Session, brand: Brand, marks: list[repo.Marked], model: RelevanceModel | None
) -> list[str]:
    if model is None:
        return []
    assert brand.id is not None
    prior = prior_of(brand.query)
    unmarked = repo.recent_unmarked(session, brand.id, limit=TRAINING_POOL)
    found = exclusions_from(
        model.weights,
        marked=[(content_words(m.title, m.text), m.relevant) for m in marks],
        shown=[content_words(m.title, m.text) for m in unmarked if not m.hidden],
        hidden=[content_words(m.title, m.text) for m in unmarked if m.hidden],
        brand_words=prior.words,
    )
    excluded = set(parse_query(brand.query).excluded_terms())
    return [word for word in found if word not in excluded]


def content_words(title: str, text: str) -> set[str]:
    return {w for w in words(f"{title}\n{text}") if len(w) > 2 and w not in STOP_WORDS}
