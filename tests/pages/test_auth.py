"""Sign-in, sessions, CSRF, security headers and workspace isolation of the pages."""

import html
import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from pages.auth import SESSION_COOKIE
from tests.pages.conftest import Account, csrf_of, sign_in

PAGES = ["/", "/alerts", "/brands/new"]


def _brand(client: TestClient, account: Account, name: str = "Lumbre") -> int:
    answer = client.post(
        "/v1/brands",
        json={"name": name, "query": "lumbre", "timezone": "America/Monterrey"},
        headers=account.headers,
    )
    assert answer.status_code == 201, answer.text
    brand_id: int = answer.json()["id"]
    return brand_id


def test_every_page_without_a_session_redirects_to_login(
    client: TestClient, account: Account
) -> None:
    brand_id = _brand(client, account)
    paths = [
        *PAGES,
        *(f"/brands/{brand_id}{tail}" for tail in ("", "/mentions", "/control", "/sources")),
    ]
    for path in paths:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login"), path
    assert (
        client.get("/brands/1/mentions?label=positive", follow_redirects=False).headers["location"]
        == "/login?next=/brands/1/mentions%3Flabel%3Dpositive"
    )


def test_login_form_has_one_key_field_and_the_key_never_reaches_a_url_or_page(
    client: TestClient, account: Account
) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    assert form.text.count("<input") == 3  # csrf, next, api_key
    assert 'name="api_key" type="password"' in form.text
    answer = client.post(
        "/login",
        data={"api_key": account.api_key, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert account.api_key not in answer.headers["location"]
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert account.api_key not in cookie
    home = client.get("/")
    assert home.status_code == 200 and account.api_key not in home.text


def test_a_wrong_key_or_a_missing_login_token_is_refused(
    client: TestClient, account: Account
) -> None:
    form = client.get("/login")
    wrong = client.post(
        "/login",
        data={"api_key": "esk_nope", "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert wrong.status_code == 401 and "not valid" in wrong.text
    client.cookies.clear()
    forged = client.post(
        "/login", data={"api_key": account.api_key, "csrf_token": "x"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert SESSION_COOKIE not in forged.headers.get("set-cookie", "")


def test_a_forged_or_tampered_session_is_no_session(client: TestClient, account: Account) -> None:
    sign_in(client, account)
    good = client.cookies[SESSION_COOKIE]
    payload, mac = good.split(".")
    client.cookies.set(SESSION_COOKIE, f"{payload}.{'0' * len(mac)}")
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.set(SESSION_COOKIE, good)
    assert client.get("/", follow_redirects=False).status_code == 200


def test_forms_without_the_csrf_token_are_refused(client: TestClient, account: Account) -> None:
    token = sign_in(client, account)
    refused = client.post("/brands/new", data={"name": "X", "query": "x", "timezone": "UTC"})
    assert refused.status_code == 403
    other = client.post(
        "/brands/new", data={"name": "X", "query": "x", "timezone": "UTC", "csrf_token": "bad"}
    )
    assert other.status_code == 403
    made = client.post(
        "/brands/new",
        data={"name": "X", "query": "x", "timezone": "UTC", "csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert client.get("/v1/brands", headers=account.headers).json()[0]["name"] == "X"


def test_logout_ends_the_session(client: TestClient, account: Account) -> None:
    token = sign_in(client, account)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_send_a_csp_without_inline_script(client: TestClient, account: Account) -> None:
    brand_id = _brand(client, account)
    sign_in(client, account)
    for path in [*PAGES, "/login", f"/brands/{brand_id}", f"/brands/{brand_id}/control"]:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert "<script" not in answer.text, path
        assert " style=" not in answer.text, path


def test_another_workspaces_brand_answers_404_on_pages(
    client: TestClient, account: Account, other_account: Account
) -> None:
    theirs = _brand(client, other_account, "Theirs")
    sign_in(client, account)
    for tail in ("", "/mentions", "/control", "/sources", "/mentions/export"):
        assert client.get(f"/brands/{theirs}{tail}").status_code == 404, tail
    token = csrf_of(client.get("/").text)
    posted = client.post(f"/brands/{theirs}/edit", data={"csrf_token": token, "name": "Mine"})
    assert posted.status_code == 404
    assert (
        client.get(f"/v1/brands/{theirs}", headers=other_account.headers).json()["name"] == "Theirs"
    )


def test_language_follows_the_browser_then_the_switch(client: TestClient) -> None:
    spanish = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert "Iniciar sesión" in spanish.text and 'lang="es"' in spanish.text
    switched = client.get("/lang/en?next=/login", follow_redirects=False)
    assert switched.headers["location"] == "/login"
    english = client.get("/login", headers={"Accept-Language": "es"})
    assert "Sign in" in english.text and 'lang="en"' in english.text
    assert (
        client.get("/lang/es?next=//evil.example", follow_redirects=False).headers["location"]
        == "/"
    )


def test_bad_page_input_answers_a_page_and_the_api_keeps_json(
    client: TestClient, account: Account
) -> None:
    brand_id = _brand(client, account)
    sign_in(client, account)
    for path in (f"/brands/{brand_id}?days=abc", f"/brands/{brand_id}?days=12",
                 f"/brands/{brand_id}?since=yesterday", "/brands/999999"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code in (404, 422), path
        assert answer.headers["content-type"].startswith("text/html"), path
    api = client.get("/v1/brands/999999", headers=account.headers)
    assert api.status_code == 404 and api.json() == {"detail": "brand 999999 not found"}
    api = client.get("/v1/brands/abc", headers=account.headers)
    assert api.status_code == 422 and isinstance(api.json()["detail"], list)


def test_signing_in_from_a_shared_link_lands_on_it(client: TestClient, account: Account) -> None:
    brand_id = _brand(client, account)
    deep = f"/brands/{brand_id}/mentions?label=positive&q=lumbre"
    form = client.get(deep)  # follows the redirect to the login form
    assert urlsplit(str(form.url)).path == "/login"
    answer = client.post(
        "/login",
        data={"api_key": account.api_key, "csrf_token": csrf_of(form.text),
              "next": html.unescape(re.search(r'name="next" value="([^"]+)"', form.text).group(1))},  # type: ignore[union-attr]
        follow_redirects=False,
    )  # fmt: skip
    assert answer.headers["location"] == deep
