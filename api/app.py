"""The FastAPI application: routers, and one error shape: {"detail": ...}."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

import pages
from api.body_limit import BodyLimitMiddleware
from api.guards import check_request
from api.openapi import install_openapi
from api.routes import (
    alerts,
    brands,
    control,
    health,
    mentions,
    objectives,
    query,
    relevance,
    sentiment,
    situation,
    sources,
    trends,
)
from core.collector import settle_collector
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
belong to another workspace, 409 on conflicts, 413 for a body over 1 MB, 422 on bad input
(unknown query parameters included; `detail` is then a message, or a list of the problems
found, each with `loc`, `msg` and `type`, never the input itself), 503 when the database or
the task queue is unreachable.

Dates: `since`, `until`, `start`, `deadline`, `as_of` and `known_at` take an ISO date or
datetime (years 1900 to 2199); a date or a datetime without an offset is a local time in the
brand's timezone (UTC where the request names no brand). `since` is inclusive, `until`
exclusive, and `since` after `until` is a 422."""


def _error(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)


MAX_ECHO = 200  # characters of a message or location kept in a 422 answer


def _short(value: Any) -> Any:
    text = value if isinstance(value, str | int) and not isinstance(value, bool) else str(value)
    return text[:MAX_ECHO] + "..." if isinstance(text, str) and len(text) > MAX_ECHO else text


def validation_issues(errors: Any) -> list[dict[str, Any]]:
    """What went wrong, where, never the input itself: a 20 MB body is not sent back."""
    issues = []
    for error in errors:
        issue: dict[str, Any] = {
            "type": str(error.get("type", "value_error")),
            "loc": [_short(part) for part in error.get("loc", ())],
            "msg": _short(error.get("msg", "")),
        }
        issues.append(issue)
    return issues


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (two routes may share a path, and
    Starlette's 405 names only the first one's)."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    settle_collector()  # the app and everything it imported are loaded by now
    yield


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        lifespan=_lifespan,
        title="Escucha",
        version="0.1.0",
        description=DESCRIPTION,
        dependencies=[Depends(check_request)],
        docs_url=None,  # /docs is the dashboard's, with Swagger UI served from here (pages)
        redoc_url=None,
    )
    app.add_middleware(BodyLimitMiddleware)
    for module in (health, brands, sources, mentions, trends, query, sentiment, alerts):
        app.include_router(module.router)
    for module in (situation, objectives, control, relevance):
        app.include_router(module.router)

    @app.exception_handler(RequestValidationError)
    def validation_failed(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_issues(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            headers["Allow"] = _allowed_methods(request)
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)

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

    install_openapi(app)
    pages.mount(app)  # the dashboard, after the JSON error handlers it falls back to
    return app


app = create_app()
