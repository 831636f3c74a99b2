import hmac
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

from api.deps import SessionDep
from core.settings import get_settings
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


PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def _bears_token(authorization: str | None, token: str) -> bool:
    scheme, _, credentials = (authorization or "").partition(" ")
    given = credentials.strip().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given, token.encode())


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={401: {"description": "ESCUCHA_METRICS_TOKEN is set and was not given"}},
)
def metrics(session: SessionDep, authorization: Annotated[str | None, Header()] = None) -> Response:
    """Prometheus text: polls, failures, mentions stored, poll latency, and per-brand
    series (mentions by source kind and sentiment label, source health by status). Labels
    hold bounded ids and names only. When ESCUCHA_METRICS_TOKEN is set, only a request with
    `Authorization: Bearer <token>` is answered."""
    token = get_settings().metrics_token.get_secret_value()
    if token and not _bears_token(authorization, token):
        return JSONResponse(
            {"detail": "this endpoint needs Authorization: Bearer <ESCUCHA_METRICS_TOKEN>"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return PlainTextResponse(render_metrics(session), media_type=PROMETHEUS_TEXT)
