from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import WorkspaceIdDep
from api.schemas import MAX_TEXT_LENGTH, StrictModel
from domain.language import detect_language
from domain.sentiment import score_text

router = APIRouter(tags=["sentiment"])


class SentimentRequest(StrictModel):
    texts: list[Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]] = Field(max_length=1000)
    language: Literal["es", "en"] | None = None


class SentimentResult(BaseModel):
    compound: float
    label: str
    language: str | None
    model: str


class SentimentResponse(BaseModel):
    results: list[SentimentResult]


@router.post("/v1/sentiment/score", response_model=SentimentResponse)
def score_sentiment(body: SentimentRequest, _workspace_id: WorkspaceIdDep) -> SentimentResponse:
    """How a text would be scored (at most 1,000 texts of at most 10,000 characters).
    `language` null detects it per text; Spanish goes to our Spanish scorer, English and
    anything else to VADER."""
    results = []
    for text in body.texts:
        language = body.language or detect_language(text)
        score = score_text(text, language)
        results.append(
            SentimentResult(
                compound=score.compound, label=score.label, language=language, model=score.model
            )
        )
    return SentimentResponse(results=results)
