"""Delivery: the monthly report, emailed to where people already look.

An MVP earns its keep by arriving on the first day of every month in the quality lead's
inbox, not by waiting on a dashboard nobody opens. This module builds that email with the
standard library only:

* :func:`compose_report_email` makes one message: a plain-text body, an HTML alternative
  with the chart inline (``multipart/related``, referenced by ``cid:``) and a table of the
  month's figures, and the spreadsheet attached as ``.xlsx``;
* the small chart it carries is drawn by :mod:`pocmvp.toolkit.report_chart` (re-exported:
  :func:`render_monthly_chart`, :class:`Chart`, and the report's :class:`Words`);
* :func:`write_email` saves the message as an ``.eml`` file any mail program opens;
* :func:`send_email` hands it to an SMTP relay (the plant's internal one, or a test server).

Everything that comes from data is escaped before it goes into HTML, and every header is
checked, so a strange supplier name cannot break or forge the email.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import smtplib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
import markupsafe
import numpy as np
import pandas as pd

from pocmvp.toolkit.formats import num
from pocmvp.toolkit.report_chart import (  # noqa: F401 - the chart's API, re-exported
    TABLE_WORDS,
    Chart,
    Words,
    check_month,
    render_monthly_chart,
)

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
"""The MIME type of an Excel workbook (``.xlsx``), as mail programs expect it."""
ATTACHMENT_TYPES = {
    ".xlsx": XLSX_MIME,
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
    ".csv": ("text", "csv"),
    ".pdf": ("application", "pdf"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A deliberately plain address check: something@domain.tld, no spaces, quotes or brackets.
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


# ----------------------------------------------------------------------------- validation


def _check_header_text(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must be one line (no line breaks): {value!r}")
    return value


def parse_address(text: str, role: str = "address") -> Address:
    """``"Quality lead <quality@plant.example>"`` or ``"quality@plant.example"`` as an
    :class:`~email.headerregistry.Address`; a ValueError names the bad address."""
    _check_header_text(role, text)
    try:
        # The same parser EmailMessage uses for its address headers.
        parsed = policy.default.header_factory("To", text)
        addresses = parsed.addresses
    except (IndexError, ValueError, TypeError):
        addresses = ()
    if len(addresses) != 1 or not _ADDRESS.match(addresses[0].addr_spec):
        raise ValueError(f"{role} {text!r} is not one email address like name@plant.example")
    return addresses[0]


def _check_recipients(recipients: str | Iterable[str]) -> list[Address]:
    if isinstance(recipients, str):
        recipients = [recipients]
    recipients = list(recipients)
    if not recipients:
        raise ValueError("recipients is empty: the report must go to at least one address")
    parsed, seen = [], set()
    for text in recipients:
        address = parse_address(text, "recipient")
        if address.addr_spec.lower() not in seen:
            seen.add(address.addr_spec.lower())
            parsed.append(address)
    return parsed


def _check_attachment(attachment: Path | str) -> Path:
    path = Path(attachment)
    if not path.is_file():
        raise ValueError(f"attachment {str(path)!r} does not exist (write the workbook first)")
    if path.stat().st_size == 0:
        raise ValueError(f"attachment {str(path)!r} is empty")
    return path


def _check_png(chart_png: bytes) -> bytes:
    if not isinstance(chart_png, bytes | bytearray) or not chart_png.startswith(PNG_SIGNATURE):
        raise ValueError("chart_png must be the bytes of a PNG image (see render_monthly_chart)")
    return bytes(chart_png)


# ----------------------------------------------------------------------------- the email


def _figure_rows(figures: Mapping | pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The figures as a header and rows of text, for both the text and the HTML body."""
    if isinstance(figures, pd.DataFrame):
        header = [str(figures.index.name or "")] + [str(c) for c in figures.columns]
        rows = [
            [str(index)] + [_as_text(v) for v in values]
            for index, values in zip(figures.index, figures.to_numpy(), strict=True)
        ]
        return header, rows
    if isinstance(figures, Mapping):
        return ["Figure", "Value"], [[str(k), _as_text(v)] for k, v in figures.items()]
    raise ValueError(f"figures must be a dict or a DataFrame, got {type(figures).__name__}")


def _as_text(value: object) -> str:
    """Numbers with thousands separators; pass formatted strings (eur, pct) to control more."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return num(value)
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return "n/a"
        return num(value) if float(value).is_integer() else num(value, 2)
    return str(value)


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in numbers]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@functools.cache
def _email_template() -> jinja2.Template:
    """The email's HTML body (``templates/report_email.html.j2``). Autoescaping is on, and
    every value from data goes through ``h`` (:func:`html.escape`) explicitly."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pocmvp.toolkit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["h"] = lambda value: markupsafe.Markup(html.escape(str(value)))
    return environment.get_template("report_email.html.j2")


def month_name(month: str) -> str:
    """``2025-11`` -> ``November 2025``."""
    return pd.Timestamp(f"{check_month(month)}-01").strftime("%B %Y")


def day_name(day: pd.Timestamp | str) -> str:
    """``2025-12-01`` -> ``1 December 2025``."""
    day = pd.Timestamp(day)
    return f"{day.day} {day:%B %Y}"


def scheduled_send_time(month: str) -> datetime:
    """The report for a month goes out at 06:00 UTC on the first day of the next month."""
    first_of_next = pd.Timestamp(f"{check_month(month)}-01") + pd.offsets.MonthBegin(1)
    return first_of_next.to_pydatetime().replace(hour=6, tzinfo=UTC)


def compose_report_email(
    *,
    month: str,
    figures: Mapping | pd.DataFrame,
    chart_png: bytes,
    attachment: Path | str,
    sender: str,
    recipients: str | Iterable[str],
    subject: str | None = None,
    chart_alt: str | None = None,
    alert: str | None = None,
    notes: Iterable[str] = (),
    tables: Mapping[str, Mapping | pd.DataFrame] | None = None,
    closing: Iterable[str] = (),
    date: datetime | None = None,
    words: Words = TABLE_WORDS,
) -> EmailMessage:
    """The monthly report as one email: text, HTML with the chart inline, the .xlsx attached.

    ``figures`` is a dict (figure -> value) or a DataFrame (its index becomes the first
    column); strings are shown as given, so format money and shares first (``eur``,
    ``pct``). ``alert`` is a one-paragraph warning put at the top of both bodies (say, "the
    catch rate fell"), ``notes`` are paragraphs after the table, ``tables`` more tables
    (heading -> dict or DataFrame) after the notes, ``closing`` the paragraphs the email ends
    with (say, a summary to forward and a request for feedback), ``words`` the report's
    (:class:`Words`).
    ``date`` defaults to the
    scheduled send time (06:00 UTC on the 1st of the next month), which with the
    content-derived Message-ID keeps the message identical from run to run.

    Raises ValueError naming the problem: a malformed month, empty or bad recipients, a bad
    sender, a missing or empty attachment, or chart bytes that are not a PNG.
    """
    month = check_month(month)
    to = _check_recipients(recipients)
    sender_address = parse_address(sender, "sender")
    path = _check_attachment(attachment)
    png = _check_png(chart_png)
    subject = _check_header_text(
        "subject", subject if subject is not None else f"Quality report: {month_name(month)}"
    )
    header, rows = _figure_rows(figures)
    notes = [str(n) for n in notes]
    more = [(str(title), *_figure_rows(table)) for title, table in (tables or {}).items()]
    closing = [str(c) for c in closing]
    said = f"{words.rows} flagged, {words.positives} caught and {words.positives} {words.missed}"
    alt = chart_alt or f"Chart of {said} up to {month}"
    content = path.read_bytes()

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender_address
    message["To"] = to
    message["Date"] = format_datetime(date or scheduled_send_time(month))
    digest = hashlib.sha256(
        b"\0".join(
            [
                subject.encode(),
                month.encode(),
                png,
                content,
                repr((rows, notes, more, closing)).encode(),
            ]
        )
    ).hexdigest()[:16]
    message["Message-ID"] = f"<report-{month}-{digest}@{sender_address.domain}>"
    message["X-Report-Month"] = month

    text = [f"Quality report for {month_name(month)}", ""]
    if alert:
        text += [f"ATTENTION: {alert}", ""]
    text += [_text_table(header, rows), ""]
    text += [*(f"{note}\n" for note in notes)]
    for title, table_header, table_rows in more:
        text += [title, "", _text_table(table_header, table_rows), ""]
    text += [
        f"The workbook {path.name} is attached: open it to see every flagged {words.row}.",
        "The chart is in the HTML version of this email.",
    ]
    text += [line for paragraph in closing for line in ("", paragraph)]
    message.set_content("\n".join(text) + "\n")

    chart_cid = f"chart-{month}-{hashlib.sha256(png).hexdigest()[:12]}@pocmvp"
    body = _email_template().render(
        month=month_name(month),
        alert=alert,
        header=header,
        rows=rows,
        chart_cid=chart_cid,
        alt=alt,
        notes=notes,
        more=more,
        closing=closing,
        attachment=path.name,
        row=words.row,
    )
    message.add_alternative(body, subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(png, maintype="image", subtype="png", cid=f"<{chart_cid}>")
    maintype, subtype = ATTACHMENT_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=path.name)
    # Fixed boundaries (random by default) so the same report is the same bytes every run.
    for number, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_pocmvp-{digest}-{number}")
    return message


def write_email(message: EmailMessage, folder: Path | str) -> Path:
    """Save the message as ``<folder>/report-YYYY-MM.eml`` (CRLF line endings, as sent).

    Any mail program opens it; the name comes from the report month (or the subject).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    month = message.get("X-Report-Month")
    if month:
        stem = f"report-{month}"
    else:
        stem = re.sub(r"[^A-Za-z0-9]+", "-", str(message.get("Subject", "email"))).strip("-")
    path = folder / f"{stem or 'email'}.eml"
    path.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path


def send_email(message: EmailMessage, host: str, port: int, timeout: float = 10) -> dict:
    """Send through an SMTP relay without login or TLS (a plant relay, a local test server).

    Returns the recipients the server refused (empty when all were accepted); raises
    :class:`smtplib.SMTPException` or :class:`OSError` when sending fails altogether.
    """
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        return smtp.send_message(message)
