"""Dashboard sessions: a signed, HttpOnly, SameSite=Lax cookie naming the API key row that
signed in (never the key itself), and CSRF tokens bound to the session.

The cookie is `<payload>.<HMAC-SHA256 of payload with ESCUCHA_SECRET_KEY>`, the payload the
base64 of `{"k": key id, "w": workspace id, "n": nonce, "t": issued at}`. Every request
checks the signature, the age and that the key is still unrevoked, so revoking a key ends
its sessions. Before sign-in, the login form's CSRF token is a double-submit cookie.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from core.settings import get_settings

SESSION_COOKIE = "escucha_session"
LOGIN_CSRF_COOKIE = "escucha_login_csrf"
MAX_AGE_SECONDS = 7 * 86400


@dataclass(frozen=True)
class PageSession:
    key_id: int
    workspace_id: int
    nonce: str
    issued_at: int

    @property
    def csrf_token(self) -> str:
        return _mac(f"csrf:{self.nonce}")


def _mac(payload: str) -> str:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_session(*, key_id: int, workspace_id: int) -> PageSession:
    return PageSession(key_id, workspace_id, secrets.token_urlsafe(16), int(time.time()))


def encode_session(page_session: PageSession) -> str:
    body = {
        "k": page_session.key_id,
        "w": page_session.workspace_id,
        "n": page_session.nonce,
        "t": page_session.issued_at,
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_mac(payload)}"


def decode_session(cookie: str | None, *, now: float | None = None) -> PageSession | None:
    """The session a cookie carries, or None when it is missing, forged or too old."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, mac = cookie.split(".")
    if not hmac.compare_digest(mac, _mac(payload)):
        return None
    try:
        body = json.loads(_unb64(payload))
        found = PageSession(int(body["k"]), int(body["w"]), str(body["n"]), int(body["t"]))
    except (ValueError, KeyError, TypeError):
        return None
    age = (now if now is not None else time.time()) - found.issued_at
    return found if 0 <= age <= MAX_AGE_SECONDS else None


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
