"""Page dependencies: the signed-in workspace (or a redirect to /login) and checked forms."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request

from api.deps import SessionDep
from models.workspaces import active_key
from pages.auth import SESSION_COOKIE, PageSession, decode_session, tokens_match

MAX_FORM_BYTES = 256 * 1024


class LoginRequired(Exception):
    """No valid session: the page answers a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class BadForm(Exception):
    """A form without its CSRF token (or too large): refused with 403."""


@dataclass(frozen=True)
class Viewer:
    workspace_id: int
    session: PageSession

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token


def _here(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(path, safe="/")


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    found = decode_session(request.cookies.get(SESSION_COOKIE))
    key = active_key(session, found.key_id) if found else None
    if found is None or key is None or key.workspace_id != found.workspace_id:
        raise LoginRequired(_here(request) if request.method == "GET" else "/")
    return Viewer(found.workspace_id, found)


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


async def form_fields(request: Request) -> dict[str, list[str]]:
    """An application/x-www-form-urlencoded body as {name: [values]}."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise BadForm("the form is too large")
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return fields


FormDep = Annotated[dict[str, list[str]], Depends(form_fields)]


def checked_form(viewer: ViewerDep, fields: FormDep) -> dict[str, list[str]]:
    """The form of a signed-in viewer, refused unless it carries the session's CSRF token."""
    if not tokens_match(viewer.csrf_token, (fields.get("csrf_token") or [""])[0]):
        raise BadForm("this form has expired or did not come from this site: reload the page")
    return fields


CheckedFormDep = Annotated[dict[str, list[str]], Depends(checked_form)]


def first(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[0].strip()
