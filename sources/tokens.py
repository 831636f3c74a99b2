"""Access tokens cached per process: Reddit's app-only OAuth token, Bluesky's session.

A token is kept under (base URL, credential fingerprint), so changing a credential or a
base URL never reuses an old token, and the secret itself is never a key or a log field.
A token counts as expired `EXPIRY_MARGIN_SECONDS` before its stated expiry, so a request
does not start with a token that dies on the way. The adapters drop a token the service
refused (401, Bluesky's `ExpiredToken`) and fetch a new one once.
"""

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field

EXPIRY_MARGIN_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Token:
    access: str = field(repr=False)
    expires_at: float  # time.monotonic() seconds
    refresh: str | None = field(default=None, repr=False)
    account: str | None = None  # Bluesky: the session's DID

    def usable(self, now: float) -> bool:
        return now < self.expires_at - EXPIRY_MARGIN_SECONDS


TokenKey = tuple[str, str]


def token_key(base_url: str, *credential: str) -> TokenKey:
    """(base URL, fingerprint of the credential): the cache key, free of the secret."""
    digest = hashlib.sha256("\x1f".join(credential).encode()).hexdigest()[:24]
    return base_url.rstrip("/"), digest


class TokenCache:
    def __init__(self) -> None:
        self._tokens: dict[TokenKey, Token] = {}
        self._lock = threading.Lock()

    def get(self, key: TokenKey, *, now: float | None = None) -> Token | None:
        """The cached token if it is still usable."""
        now = time.monotonic() if now is None else now
        with self._lock:
            token = self._tokens.get(key)
        return token if token is not None and token.usable(now) else None

    def get_any(self, key: TokenKey) -> Token | None:
        """The cached token even if expired (Bluesky refreshes with its refresh token)."""
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: TokenKey, token: Token) -> None:
        with self._lock:
            self._tokens[key] = token

    def drop(self, key: TokenKey) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = TokenCache()


def jwt_expiry(jwt: str, *, default_seconds: float, now_monotonic: float) -> float:
    """When a JWT expires, in monotonic seconds, read (unverified) from its `exp` claim;
    `now + default_seconds` when it has none we can read."""
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        remaining = float(claims["exp"]) - time.time()
    except (IndexError, ValueError, KeyError, TypeError):
        return now_monotonic + default_seconds
    return now_monotonic + max(0.0, remaining)
