"""An alert as a signed JSON webhook.

The POST body is JSON: a Slack-compatible `text` (so a Slack or Mattermost incoming-webhook
URL works as is) plus the structured alert: `event`, `timestamp`, `delivery_id`, `alert`
{id, rule_id, kind, test, brand {id, name}, fired_at, window {since, until}, reason,
figures} and `mentions`.

Signature: `X-Escucha-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw request body
keyed with the rule's `webhook_secret`. `X-Escucha-Timestamp` carries the Unix time of the
attempt, which is also the body's `timestamp`, so it is covered by the signature. A receiver
recomputes the HMAC over the bytes it received (before parsing the JSON), compares in
constant time, and refuses a `timestamp` more than 5 minutes old to stop replays. A retry is
a new attempt (new timestamp, new signature) with the same `X-Escucha-Delivery` id, which a
receiver can use to drop duplicates.

Requests go through the shared guarded HTTP client (the same SSRF guard as feed fetches);
redirects are not followed (a webhook that moved answers 3xx, which counts as a failure).
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import httpx

from services.alert_message import AlertMessage, MentionLine
from sources.base import SourceError
from sources.netguard import UnsafeURLError

SIGNATURE_HEADER = "X-Escucha-Signature"
TIMESTAMP_HEADER = "X-Escucha-Timestamp"
DELIVERY_HEADER = "X-Escucha-Delivery"
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class WebhookError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


def slack_text(message: AlertMessage) -> str:
    lines = [f"*{message.subject}*", message.window_text, message.summary]
    for m in message.mentions[:3]:
        title = m.title.replace("<", "‹").replace(">", "›").replace("|", "¦")
        lines.append(f"• <{m.url}|{title}>" if m.url.startswith("http") else f"• {title}")
    return "\n".join(lines)


def _mention(line: MentionLine) -> dict[str, Any]:
    """A sample mention as webhooks have always had it (the words of `meta` are the email's)."""
    return {k: v for k, v in line.__dict__.items() if k != "meta"}


def payload(message: AlertMessage, *, delivery_id: int, timestamp: int) -> dict[str, Any]:
    return {
        "text": slack_text(message),
        "event": f"alert.{message.kind}",
        "timestamp": timestamp,
        "delivery_id": delivery_id,
        "alert": {
            "id": message.alert_id,
            "rule_id": message.rule_id,
            "kind": message.kind,
            "test": message.test,
            "brand": {"id": message.brand_id, "name": message.brand_name},
            "window": {
                "since": message.window_start.isoformat(),
                "until": message.window_end.isoformat(),
            },
            "headline": message.headline,
            "reason": message.summary,
            "figures": message.figures.model_dump(mode="json", exclude={"sample_mentions"}),
        },
        "mentions": [_mention(m) for m in message.mentions],
    }


def post_webhook(
    client: httpx.Client,
    url: str,
    *,
    secret: str,
    message: AlertMessage,
    delivery_id: int,
    now: datetime,
    timeout: float,
) -> int:
    """POST the signed payload; the HTTP status on 2xx, else WebhookError."""
    timestamp = int(now.timestamp())
    body = json.dumps(
        payload(message, delivery_id=delivery_id, timestamp=timestamp),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "*/*",
        SIGNATURE_HEADER: sign(secret, body),
        TIMESTAMP_HEADER: str(timestamp),
        DELIVERY_HEADER: str(delivery_id),
    }
    host = httpx.URL(url).host
    try:
        response = client.post(
            url, content=body, headers=headers, timeout=timeout, follow_redirects=False
        )
    except UnsafeURLError as exc:  # the SSRF guard refused the target
        raise WebhookError(exc.message, permanent=True) from None
    except SourceError as exc:  # e.g. the host does not resolve (yet)
        raise WebhookError(exc.message) from None
    except httpx.HTTPError as exc:
        raise WebhookError(f"webhook to {host} failed: {exc or type(exc).__name__}") from None
    status = response.status_code
    if 200 <= status < 300:
        return status
    permanent = 400 <= status < 500 and status not in RETRYABLE_STATUSES
    raise WebhookError(f"HTTP {status} from {host}", permanent=permanent)
