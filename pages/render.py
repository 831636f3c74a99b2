"""Templates (Jinja2, autoescaped, one environment per language) and the headers every
page carries: a Content-Security-Policy with no inline script or style, no framing."""

from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from core.i18n import Language, translations
from pages.i18n import DOMAIN, LANG_COOKIE, negotiate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=4)
def environment(language: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(DOMAIN, language), newstyle=True)  # type: ignore[attr-defined]
    return env


def language_of(request: Request) -> Language:
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme) may be a redirect target, and without
    control characters: browsers drop tabs and newlines, so "/<tab>/host" would be "//host"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    return target


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    language = language_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = environment(language).get_template(template)
    html = page.render(lang=language, here=here, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
