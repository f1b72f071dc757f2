"""The monthly report for any table: one month's figures for the approved rule, by email.

The rule is the approved ``rule.json`` (:mod:`pocmvp.toolkit.rulefile`): it names the table's
target, id and time columns and the inspection capacity, and the report reads it and never
fits a rule again. For a table (``.csv``, ``.parquet`` or ``.xlsx``) and a month,
:func:`run_report` states:

* **rows** of the month, **rejected** rows (a missing or repeated id, text in a rule column:
  :func:`pocmvp.toolkit.rule.account_rows`), each listed with its reason (every one, in the
  workbook's Rejected sheet and the figures file), the rows **flagged** by the rule and the
  rows that **passed**;
* the **capacity** (the capacity share of the month's rows, rounded down), the rows
  **tested** within it (:func:`pocmvp.toolkit.routing.route`: flagged rows in time order
  until the capacity is used, idle slots to an every-n-th sample), and the **overflow**
  (flags beyond the capacity, reported, never hidden);
* the **positives** of the month (rows whose target is true), those **caught** by the tests,
  and the **catch rate** (caught / positives).

For a generic table the target is in the table when the report is made, so every figure is
final at once: the report has no "so far". A case whose outcomes arrive late (the generated
plant, whose shipped defects are known only as customer returns come in) supplies its own
report module built on this one (``pocmvp.case.report``); the report notebook runs whichever
module its ``extension`` parameter names, through the same interface: :func:`prepare`,
:func:`make`, :func:`summary_markdown`, :func:`extra_markdown` and :func:`extra_claims`.

Times: the time column is read by :func:`pocmvp.toolkit.times.parse_time`, the one parser
``pocmvp rule`` uses too: local clock time (an offset is dropped, so a row falls in the month
it was recorded in where it happened), each value on its own. A value that is not a date is
refused, with the first rows that are not dates.

Months: ``YYYY-MM`` exactly (``"2025-10\\n"`` is refused as malformed, whatever the trailing
character). A month outside the table, or one without rows, is refused. Every refusal is a
:class:`ReportError` with a one-line message, which ``pocmvp report`` prints as it is.

Output: ``pocmvp report`` writes into ``./reports/YYYY-MM`` of the current folder by default
(:func:`default_output_dir`), never next to the package.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from pocmvp.toolkit import cells, delivery, routing, rule, rulefile, tables, times, workbook
from pocmvp.toolkit.formats import num, pct
from pocmvp.toolkit.rule import Accounting, Rule
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


def check_month(table: pd.DataFrame, month: str, time: str = "cast_at") -> str:
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
    table = read_table(data, [approved.target, approved.time, approved.id])
    if approved.time is None:
        raise ReportError(f"the rule file {Path(rule).name!r} names no time column")
    if approved.target not in table.columns:
        said = "; ".join(table.attrs.get("read_notes", []))
        raise ReportError(
            f"{name!r} has no {approved.target!r} column (the rule file's target): the report "
            f"counts the positives the tests found (read {len(table.columns)} column(s)"
            + (f"; {said})" if said else ")")
        )
    table = parse_times(table, approved.time, name)
    check_month(table, month, approved.time)
    return table, approved


# --- The figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    """One month's figures, the fate of every row, the month's kept rows and a monthly table."""

    figures: dict
    accounting: Accounting
    monthly: pd.DataFrame
    accepted: pd.DataFrame


def _for_accounting(table: pd.DataFrame, approved: RuleFile) -> pd.DataFrame:
    """The table with its id column named as the row accounting reads it."""
    if approved.id and approved.id != ID_COLUMN and approved.id in table.columns:
        return table.drop(columns=[ID_COLUMN], errors="ignore").rename(
            columns={approved.id: ID_COLUMN}
        )
    return table


def account(table: pd.DataFrame, approved: RuleFile) -> Accounting:
    """Every row flagged, passed or rejected with a reason (see the module)."""
    try:
        rows = _for_accounting(table, approved)
        named = ID_COLUMN if ID_COLUMN in rows.columns else None
        return rule.account_rows(rows, approved.rule, id=named)
    except ValueError as error:
        raise ReportError(f"the rows cannot be checked against the rule: {error}") from error


def rejected_rows(accounting: Accounting) -> list[dict]:
    """Every rejected row: its id and the reason."""
    rejected = accounting.rejected()
    ids = rejected.iloc[:, 0]  # the id column, named after the table's (or ``row``)
    return [
        {"part_id": None if pd.isna(p) else str(p), "reason": str(r)}
        for p, r in zip(ids, rejected["reason"], strict=True)
    ]


def target_flags(values: pd.Series, name: str) -> pd.Series:
    """The target as booleans: True/False, 1/0 or "true"/"false"/"yes"/"no" (any case)."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    words = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    text = values.astype("string").str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
    mapped = text.map(words)
    if mapped.isna().any():
        bad = values[mapped.isna()]
        raise ReportError(
            f"the target {name!r} must be true or false on every kept row, got "
            f"{bad.iloc[0]!r} ({int(mapped.isna().sum())} row(s))"
        )
    return mapped.astype(bool)


def month_figures(table: pd.DataFrame, month: str, approved: RuleFile) -> MonthFigures:
    """The figures of ``month`` for the approved rule (see the module); every row accounted."""
    time, target = approved.time or "cast_at", approved.target
    check_month(table, month, time)
    rows = table[(routing.month_labels(table[time]) == month).to_numpy()]
    accounting = account(rows, approved)
    kept = (accounting.decisions["decision"] != rule.REJECTED).to_numpy()
    accepted = rows[kept]
    if accepted.empty:
        raise ReportError(f"every row of {month} was rejected: see the reasons in the figures")
    accepted = accepted.assign(**{c: pd.to_numeric(accepted[c]) for c in approved.rule.columns})
    positive = target_flags(accepted[target], target)
    flagged = approved.rule.flag(accepted).astype(bool)
    tested = routing.route(
        pd.DataFrame({"cast_at": accepted[time]}), flagged, approved.capacity
    ).astype(bool)
    capacity = routing.monthly_capacity(len(accepted), approved.capacity)
    counts = accounting.counts
    caught = int((tested & positive).sum())
    positives = int(positive.sum())
    figures = {
        "month": month,
        "rows": accounting.rows,
        "flagged": counts[rule.FLAGGED],
        "passed": counts[rule.PASSED],
        "rejected": counts[rule.REJECTED],
        "capacity": capacity,
        "capacity_used": int(flagged.sum()) / capacity if capacity else float("nan"),
        "overflow": max(0, int(flagged.sum()) - capacity),
        "tested": int(tested.sum()),
        "caught": caught,
        "false_alarms": int((tested & ~positive).sum()),
        "positives": positives,
        "catch_rate": caught / positives if positives else float("nan"),
        "rejected_rows": rejected_rows(accounting),
    }
    monthly = pd.DataFrame(
        {
            "flagged": [int(flagged.sum())],
            "tested": [int(tested.sum())],
            "caught": [caught],
            "missed": [positives - caught],
        },
        index=pd.Index([month], name="month"),
    )
    shown = accepted.assign(flagged=flagged.to_numpy(), tested=tested.to_numpy())
    return MonthFigures(figures, accounting, monthly, shown)


# --- The report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyReport:
    """A month's report as written: its figures, the email, and the files in ``folder``."""

    month: str
    rule_version: str
    rule: Rule
    figures: dict
    accounting: Accounting
    monthly: pd.DataFrame
    chart: delivery.Chart
    message: EmailMessage
    folder: Path
    files: dict[str, str]
    """File names (relative to ``folder``): ``workbook``, ``email``, ``chart``, ``figures``."""

    def path(self, kind: str) -> Path:
        """The path of one of the report's files (``workbook``, ``email``, ...)."""
        return self.folder / self.files[kind]


def file_names(month: str, rule_version: str) -> dict[str, str]:
    """The names of a report's files: the same month and rule always give the same names."""
    stem = f"{month}-{rule_version}"
    return {
        "workbook": f"quality-report-{stem}.xlsx",
        "email": f"report-{stem}.eml",
        "chart": f"chart-{stem}.png",
        "figures": f"figures-{stem}.json",
        "notebook": f"monthly_report-{stem}.ipynb",
    }


def rule_name(rule: str | Path) -> str:
    """The name a rule gives the report's files: ``v1`` stays ``v1``, ``rules/a.json`` is ``a``."""
    return Path(str(rule)).stem


def default_output_dir(month: str) -> Path:
    """Where a month's report goes by default: ``reports/YYYY-MM`` in the current folder."""
    return Path.cwd() / "reports" / check_month_format(month)


def notebook_path() -> Path:
    """The report notebook shipped with the package."""
    return Path(__file__).resolve().parent / "report_notebook" / "monthly_report.ipynb"


def rejected_table(figures: dict) -> pd.DataFrame:
    """Every rejected row (id and reason) as the workbook's Rejected sheet holds it."""
    return pd.DataFrame(figures["rejected_rows"], columns=["part_id", "reason"])


def run_report(
    table: pd.DataFrame,
    month: str,
    approved: RuleFile,
    output_dir: str | Path,
    *,
    rule_version: str = "rule",
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    sender: str = DEFAULT_SENDER,
) -> MonthlyReport:
    """Make the month's report and write its files into ``output_dir`` (see the module)."""
    check_recipients(recipients)
    computed = month_figures(table, month, approved)
    figures = {"rule_version": rule_version, "rule": approved.rule.describe(), **computed.figures}
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    names = file_names(month, rule_version)
    try:
        workbook.write_table_workbook(
            {"Rows": computed.accepted, workbook.REJECTED_SHEET: rejected_table(figures)},
            folder / names["workbook"],
        )
    except cells.TooManyRowsError as error:
        raise ReportError(f"the month's rows do not fit in a workbook: {error}") from None
    chart = delivery.render_monthly_chart(
        computed.monthly, month, flagged="flagged", caught="caught", shipped="missed"
    )
    (folder / names["chart"]).write_bytes(chart.png)
    message = delivery.compose_report_email(
        month=month,
        figures=email_table(figures),
        chart_png=chart.png,
        chart_alt=chart.alt,
        attachment=folder / names["workbook"],
        sender=sender,
        recipients=recipients,
        subject=f"Report: {delivery.month_name(month)} (rule {rule_version})",
        alert=overflow_alert(figures),
        notes=notes(figures, rule_version),
    )
    written = delivery.write_email(message, folder)
    written.replace(folder / names["email"])
    write_figures(figures, folder / names["figures"])
    return MonthlyReport(
        month=month,
        rule_version=rule_version,
        rule=approved.rule,
        figures=figures,
        accounting=computed.accounting,
        monthly=computed.monthly,
        chart=chart,
        message=message,
        folder=folder,
        files={k: v for k, v in names.items() if k != "notebook"},
    )


def write_figures(figures: dict, path: Path) -> None:
    """The figures as sorted, indented JSON (NaN as null)."""
    path.write_text(json.dumps(plain(figures), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def email_table(figures: dict) -> dict[str, str]:
    """The month's figures as the email shows them (label -> formatted value)."""
    return {
        "Rows received": num(figures["rows"]),
        "Rows rejected": num(figures["rejected"]),
        "Rows flagged by the rule": num(figures["flagged"]),
        "Test capacity (rows)": num(figures["capacity"]),
        "Flags / capacity": pct(figures["capacity_used"], 0),
        "Rows tested": num(figures["tested"]),
        "Positives found by the tests": num(figures["caught"]),
        "Positives in the month": num(figures["positives"]),
        "Catch rate": pct(figures["catch_rate"]),
    }


def overflow_alert(figures: dict) -> str | None:
    """The warning for a month whose flags exceed the capacity (None otherwise)."""
    if figures["overflow"] <= 0:
        return None
    return (
        f"the rule flagged {num(figures['flagged'])} rows but the capacity is "
        f"{num(figures['capacity'])}: {num(figures['overflow'])} flagged rows went untested."
    )


def rejected_note(figures: dict, names: dict[str, str]) -> str | None:
    """How many rows were rejected and where every one of them is listed."""
    if not figures["rejected"]:
        return None
    return (
        f"{num(figures['rejected'])} rows were rejected (entry errors) and left out of the "
        f"figures; every one, with its id and reason, is in the {workbook.REJECTED_SHEET} sheet "
        f"of {names['workbook']} and in {names['figures']}."
    )


def notes(figures: dict, rule_version: str) -> list[str]:
    """The email's notes: the rule and the rejected rows."""
    said = [f"Rule {rule_version}: {figures['rule']}"]
    rejected = rejected_note(figures, file_names(figures["month"], rule_version))
    return [*said, rejected] if rejected else said


def plain(value):
    """JSON-ready: numpy numbers as Python numbers, NaN as null."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value


def markdown_table(table: dict[str, str]) -> str:
    """Label -> value as a two-column Markdown table."""
    lines = ["| Figure | Value |", "| --- | ---: |"]
    return "\n".join([*lines, *(f"| {label} | {value} |" for label, value in table.items())])


# --- The interface the report notebook runs -------------------------------------------------


def reporter(extension: str | None) -> ModuleType:
    """The module that makes the report: this one, or a case's (e.g. ``pocmvp.case.report``)."""
    return importlib.import_module(extension) if extension else importlib.import_module(__name__)


def make(
    month: str,
    data: str | Path,
    rule: str | Path,
    output_dir: str | Path,
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    **options,
) -> MonthlyReport:
    """:func:`prepare` then :func:`run_report` (the notebook's one call)."""
    if options:
        raise ReportError(f"a table's report takes no {', '.join(sorted(options))}")
    table, approved = prepare(month, data, rule, recipients)
    return run_report(
        table, month, approved, output_dir, rule_version=rule_name(rule), recipients=recipients
    )


def summary_markdown(result: MonthlyReport) -> str:
    """The month in words and its table of figures."""
    f = result.figures
    said = (
        f"**{delivery.month_name(result.month)}**, rule {result.rule_version}. Of "
        f"{num(f['rows'])} rows, {num(f['flagged'])} were flagged, {num(f['passed'])} passed "
        f"and {num(f['rejected'])} were rejected. The capacity is {num(f['capacity'])} tests: "
        f"{num(f['tested'])} rows were tested and found **{num(f['caught'])} of the month's "
        f"{num(f['positives'])} positives** (a catch rate of {pct(f['catch_rate'])}). The "
        "target is in the table, so every figure is final."
    )
    return f"{said}\n\n{markdown_table(email_table(f))}"


def extra_markdown(result: MonthlyReport) -> str:
    """Nothing beyond the month for a generic table."""
    return ""


def extra_claims(result: MonthlyReport) -> list[tuple[str, bool]]:
    """The generic report's own claims: the catch rate is caught over positives."""
    f = result.figures
    return [
        ("positives found never exceed the positives", f["caught"] <= f["positives"]),
        ("never more tests than the capacity", f["tested"] <= f["capacity"]),
    ]
