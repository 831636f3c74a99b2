from fastapi import APIRouter

from api.deps import WorkspaceIdDep
from api.schemas import QueryCheck, QueryCheckResult
from domain.query import parse_query

router = APIRouter(tags=["query"])


@router.post("/v1/query/check", response_model=QueryCheckResult)
def check_query(body: QueryCheck, _workspace_id: WorkspaceIdDep) -> QueryCheckResult:
    """Try a brand query on sample texts before saving it (at most 1,000 texts of at most
    10,000 characters)."""
    query = parse_query(body.query)
    return QueryCheckResult(matches=[query.matches(text) for text in body.texts])
