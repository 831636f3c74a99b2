"""Sign in with an API key, sign out, and switch the interface language."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from core.i18n import LANGUAGES
from core.settings import get_settings
from models.workspaces import active_key_for
from pages.auth import (
    LOGIN_CSRF_COOKIE,
    MAX_AGE_SECONDS,
    SESSION_COOKIE,
    encode_session,
    new_login_token,
    new_session,
    tokens_match,
)
from pages.deps import CheckedFormDep, FormDep, first
from pages.i18n import LANG_COOKIE
from pages.render import render, safe_next

router = APIRouter(include_in_schema=False)


def _secure() -> bool:
    return get_settings().public_url.startswith("https://")


def _login_form(
    request: Request, *, next_path: str, error: str | None = None, code: int = 200
) -> HTMLResponse:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        {"csrf_token": token, "next": safe_next(next_path), "error": error},
        status_code=code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(),
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return _login_form(request, next_path=next)


@router.post("/login", response_model=None)
def login(request: Request, fields: FormDep, session: SessionDep) -> Response:
    next_path = safe_next(first(fields, "next"))
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), first(fields, "csrf_token")):
        return _login_form(request, next_path=next_path, error="expired", code=403)
    key = active_key_for(session, first(fields, "api_key"))
    if key is None or key.id is None:
        return _login_form(request, next_path=next_path, error="invalid", code=401)
    cookie = encode_session(new_session(key_id=key.id, workspace_id=key.workspace_id))
    response = RedirectResponse(next_path, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_secure(),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", response_model=None)
def logout(_fields: CheckedFormDep) -> Response:
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{language}", response_model=None)
def switch_language(language: str, next: str = "/") -> Response:
    """Remember the interface language for a year and go back where the user was."""
    response = RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    if language in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", secure=_secure(), path="/"
        )
    return response
