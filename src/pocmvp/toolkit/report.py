"""The monthly report: one month's figures for the live rule, in the quality lead's inbox.

On the first day of each month the report for the month before goes out. For a rule version
and a shift-log source (the generated plant, or a ``.csv`` / ``.parquet`` / ``.xlsx`` export
of the shift log with the inspection outcome ``defect``), :func:`run_report`:

1. accounts for every row of the month: flagged, passed, or rejected with a reason
   (:func:`pocmvp.toolkit.rule.account_rows`), so the three counts add up to the rows received;
2. computes the month's figures **as known that morning** (:func:`month_figures`): the
   X-ray capacity and how much of it the rule asks for (a month whose flags exceed the
   capacity is reported, never hidden) and the defects the X-ray test caught, all known at
   once; the defects shipped only as far as their customer returns have been booked
   (:mod:`pocmvp.case.returns`), marked **so far**. A later report gives them **final**, with
   the catch rate and the value captured beyond today's every-n-th-part sample, in a table
   of the earlier months;
3. writes the rule workbook of the month (:func:`pocmvp.toolkit.workbook.write_rule_workbook`),
   renders the chart and composes the email with the workbook attached
   (:mod:`pocmvp.toolkit.delivery`), and saves the ``.xlsx``, the ``.eml``, the chart and the
   figures as JSON in one folder.

:func:`prepare` loads a source, checks the month (a month outside the data, or one without
production, is refused) and chooses the rule version (:func:`pocmvp.case.iteration.rule_versions`:
v1 found on the history months at the X-ray capacity, v2 its night-shift revision). A file
carries no return dates: its returns are timed like the generated plant's, from the declared
delay and the seed. Every refusal is a :class:`ReportError` whose message is one line, which
``pocmvp report`` prints as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import factory, iteration, returns, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.case.factory import ShiftLogError
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.machinery import notebooks
from pocmvp.toolkit import delivery
from pocmvp.toolkit.formats import eur, num, pct
from pocmvp.toolkit.rule import Accounting, Rule

GENERATED = "generated"
"""The source name of the generated plant (see :func:`pocmvp.case.factory.generate_plant`)."""
FILE_TYPES = (".csv", ".parquet", ".xlsx")
RULE_VERSIONS = iteration.VERSIONS
DEFAULT_SENDER = "Quality report <quality.report@plant.example>"
DEFAULT_RECIPIENTS = ("Quality lead <quality.lead@plant.example>",)
MAX_REJECTED_LISTED = 50
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


# --- The source ---------------------------------------------------------------------------


def load_shift_log(
    source: str | Path = GENERATED, *, seed: int = factory.DEFAULT_SEED, fast_mode: bool = False
) -> pd.DataFrame:
    """The shift log to report on: the generated plant (``seed``, ``fast_mode``) or a file.

    A file must be ``.csv``, ``.parquet`` or ``.xlsx`` (first sheet) with the shift log's
    columns and ``defect``; ``cast_at`` must hold dates. Raises :class:`ReportError`.
    """
    if str(source) == GENERATED:
        return factory.generate_plant(factory.parts_for(fast_mode), seed=seed).shift_log
    path = Path(source)
    if path.suffix.lower() not in FILE_TYPES:
        raise ReportError(
            f"cannot read the shift log {path.name!r}: give {GENERATED!r} or a "
            f"{', '.join(FILE_TYPES)} file"
        )
    if not path.is_file():
        raise ReportError(f"cannot read the shift log {str(path)!r}: there is no such file")
    try:
        frame = _read(path)
    except Exception as error:  # any parser's complaint becomes one readable line
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        raise ReportError(
            f"cannot read the shift log {path.name!r} ({type(error).__name__}: {first_line})"
        ) from error
    return _with_dates(frame, path.name)


def _read(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype={"part_id": "str", "alloy_lot": "str"})
    if suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=0, engine="openpyxl")
    import duckdb  # reads Parquet without pyarrow

    with duckdb.connect() as connection:
        return connection.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()


def _with_dates(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if "cast_at" not in frame.columns:
        raise ReportError(
            f"the shift log {name!r} has no 'cast_at' column (when each part was cast)"
        )
    raw = frame["cast_at"]
    dates = pd.to_datetime(raw, errors="coerce")
    bad = dates.isna()
    if bad.any():
        examples = ", ".join(f"row {i}: {raw[i]!r}" for i in bad[bad].index[:3])
        raise ReportError(
            f"the shift log {name!r} has {int(bad.sum())} cast_at value(s) that are not dates "
            f"({examples})"
        )
    return frame.assign(cast_at=dates.astype("datetime64[ns]"))


def describe_source(
    source: str | Path, *, seed: int = factory.DEFAULT_SEED, fast_mode: bool = False
) -> str:
    """The source in words, without any folder: the generated plant or the file's name."""
    if str(source) == GENERATED:
        parts = num(factory.parts_for(fast_mode))
        return f"the generated plant (seed {seed}, {parts} parts)"
    return f"the shift log {Path(source).name}"


def months_in(shift_log: pd.DataFrame) -> list[str]:
    """The months with production in the shift log, in order."""
    return sorted(factory.month_of(shift_log).unique())


def check_month(shift_log: pd.DataFrame, month: str) -> str:
    """Refuse a malformed month, a month outside the data, or a month without production."""
    month = check_month_format(month)
    months = months_in(shift_log)
    if not months:
        raise ReportError("the shift log holds no parts")
    if not months[0] <= month <= months[-1]:
        raise ReportError(
            f"{month} is outside the data: the shift log covers {months[0]} to {months[-1]}"
        )
    if month not in months:
        raise ReportError(f"no production in {month}: the shift log has no part cast that month")
    return month


def check_month_format(month: str) -> str:
    """``month`` if it looks like ``2025-09``, else :class:`ReportError`."""
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ReportError(f"the month must look like 2025-09 (YYYY-MM), got {month!r}")
    return month


# --- The rule -------------------------------------------------------------------------------


def rule_versions(
    shift_log: pd.DataFrame, economics: PlantEconomics = ECONOMICS
) -> dict[str, Rule]:
    """Every version of the live rule (:func:`pocmvp.case.iteration.rule_versions`): v1 chosen on
    the history, v2 read differently on the night shift."""
    try:
        return iteration.rule_versions(shift_log, economics)
    except (ShiftLogError, ValueError) as error:
        raise ReportError(f"cannot choose the rule on the history: {error}") from error


def choose_rule(
    shift_log: pd.DataFrame, version: str, economics: PlantEconomics = ECONOMICS
) -> Rule:
    """The rule of ``version`` (``"v1"`` or ``"v2"``) for this shift log."""
    if version not in RULE_VERSIONS:
        raise ReportError(
            f"the rule version must be one of {', '.join(RULE_VERSIONS)}, got {version!r}"
        )
    return rule_versions(shift_log, economics)[version]


def prepare(
    source: str | Path,
    month: str,
    rule_version: str,
    *,
    seed: int = factory.DEFAULT_SEED,
    fast_mode: bool = False,
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
) -> tuple[pd.DataFrame, Rule]:
    """Everything checked before a report is made: the month's format, the recipients, the
    source, the month in the data, and the rule. Returns the shift log and the rule."""
    check_month_format(month)
    if rule_version not in RULE_VERSIONS:
        raise ReportError(
            f"the rule version must be one of {', '.join(RULE_VERSIONS)}, got {rule_version!r}"
        )
    check_recipients(recipients)
    shift_log = load_shift_log(source, seed=seed, fast_mode=fast_mode)
    check_month(shift_log, month)
    return shift_log, choose_rule(shift_log, rule_version)


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


# --- The figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    """One month's figures as known on the report's morning, the fate of every row, and the
    months up to it (for the chart and the table of earlier months)."""

    figures: dict
    accounting: Accounting
    monthly: pd.DataFrame
    """The months the rule has been live, up to the report's (just the report's month before
    the first release), as known on ``as_of``: parts, capacity, flagged,
    tested, caught, false alarms, ``shipped_so_far`` (returns booked by then), ``status``
    ("final" or "so far"), ``final_on``, and, for final months only, ``shipped_defects``,
    ``catch_rate``, ``today_caught``, ``extra_caught`` and ``value_eur`` (NaN otherwise)."""
    accepted: pd.DataFrame
    """The month's rows that were not rejected: what the workbook holds."""


FINAL, SO_FAR = "final", "so far"
EARLIER_MONTHS = 3
"""How many earlier months a report lists with their shipped defects updated."""


def report_morning(month: str) -> pd.Timestamp:
    """The morning the report for ``month`` goes out: the first of the next month."""
    return pd.Timestamp(f"{check_month_format(month)}-01") + pd.offsets.MonthBegin(1)


def month_figures(
    shift_log: pd.DataFrame,
    month: str,
    chosen: Rule,
    economics: PlantEconomics = ECONOMICS,
    *,
    seed: int = factory.DEFAULT_SEED,
    booking: returns.Booking = returns.AS_IT_HAPPENED,
    as_of: pd.Timestamp | str | None = None,
    versions: Mapping[str, Rule] | None = None,
) -> MonthFigures:
    """The figures of ``month`` for the rule ``chosen``, as known on the morning ``as_of``
    (default: the report's, the first of the next month); every row of the month accounted.
    Earlier months are the rule in force then (:func:`pocmvp.case.iteration.flags_in_force`, with
    ``versions``, default :func:`pocmvp.case.iteration.rule_versions` of the shift log).

    The X-ray results are known at once: parts tested, defects caught, false alarms. A
    defect that was shipped is known only once its return is booked (:mod:`pocmvp.case.returns`,
    with the returns' random stream of ``seed`` and ``booking``), so shipped defects are
    reported **so far** until every return that can come is in; from that morning on the
    month is **final**, and only then are its catch rate and the value captured beyond
    today's every-n-th-part sample stated.
    """
    check_month(shift_log, month)
    as_of = report_morning(month) if as_of is None else pd.Timestamp(as_of).normalize()
    months = factory.month_of(shift_log)
    # The months the rule has been live up to the report's (just the month, before that).
    since = min(month, iteration.RELEASES[0].live_from.strftime("%Y-%m"))
    upto = shift_log[((months >= since) & (months <= month)).to_numpy()]
    accounting = rule.account_rows(upto, chosen)
    kept = accounting.decisions["decision"] != rule.REJECTED
    accepted = _numeric(upto[kept], chosen)
    if factory.TARGET not in accepted or not pd.api.types.is_bool_dtype(accepted[factory.TARGET]):
        raise ReportError(
            f"the shift log needs a boolean {factory.TARGET!r} column (the inspection outcome) "
            "to count defects caught and shipped"
        )
    in_month = (factory.month_of(upto) == month).to_numpy()
    month_accounting = Accounting(accounting.decisions[in_month])
    if not (factory.month_of(accepted) == month).any():
        raise ReportError(f"every row of {month} was rejected: see the reasons in the figures")
    seen = returns.returns_of(shift_log, seed, booking).for_parts(accepted.index)
    flags = _flags_as_reported(shift_log, accepted, month, chosen, economics, versions)
    monthly = _known_monthly(accepted, flags, seen, as_of, economics)
    row = monthly.loc[month]
    counts = month_accounting.counts
    capacity, flagged = int(row["capacity"]), int(row["flagged"])
    caught, so_far = int(row["caught"]), int(row["shipped_so_far"])
    rejected = month_accounting.rejected()
    first_live = iteration.RELEASES[0].live_from.strftime("%Y-%m")
    earlier = monthly.index[(monthly.index < month) & (monthly.index >= first_live)]
    earlier = earlier[-EARLIER_MONTHS:]
    final_months = monthly.index[(monthly["status"] == FINAL) & (monthly.index < month)]
    figures = {
        "month": month,
        "as_of": as_of.strftime("%Y-%m-%d"),
        "rows": month_accounting.rows,
        "flagged": counts[rule.FLAGGED],
        "passed": counts[rule.PASSED],
        "rejected": counts[rule.REJECTED],
        "capacity": capacity,
        "capacity_used": flagged / capacity if capacity else float("nan"),
        "overflow": max(0, flagged - capacity),
        "tested": int(row["tested"]),
        "caught": caught,
        "false_alarms": int(row["false_alarms"]),
        "shipped_so_far": so_far,
        "defects_known": caught + so_far,
        "catch_rate_so_far": caught / (caught + so_far) if caught + so_far else float("nan"),
        "status": row["status"],
        "final_on": row["final_on"].strftime("%Y-%m-%d"),
        **{k: _final_value(row, k) for k in _FINAL_ONLY},
        "last_final_month": str(final_months[-1]) if len(final_months) else None,
        "earlier_months": [_earlier(m, monthly.loc[m]) for m in earlier],
        "rejected_rows": [
            {"part_id": str(p), "reason": str(r)}
            for p, r in zip(
                rejected["part_id"].head(MAX_REJECTED_LISTED),
                rejected["reason"].head(MAX_REJECTED_LISTED),
                strict=True,
            )
        ],
    }
    return MonthFigures(
        figures=figures,
        accounting=month_accounting,
        monthly=monthly,
        accepted=accepted[(factory.month_of(accepted) == month).to_numpy()],
    )


_FINAL_ONLY = (
    "shipped_defects",
    "defects",
    "catch_rate",
    "today_caught",
    "extra_caught",
    "value_eur",
)


def _final_value(row: pd.Series, name: str):
    """A figure that needs every return: stated once the month is final, None before."""
    if row["status"] != FINAL:
        return None
    value = row[name]
    return float(value) if name in ("catch_rate", "value_eur") else int(value)


def _earlier(month: str, row: pd.Series) -> dict:
    return {
        "month": month,
        "caught": int(row["caught"]),
        "shipped_so_far": int(row["shipped_so_far"]),
        "status": row["status"],
        "final_on": row["final_on"].strftime("%Y-%m-%d"),
        "catch_rate": _final_value(row, "catch_rate"),
        "value_eur": _final_value(row, "value_eur"),
    }


def _flags_as_reported(
    shift_log: pd.DataFrame,
    accepted: pd.DataFrame,
    month: str,
    chosen: Rule,
    economics: PlantEconomics,
    versions: Mapping[str, Rule] | None = None,
) -> pd.Series:
    """``chosen``'s flags in the report's month; in earlier months, the flags of the version
    that was in force then (:func:`pocmvp.case.iteration.flags_in_force`), which is what their
    reports said. A source without history months to make the versions uses ``chosen``."""
    flags = chosen.flag(accepted)
    if versions is None:
        try:
            versions = iteration.rule_versions(shift_log, economics)
        except (ShiftLogError, ValueError):
            return flags
    earlier = (factory.month_of(accepted) < month).to_numpy()
    if not earlier.any():
        return flags
    before = iteration.flags_in_force(accepted[earlier], versions)
    return flags.where(~earlier, before.reindex(accepted.index, fill_value=False)).astype(bool)


def _known_monthly(
    accepted: pd.DataFrame,
    flagged: pd.Series,
    seen: returns.Returns,
    as_of: pd.Timestamp,
    economics: PlantEconomics,
) -> pd.DataFrame:
    """Per month, what is known on ``as_of`` (see :attr:`MonthFigures.monthly`)."""
    tested = rule.within_capacity(accepted, flagged, economics)
    defect = accepted[factory.TARGET].astype(bool)
    booked = seen.booked_returns(tested, defect)
    month = factory.month_of(accepted)
    frame = pd.DataFrame(
        {
            "parts": 1,
            "flagged": flagged,
            "tested": tested,
            "caught": tested & defect,
            "false_alarms": tested & ~defect,
            "shipped_so_far": (booked <= as_of).fillna(False),
        }
    )
    table = frame.groupby(month).sum().astype("int64")
    table.index.name = "month"
    table.insert(1, "capacity", table["parts"].map(economics.capacity))
    table["final_on"] = [seen.final_on(accepted["cast_at"][month == m]) for m in table.index]
    table["status"] = np.where(table["final_on"] <= as_of, FINAL, SO_FAR)
    # What every return in tells: the month's defects, and what today's sample would have done.
    final = status_quo.monthly_outcome(accepted, tested, economics)
    today = status_quo.monthly_outcome(
        accepted, status_quo.every_nth_part(accepted, economics), economics
    )
    is_final = table["status"] == FINAL
    table["shipped_defects"] = final["shipped_defects"].where(is_final)
    table["defects"] = final["defects"].where(is_final)
    table["catch_rate"] = final["catch_rate"].where(is_final)
    table["today_caught"] = today["caught"].where(is_final)
    table["extra_caught"] = (table["caught"] - today["caught"]).where(is_final)
    table["value_eur"] = table["extra_caught"] * economics.cost_per_shipped_defect
    return table


def _numeric(rows: pd.DataFrame, chosen: Rule) -> pd.DataFrame:
    """Accepted rows with the rule's columns as numbers (their text was rejected already)."""
    converted = {}
    for column in chosen.columns:
        values = rows[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            continue
        number = pd.to_numeric(values, errors="coerce")
        whole = number.dropna()
        if _is_int_field(column) and (whole % 1 == 0).all():
            number = number.astype("Int64") if number.isna().any() else number.astype("int64")
        converted[column] = number
    return rows.assign(**converted) if converted else rows


def _is_int_field(column: str) -> bool:
    return any(f.name == column and f.dtype == "int64" for f in factory.SHIFT_LOG_FIELDS)


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
    """The names of a report's files: the same month and version always give the same names."""
    stem = f"{month}-{rule_version}"
    return {
        "workbook": f"quality-report-{stem}.xlsx",
        "email": f"report-{stem}.eml",
        "chart": f"chart-{stem}.png",
        "figures": f"figures-{stem}.json",
        "notebook": f"monthly_report-{stem}.ipynb",
    }


def default_output_dir(month: str) -> Path:
    """Where a month's report goes by default: ``output/reports/YYYY-MM``."""
    return notebooks.output_dir("reports") / check_month_format(month)


def run_report(
    shift_log: pd.DataFrame,
    month: str,
    chosen: Rule,
    output_dir: str | Path,
    *,
    rule_version: str = "v1",
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    sender: str = DEFAULT_SENDER,
    economics: PlantEconomics = ECONOMICS,
    seed: int = factory.DEFAULT_SEED,
    booking: returns.Booking = returns.AS_IT_HAPPENED,
    versions: Mapping[str, Rule] | None = None,
) -> MonthlyReport:
    """Make the month's report and write its files into ``output_dir`` (see the module).

    ``seed`` draws the returns' timing (:func:`pocmvp.case.returns.returns_of`), ``booking`` says
    how returns were booked (the monthly list, then the returns feed), ``versions`` the rule
    versions whose flags the earlier months show (see :func:`month_figures`)."""
    check_recipients(recipients)
    computed = month_figures(
        shift_log, month, chosen, economics, seed=seed, booking=booking, versions=versions
    )
    figures = {"rule_version": rule_version, "rule": chosen.describe(), **computed.figures}
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    names = file_names(month, rule_version)
    history = f"{factory.TRAIN_MONTHS[0]} to {factory.TRAIN_MONTHS[-1]}"
    try:
        workbook.write_rule_workbook(
            computed.accepted,
            chosen,
            folder / names["workbook"],
            economics=economics,
            notes=[f"Rule {rule_version}, chosen on the months {history}.", f"Report for {month}."],
        )
    except ShiftLogError as error:
        raise ReportError(f"the rows of {month} cannot go into the workbook: {error}") from error

    chart = delivery.render_monthly_chart(
        computed.monthly,
        month,
        flagged="flagged",
        caught="caught",
        shipped="shipped_so_far",
        shipped_so_far=True,
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
        subject=f"Quality report: {delivery.month_name(month)} (rule {rule_version})",
        alert=overflow_alert(figures),
        notes=_notes(figures, rule_version),
        tables={EARLIER_TITLE: earlier_table(figures)} if figures["earlier_months"] else None,
    )
    written = delivery.write_email(message, folder)
    written.replace(folder / names["email"])
    (folder / names["figures"]).write_text(
        json.dumps(_plain(figures), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    files = {k: v for k, v in names.items() if k != "notebook"}
    return MonthlyReport(
        month=month,
        rule_version=rule_version,
        rule=chosen,
        figures=figures,
        accounting=computed.accounting,
        monthly=computed.monthly,
        chart=chart,
        message=message,
        folder=folder,
        files=files,
    )


def email_table(figures: dict) -> dict[str, str]:
    """The month's figures as the email shows them (label -> formatted value): what is
    known on the morning the report goes out."""
    table = {
        "Parts cast (rows received)": num(figures["rows"]),
        "Rows rejected (entry errors)": num(figures["rejected"]),
        "Parts flagged for the X-ray test": num(figures["flagged"]),
        "X-ray capacity (parts)": num(figures["capacity"]),
        "Flags / X-ray capacity": pct(figures["capacity_used"], 0),
        "Defects caught (X-ray)": num(figures["caught"]),
    }
    if figures["status"] == FINAL:
        table["Defects shipped (final)"] = num(figures["shipped_defects"])
        table["Catch rate (final)"] = pct(figures["catch_rate"])
        table["Value captured (final)"] = eur(figures["value_eur"])
        return table
    table["Defects shipped, returned so far"] = num(figures["shipped_so_far"])
    table["Catch rate so far"] = pct(figures["catch_rate_so_far"])
    table["Final figures on"] = delivery.day_name(figures["final_on"])
    last = next((e for e in reversed(figures["earlier_months"]) if e["status"] == FINAL), None)
    if last is not None:
        table[f"Value captured in {delivery.month_name(last['month'])} (final)"] = eur(
            last["value_eur"]
        )
    return table


EARLIER_TITLE = "Earlier months, as their returns have come in"


def earlier_table(figures: dict) -> pd.DataFrame:
    """The earlier months of a report, their shipped defects updated to its morning."""
    rows = {}
    for item in figures["earlier_months"]:
        final = item["status"] == FINAL
        rows[item["month"]] = {
            "caught": num(item["caught"]),
            "shipped": num(item["shipped_so_far"]),
            "status": FINAL
            if final
            else f"so far (final on {delivery.day_name(item['final_on'])})",
            "catch rate": pct(item["catch_rate"]) if final else "",
            "value captured": eur(item["value_eur"]) if final else "",
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "month"
    return table


def overflow_alert(figures: dict) -> str | None:
    """The warning for a month whose flags exceed the X-ray capacity (None otherwise)."""
    if figures["overflow"] <= 0:
        return None
    return (
        f"the rule flagged {num(figures['flagged'])} parts but the X-ray cell can test "
        f"{num(figures['capacity'])}: {num(figures['overflow'])} flagged parts went out untested."
    )


def _notes(figures: dict, rule_version: str) -> list[str]:
    notes = [f"Rule {rule_version}: {figures['rule']}"]
    if figures["status"] != FINAL:
        notes.append(
            "The X-ray results of the month are complete. Defects shipped are counted as "
            "their customer returns are booked: the figure above is so far, and a later "
            f"report gives it final (from {delivery.day_name(figures['final_on'])})."
        )
    if figures["rejected"]:
        notes.append(
            f"{num(figures['rejected'])} rows were rejected for entry errors and are not in the "
            "workbook; their part ids and reasons are in the figures file."
        )
    return notes


def _plain(value):
    """JSON-ready: numpy numbers as Python numbers, NaN as null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value


def figures_markdown(figures: dict, rows: Sequence[str] | None = None) -> str:
    """The email's table of figures as a Markdown table (for the report notebook)."""
    table = email_table(figures)
    shown = rows or list(table)
    lines = ["| Figure | Value |", "| --- | ---: |"]
    lines += [f"| {label} | {table[label]} |" for label in shown]
    return "\n".join(lines)


def earlier_markdown(figures: dict) -> str:
    """The email's table of earlier months as a Markdown table (empty if there are none)."""
    if not figures["earlier_months"]:
        return ""
    table = earlier_table(figures)
    lines = ["| Month | " + " | ".join(table.columns) + " |"]
    lines.append("| --- |" + " ---: |" * len(table.columns))
    lines += [
        f"| {m} | " + " | ".join(row) + " |"
        for m, row in zip(table.index, table.to_numpy().tolist(), strict=True)
    ]
    return "\n".join(lines)
