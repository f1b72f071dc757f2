"""The report's first stage: read and check its inputs before anything is made.

The approved rule (``rule.json``, :mod:`pocmvp.toolkit.rulefile`), the table (``.csv``,
``.parquet`` or ``.xlsx``), its time column and the month are checked here, once, and every
refusal is a :class:`ReportError` with a one-line message, which ``pocmvp report`` prints as
it is.

Times: the time column is read by :func:`pocmvp.toolkit.times.parse_time`, the one parser
``pocmvp rule`` uses too: local clock time (an offset is dropped, so a row falls in the month
it was recorded in where it happened), each value on its own. A value that is not a date is
refused, with the first rows that are not dates.

Months: ``YYYY-MM`` exactly (``"2025-10\\n"`` is refused as malformed, whatever the trailing
character). A month outside the table, or one without rows, is refused.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pocmvp.toolkit import delivery, routing, rulefile, tables, times
from pocmvp.toolkit.rulefile import RuleFile

FILE_TYPES = (".csv", ".csv.gz", ".parquet", ".xlsx")
DEFAULT_SENDER = "Quality report <quality.report@plant.example>"
DEFAULT_RECIPIENTS = ("Quality lead <quality.lead@plant.example>",)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
ID_COLUMN = "part_id"
"""The id column the row accounting reads (a table's own id column is read as it)."""


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


# --- The inputs -----------------------------------------------------------------------------


def check_month_format(month: str) -> str:
    """``month`` if it is exactly ``YYYY-MM`` (e.g. ``2025-09``), else :class:`ReportError`."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise ReportError(f"the month must look like 2025-09 (YYYY-MM), got {month!r}")
    return month


def check_recipients(recipients: str | Iterable[str]) -> list[str]:
    """The recipients as a list, each one address (else :class:`ReportError`)."""
    listed = [recipients] if isinstance(recipients, str) else list(recipients)
    if not listed:
        raise ReportError("the report needs at least one recipient")
    for text in listed:
        try:
            delivery.parse_address(text, "recipient")
        except ValueError as error:
            raise ReportError(str(error)) from error
    return listed


def parse_smtp_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, or ``[IPv6]:PORT`` (e.g. ``[::1]:2525``), as the host and the port
    (read by :func:`urllib.parse.urlsplit`, IP addresses checked by :mod:`ipaddress`)."""
    problem = ReportError(
        f"expected HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8025 or [::1]:2525, got {text!r}"
    )
    if not isinstance(text, str) or re.search(r"[\s/@?#]", text):
        raise problem
    try:
        split = urllib.parse.urlsplit(f"//{text}")
        host, port = split.hostname, split.port
        if text.startswith("["):
            host = str(ipaddress.IPv6Address(host))
        elif re.fullmatch(r"[\d.]+", host or ""):
            host = str(ipaddress.IPv4Address(host))
    except (ValueError, TypeError) as error:  # a port out of range, a malformed address
        raise problem from error
    written = text.rpartition(":")[0]  # the host as written: [IPv6], or no colon nor bracket
    bracketed = written.startswith("[") and written.endswith("]")
    if not host or not port or not (bracketed or not re.search(r"[:\[\]]", written)):
        raise problem
    return host, port


def load_rule(path: str | Path) -> RuleFile:
    """The approved rule from its ``rule.json``; an unusable file is a :class:`ReportError`."""
    try:
        return rulefile.load(path)
    except rulefile.RuleFileError as error:
        raise ReportError(f"cannot use the rule file: {error}") from error


def read_table(path: str | Path, wanted: Iterable[str | None] = ()) -> pd.DataFrame:
    """The table in a ``.csv`` (or ``.csv.gz``), ``.parquet`` or ``.xlsx`` file, read by
    :func:`pocmvp.toolkit.tables.read` (the reader ``pocmvp rule`` uses); how it was read, when
    not the plain way, is in ``frame.attrs["read_notes"]``. The ``wanted`` columns (the rule
    file's) are read as text where they are ids, and pick a workbook's sheet."""
    wanted = [w for w in wanted if w]
    try:
        read = tables.read(path, wanted=wanted, text=["part_id", "alloy_lot", *wanted[2:]])
    except tables.TableError as error:
        raise ReportError(str(error)) from error
    read.frame.attrs["read_notes"] = list(read.notes)
    return read.frame


def parse_times(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """``frame`` with ``column`` as naive datetimes (see the module on zones and day-first
    dates); a missing column or values that are not dates are a :class:`ReportError`."""
    if column not in frame.columns:
        raise ReportError(f"{name!r} has no {column!r} column (the rule file's time column)")
    raw = frame[column]
    if times.is_numeric_column(raw):
        raise ReportError(f"{name!r} has numbers, not dates, in its time column {column!r}")
    dates = times.parse_time(raw)
    bad = dates.isna()
    if bad.any():
        examples = ", ".join(f"row {i}: {raw[i]!r}" for i in bad[bad].index[:3])
        raise ReportError(
            f"{name!r} has {int(bad.sum())} {column} value(s) that are not dates ({examples})"
        )
    return frame.assign(**{column: dates.astype("datetime64[ns]")})


def months_in(table: pd.DataFrame, time: str) -> list[str]:
    """The months with rows in the table, in order."""
    return sorted(routing.month_labels(table[time]).unique())


def time_column(approved: RuleFile, rule: str | Path = "rule.json") -> str:
    """The time column the rule file names: a report counts rows by month, so a rule file
    without one is refused."""
    if approved.time is None:
        raise ReportError(f"the rule file {Path(rule).name!r} names no time column")
    return approved.time


def check_month(table: pd.DataFrame, month: str, time: str) -> str:
    """Refuse a malformed month, a month outside the data, or a month without rows."""
    month = check_month_format(month)
    months = months_in(table, time)
    if not months:
        raise ReportError("the table holds no rows")
    if not months[0] <= month <= months[-1]:
        raise ReportError(
            f"{month} is outside the data: the rows cover {months[0]} to {months[-1]}"
        )
    if month not in months:
        raise ReportError(f"no rows in {month}: the table has nothing recorded that month")
    return month


def prepare(
    month: str,
    data: str | Path,
    rule: str | Path,
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
) -> tuple[pd.DataFrame, RuleFile]:
    """Everything checked before a report is made: the month's format, the recipients, the
    rule file, the table, its target and time columns, and the month in the data."""
    check_month_format(month)
    check_recipients(recipients)
    approved = load_rule(rule)
    name = Path(data).name
    time = time_column(approved, rule)
    table = read_table(data, [approved.target, time, approved.id])
    if approved.target not in table.columns:
        said = "; ".join(table.attrs.get("read_notes", []))
        raise ReportError(
            f"{name!r} has no {approved.target!r} column (the rule file's target): the report "
            f"counts the positives the tests found (read {len(table.columns)} column(s)"
            + (f"; {said})" if said else ")")
        )
    table = parse_times(table, time, name)
    check_month(table, month, time)
    return table, approved
