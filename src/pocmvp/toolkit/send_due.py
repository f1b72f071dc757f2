"""Send each finished month's report once, on the first of the next month: ``pocmvp send-due``.

The monthly report earns its keep by arriving on the first of every month. ``pocmvp
send-due`` is meant to run every day (from cron or a systemd timer); on most days it has
nothing to do. On the first of a month the previous month is finished, and it sends that
month's report. It keeps a **sent log** (``sent.json``) in its state folder and sends every
finished month, from the month the rule went live, that the log does not hold:

* a month is sent **once**: it enters the log right after the SMTP server accepted it, and a
  month in the log is never sent again;
* months missed while the computer was off are **caught up**, oldest first;
* a **failed send** (the server down or refusing, or a report that cannot be made) stops the
  run: the month stays out of the log, one line says why, and the next run sends it;
* the log is written **atomically** (a new file beside it, then renamed over it), so a
  crash leaves the old log or the new one, never half of one;
* a **lock** (an exclusive lock on ``send-due.lock`` in the state folder, held for the whole
  run) makes a second run started at the same time wait for the first; it then finds the
  month in the log and sends nothing.

What a month's report is comes from the caller (:func:`send_due`'s ``make_report``): the
toolkit's report of a table, or a case's report with what only the case knows. The report is
made only when a month is due, so a day with nothing to send reads no data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

LOG_NAME = "sent.json"
LOCK_NAME = "send-due.lock"
FORMAT = "pocmvp-sent/1"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class SendDueError(ValueError):
    """The run cannot start (a bad state folder, date or log): one line says why."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` exactly, as a date (else :class:`SendDueError`)."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise SendDueError(f"the day must look like 2025-10-01 (YYYY-MM-DD), got {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise SendDueError(f"{text!r} is not a day of the calendar ({error})") from error


def month_of(day: dt.date) -> str:
    """The month of a day, ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def next_month(month: str) -> str:
    """The month after ``YYYY-MM``."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def finished_months(first: str, today: dt.date) -> list[str]:
    """The months from ``first`` (``YYYY-MM``) that are over on ``today``: every month before
    today's. On the first of a month, the previous month is finished."""
    months, month = [], first
    while month < month_of(today):
        months.append(month)
        month = next_month(month)
    return months


# --- The sent log ---------------------------------------------------------------------------


def read_log(state: Path) -> dict[str, dict]:
    """The months already sent (month -> what was sent), from ``state/sent.json``."""
    path = Path(state) / LOG_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SendDueError(f"cannot read the sent log {path}: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SendDueError(f"{path} is not a sent log (its format is not {FORMAT!r})")
    sent = data.get("sent")
    if not isinstance(sent, list) or not all(
        isinstance(e, dict) and isinstance(e.get("month"), str) for e in sent
    ):
        raise SendDueError(f"{path} is not a sent log: 'sent' must list the months sent")
    return {entry["month"]: entry for entry in sent}


def write_log(state: Path, sent: dict[str, dict]) -> Path:
    """Write the log atomically: a temporary file in the same folder, flushed to disk, then
    renamed over ``sent.json`` (a rename within a folder is atomic)."""
    path = Path(state) / LOG_NAME
    text = json.dumps(
        {"format": FORMAT, "sent": [sent[m] for m in sorted(sent)]}, indent=2, sort_keys=True
    )
    handle, partial = tempfile.mkstemp(prefix=f".{LOG_NAME}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return path


@contextlib.contextmanager
def locked(state: Path) -> Iterator[Path]:
    """Hold the state folder's lock for the block; a second holder waits until it is free."""
    path = Path(state) / LOCK_NAME
    with open(path, "a+b") as file:
        if os.name == "nt":  # pragma: no cover - Windows has msvcrt's byte-range locks instead
            import msvcrt

            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield path
            finally:
                file.seek(0)
                msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(file.fileno(), fcntl.LOCK_EX)  # waits for another run to finish
            try:
                yield path
            finally:
                fcntl.flock(file.fileno(), fcntl.LOCK_UN)


# --- The run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One month sent: its report's rule and email, and the recipients the server refused."""

    month: str
    rule_version: str
    message: EmailMessage
    refused: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What a run did: the months due, those sent, and the failure that stopped it (if any)."""

    due: list[str]
    sent: list[Sent] = field(default_factory=list)
    failed_month: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not any(s.refused for s in self.sent)


SendFailure = (OSError, ValueError)
"""What a failed report or send raises: the SMTP errors (``smtplib.SMTPException`` is an
``OSError``), a refused connection, or a report that cannot be made (a ``ValueError`` such
as :class:`pocmvp.toolkit.report.ReportError`)."""


def send_due(
    state: str | Path,
    today: dt.date,
    first_month: str,
    make_report: Callable[[str], object],
    send: Callable[[EmailMessage], dict],
) -> Outcome:
    """Send every finished month since ``first_month`` that the log in ``state`` lacks.

    ``make_report(month)`` returns the month's report (anything with ``message``, the email,
    and ``rule_version``); ``send(message)`` sends it and returns the recipients refused
    (``{address: (code, reply)}``, empty when all were accepted), raising when the send
    fails. The first failure stops the run and leaves that month out of the log.
    """
    state = Path(state)
    if not state.is_dir():
        raise SendDueError(f"the state folder {state} does not exist: create it first")
    with locked(state):
        log = read_log(state)
        due = [m for m in finished_months(first_month, today) if m not in log]
        outcome = Outcome(due=due)
        for month in due:
            try:
                report = make_report(month)
                message = report.message
                refused = send(message)
            except SendFailure as error:
                outcome.failed_month = month
                outcome.error = f"{type(error).__name__}: {error}".replace("\n", " ")
                return outcome
            done = Sent(month, str(report.rule_version), message, tuple(sorted(refused or {})))
            log[month] = {
                "month": month,
                "rule": done.rule_version,
                "sent_on": today.isoformat(),
                "message_id": str(message["Message-ID"]),
                "to": [a.addr_spec for a in message["To"].addresses],
                "refused": list(done.refused),
            }
            write_log(state, log)  # the month is in the log before the next one goes out
            outcome.sent.append(done)
        return outcome
