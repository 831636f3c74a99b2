"""The FastAPI application: routers, and one error shape: {"detail": ...}."""

import math
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

import pages
from api.routes import (
    alerts,
    brands,
    control,
    health,
    mentions,
    objectives,
    query,
    sentiment,
    situation,
    sources,
    trends,
)
from core.logging import configure_logging, get_logger
from services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceUnavailableError,
)

log = get_logger(__name__)

DESCRIPTION = """Brand-mention listening for SOSTAC's Situation and Control stages.

Authenticate with `Authorization: Bearer <api key>` (from `escucha workspace create`).
Errors answer `{"detail": ...}`: 401 without a valid key, 404 for ids that do not exist or
belong to another workspace, 409 on conflicts, 422 on bad input (unknown query parameters
included), 503 when the database or the task queue is unreachable."""


def _error(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)


def _json_safe(value: Any) -> Any:
    """Validation errors echo the input; NaN, infinities and exceptions are not JSON."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        title="Escucha", version="0.1.0", description=DESCRIPTION, docs_url=None, redoc_url=None
    )
    for module in (health, brands, sources, mentions, trends, query, sentiment, alerts):
        app.include_router(module.router)
    for module in (situation, objectives, control):
        app.include_router(module.router)

    @app.exception_handler(RequestValidationError)
    def validation_failed(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _json_safe(exc.errors())}, status_code=422)

    @app.exception_handler(NotFoundError)
    def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return _error(status.HTTP_404_NOT_FOUND, str(exc))

    @app.exception_handler(ConflictError)
    def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return _error(status.HTTP_409_CONFLICT, str(exc))

    @app.exception_handler(InvalidInputError)
    def invalid(_: Request, exc: InvalidInputError) -> JSONResponse:
        return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))

    @app.exception_handler(ServiceUnavailableError)
    def unavailable(_: Request, exc: ServiceUnavailableError) -> JSONResponse:
        return _error(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc))

    @app.exception_handler(OperationalError)
    def database_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database.unreachable", error=str(exc.orig))
        return _error(status.HTTP_503_SERVICE_UNAVAILABLE, "the database is unreachable")

    pages.mount(app)  # the dashboard, after the JSON error handlers it falls back to
    return app


app = create_app()
