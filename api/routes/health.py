from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

from api.deps import SessionDep
from services.metrics import render_metrics
from workers.queue import broker_reachable

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (no auth, no dependencies checked)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(session: SessionDep) -> Response:
    """The database and the broker are reachable: 200, else 503 naming what is not."""
    checks: dict[str, str] = {}
    try:
        session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    broker_error = broker_reachable()
    checks["broker"] = "ok" if broker_error is None else f"unreachable: {broker_error}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(session: SessionDep) -> str:
    """Prometheus text: polls, failures, mentions stored, poll latency, source health."""
    return render_metrics(session)
