"""An alert as an email: multipart/alternative, plain text first, then HTML; the HTML with its
volume-and-sentiment chart as an inline PNG part (multipart/related, referenced by `cid:`:
mail clients run no script and many drop SVG), in the message's language.

The HTML is what mail clients render reliably: tables for layout, inline CSS only, no
scripts, no remote images (the one image is the attached chart, so nothing is fetched from
anywhere), no forms. Every value that comes
from a mention or a user (titles, authors, URLs, the brand's name) is HTML-escaped, and only
http(s) links become links. Header values are built from single-line text (CR, LF and other
control characters become spaces) and set through `email.message.EmailMessage`, whose
header registry refuses anything that would start a new header.
"""

import html
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from core.terms import name
from services.alert_message import AlertMessage, MentionLine

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
MAX_HEADER_CHARS = 250
ACCENT = {"spike": "#0b5cad", "negative_surge": "#b42318", "digest": "#1a7f37"}
LABEL_COLOR = {"positive": "#1a7f37", "negative": "#b42318", "neutral": "#57606a"}
MUTED = "color:#57606a;"
CELL = "padding:6px 8px 6px 0;border-bottom:1px solid #eaecef;vertical-align:top;"


def header_text(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """One line of text, safe as a header value: no CR/LF or other controls, bounded."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def render_email(
    message: AlertMessage,
    *,
    recipient: str,
    mail_from: str,
    unsubscribe_url: str,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = header_text(message.subject)
    email["From"] = header_text(mail_from)
    email["To"] = Address(addr_spec=header_text(recipient))
    email["Date"] = format_datetime(now)
    email["Message-ID"] = header_text(message_id)
    email["Auto-Submitted"] = "auto-generated"
    email["List-Unsubscribe"] = f"<{header_text(unsubscribe_url, 2000)}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["X-Escucha-Alert"] = str(message.alert_id)
    email.set_content(render_text(message, unsubscribe_url=unsubscribe_url, recipient=recipient))
    png = chart_png(message)
    chart_cid = make_msgid("chart", domain=message_id.rpartition("@")[2].strip(" <>") or None)
    email.add_alternative(
        render_html(
            message,
            unsubscribe_url=unsubscribe_url,
            recipient=recipient,
            chart_cid=chart_cid[1:-1] if png else None,
        ),
        subtype="html",
    )
    if png:
        html_part = email.get_body(preferencelist=("html",))
        assert html_part is not None
        html_part.add_related(
            png, maintype="image", subtype="png", cid=chart_cid, filename="chart.png",
            disposition="inline",
        )  # fmt: skip
    return email


def chart_png(message: AlertMessage) -> bytes | None:
    """The message's chart as PNG bytes, or None without one."""
    if message.chart is None:
        return None
    from services.charts.png import render_png  # lazily: resvg only where emails are sent

    return render_png(message.chart)


def render_text(message: AlertMessage, *, unsubscribe_url: str, recipient: str) -> str:
    lines = [message.subject, "", message.window_text, "", message.summary, ""]
    for section in message.sections:
        lines += [section.title.upper(), *(f"  {k}: {v}" for k, v in section.rows), ""]
    if message.mentions:
        lines.append(message.mentions_title.upper())
        for m in message.mentions:
            lines += [f"- {m.title}", f"  {m.meta}", f"  {m.url}"]
        lines.append("")
    lines += [
        "--",
        _why(message, recipient),
        f"{message.words('Unsubscribe')}: {unsubscribe_url}",
    ]
    return "\n".join(lines) + "\n"


def _why(message: AlertMessage, recipient: str) -> str:
    return message.words(
        "You receive this because {recipient} is on an Escucha alert rule for {brand}."
    ).format(recipient=recipient, brand=message.brand_name)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(url: str, text: str, style: str) -> str:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return f'<span style="{style}">{_e(text)}</span>'
    return f'<a href="{_e(url)}" style="{style}">{_e(text)}</a>'


def _section_html(title: str, rows: tuple[tuple[str, str], ...]) -> str:
    cells = "".join(
        f'<tr><td style="{CELL}{MUTED}width:42%;">{_e(k)}</td><td style="{CELL}">{_e(v)}</td></tr>'
        for k, v in rows
    )
    return (
        '<tr><td style="padding:8px 24px;">'
        f'<h2 style="margin:0 0 6px;font-size:15px;">{_e(title)}</h2>'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="font-size:14px;border-collapse:collapse;">{cells}</table></td></tr>'
    )


def _mention_html(m: MentionLine) -> str:
    color = LABEL_COLOR.get(m.sentiment_label, LABEL_COLOR["neutral"])
    title = _link(m.url, m.title, "color:#0969da;font-weight:bold;text-decoration:none;")
    excerpt = f'<br><span style="font-size:13px;">{_e(m.excerpt)}</span>' if m.excerpt else ""
    return (
        f'<p style="margin:0 0 14px;line-height:1.4;">{title}<br>'
        f'<span style="font-size:12px;{MUTED}">{_e(m.meta)}</span>'
        f'<span style="font-size:12px;color:{color};"> &#9679;</span>{excerpt}</p>'
    )


def _chart_html(message: AlertMessage, chart_cid: str | None) -> str:
    if chart_cid is None or message.chart is None:
        return ""
    from services.charts.png import EMAIL_HEIGHT, EMAIL_WIDTH

    return (
        '<tr><td style="padding:8px 24px;">'
        f'<h2 style="margin:0 0 6px;font-size:15px;">{_e(message.chart.title)}</h2>'
        f'<img src="cid:{_e(chart_cid)}" width="{EMAIL_WIDTH}" height="{EMAIL_HEIGHT}" '
        f'alt="{_e(message.chart.description)}" style="display:block;width:100%;'
        f'max-width:{EMAIL_WIDTH}px;height:auto;border:0;"></td></tr>'
    )


def render_html(
    message: AlertMessage, *, unsubscribe_url: str, recipient: str, chart_cid: str | None = None
) -> str:
    """`chart_cid`: the Content-ID (without <>) of the chart's PNG part, if there is one."""
    accent = ACCENT.get(message.kind, "#0b5cad")
    kind = name(message.kind, message.language)
    notice = message.words("This is a test message, sent on request with current data.")
    test = (
        '<tr><td style="background:#fff8c5;padding:8px 24px;font-size:13px;">'
        f"{_e(notice)}</td></tr>"
        if message.test
        else ""
    )
    sections = "".join(_section_html(s.title, s.rows) for s in message.sections)
    mentions = ""
    if message.mentions:
        items = "".join(_mention_html(m) for m in message.mentions)
        mentions = (
            '<tr><td style="padding:8px 24px;">'
            f'<h2 style="margin:0 0 8px;font-size:15px;">{_e(message.mentions_title)}</h2>'
            f"{items}</td></tr>"
        )
    unsubscribe = _link(unsubscribe_url, message.words("Unsubscribe"), "color:#57606a;")
    chart = _chart_html(message, chart_cid)
    return f"""<!DOCTYPE html>
<html lang="{message.language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(message.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;\
width:100%;background:#ffffff;border:1px solid #d0d7de;font-family:Arial,Helvetica,sans-serif;\
color:#1f2328;">
<tr><td style="background:{accent};color:#ffffff;padding:14px 24px;font-size:12px;\
letter-spacing:1px;text-transform:uppercase;">Escucha &middot; {_e(kind)} &middot; \
{_e(message.brand_name)}</td></tr>
{test}
<tr><td style="padding:20px 24px 6px;font-size:20px;font-weight:bold;line-height:1.3;">\
{_e(message.headline)}</td></tr>
<tr><td style="padding:0 24px 6px;font-size:13px;{MUTED}">{_e(message.window_text)}</td></tr>
<tr><td style="padding:6px 24px 12px;font-size:14px;line-height:1.5;">\
{_e(message.summary)}</td></tr>
{chart}
{sections}
{mentions}
<tr><td style="padding:16px 24px;font-size:12px;{MUTED}border-top:1px solid #eaecef;">\
{_e(_why(message, recipient))} {unsubscribe}</td></tr>
</table></td></tr></table>
</body></html>
"""
