"""The dashboard: server-rendered pages on the API's origin (see README, "Dashboard")."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from pages.compress import API_PREFIXES, PageGZip
from pages.deps import BadForm, LoginRequired
from pages.render import render
from services.errors import InvalidInputError, NotFoundError

STATIC = Path(__file__).parent / "static"


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PREFIXES)


def _problem(request: Request, title: str, detail: str, code: int) -> HTMLResponse:
    return render(
        request,
        "problem.html",
        {"title": title, "detail": detail, "viewer": None},
        status_code=code,
    )


def mount(app: FastAPI) -> None:
    """Add the pages, their static files and /docs to the API application."""
    from pages.routes import (
        alerts,
        brands,
        control,
        docs,
        login,
        mentions,
        overview,
        relevance,
        sources,
    )

    for module in (login, docs, brands, overview, mentions, relevance, control, sources, alerts):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(PageGZip)

    json_handlers: dict[Any, Any] = dict(app.exception_handlers)

    @app.exception_handler(LoginRequired)
    def login_required(_: Request, exc: LoginRequired) -> Response:
        target = "/login" if exc.next_path in ("", "/") else f"/login?next={exc.next_path}"
        return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)

    @app.exception_handler(BadForm)
    def bad_form(request: Request, exc: BadForm) -> Response:
        return _problem(request, "403", str(exc), status.HTTP_403_FORBIDDEN)

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> Response:
        if is_page(request):
            return _problem(request, "404", str(exc), status.HTTP_404_NOT_FOUND)
        response: Response = json_handlers[NotFoundError](request, exc)
        return response

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            detail = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
            return _problem(request, "422", detail, status.HTTP_422_UNPROCESSABLE_CONTENT)
        response: Response = json_handlers[RequestValidationError](request, exc)
        return response

    @app.exception_handler(InvalidInputError)
    def invalid(request: Request, exc: InvalidInputError) -> Response:
        if is_page(request):
            return _problem(request, "422", str(exc), status.HTTP_422_UNPROCESSABLE_CONTENT)
        response: Response = json_handlers[InvalidInputError](request, exc)
        return response
