"""The plant's monthly report: the toolkit's report with returns that arrive late.

The toolkit's report (:mod:`pocmvp.toolkit.report`) states a month of any table for the
approved rule. The generated plant adds what its outcome needs: a shipped defect is known only
once its customer return is booked. For a rule (``"v1"`` or ``"v2"``, the approved files of the
case, :func:`pocmvp.case.iteration.rule_file`, or a ``rule.json``; never fitted again) and the
generated plant (or an export of its shift log), :func:`run_report`:

1. accounts for every row of the month: flagged, passed, or rejected with a reason
   (:func:`pocmvp.toolkit.accounting.account_rows`), so the three counts add up to the rows
   received;
   every rejected row is listed in the workbook's Rejected sheet and the figures file;
2. computes the month's figures **as known that morning** (:func:`month_figures`): the
   X-ray capacity and how much of it the rule asks for (a month whose flags exceed the
   capacity is reported, never hidden) and the defects the X-ray test caught, all known at
   once; the defects shipped only as far as their customer returns have been booked
   (:mod:`pocmvp.case.returns`), marked **so far**. A later report gives them **final**, with
   the catch rate and the value captured beyond today's every-n-th-part sample (in EUR), in a
   table of the earlier months (each shown with the rule in force then,
   :func:`pocmvp.case.iteration.flags_in_force`);
3. writes the rule workbook of the month (:func:`pocmvp.toolkit.workbook.write_rule_workbook`),
   renders the chart and composes the email with the workbook attached
   (:mod:`pocmvp.toolkit.delivery`), and saves the ``.xlsx``, the ``.eml``, the chart and the
   figures as JSON in one folder.

:func:`prepare` checks everything first. A file carries no return dates: its returns are timed
like the generated plant's, from the declared delay and the seed. Every refusal is a
:class:`~pocmvp.toolkit.report.ReportError` whose message is one line. :func:`make`,
:func:`summary_markdown`, :func:`extra_markdown` and :func:`extra_claims` are the interface the
report notebook runs (its ``extension`` parameter is ``"pocmvp.case.report"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import factory, iteration, returns, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.case.factory import ShiftLogError
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import delivery
from pocmvp.toolkit import report as toolkit_report
from pocmvp.toolkit.accounting import Accounting
from pocmvp.toolkit.formats import eur, num, pct
from pocmvp.toolkit.report import (
    DEFAULT_RECIPIENTS,
    DEFAULT_SENDER,
    FILE_TYPES,
    MonthlyReport,
    ReportError,
    check_month_format,
    check_recipients,
    default_output_dir,
    file_names,
    rejected_note,
    rejected_rows,
    rejected_table,
    write_figures,
)
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.rulefile import RuleFile

__all__ = [
    "DEFAULT_RECIPIENTS",
    "DEFAULT_SENDER",
    "FILE_TYPES",
    "MonthlyReport",
    "ReportError",
    "check_month_format",
    "check_recipients",
    "default_output_dir",
    "file_names",
]

GENERATED = "generated"
"""The source name of the generated plant (see :func:`pocmvp.case.factory.generate_plant`)."""
RULE_VERSIONS = iteration.VERSIONS


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
    frame = toolkit_report.read_table(path)
    return toolkit_report.parse_times(frame, "cast_at", path.name)


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


# --- The rule -------------------------------------------------------------------------------


def rule_file(rule_choice: str | Path) -> RuleFile:
    """The approved rule: ``"v1"`` or ``"v2"`` (the case's files,
    :func:`pocmvp.case.iteration.rule_file`) or the path of a ``rule.json``. Never fitted."""
    if str(rule_choice) in RULE_VERSIONS:
        return iteration.rule_file(str(rule_choice))
    if Path(str(rule_choice)).suffix.lower() != ".json":
        raise ReportError(
            f"the rule must be one of {', '.join(RULE_VERSIONS)} or a rule.json file, "
            f"got {str(rule_choice)!r}"
        )
    return toolkit_report.load_rule(rule_choice)


def choose_rule(shift_log: pd.DataFrame, version: str) -> Rule:
    """The rule of ``version`` (``"v1"`` or ``"v2"``), as approved and stored."""
    if version not in RULE_VERSIONS:
        raise ReportError(
            f"the rule version must be one of {', '.join(RULE_VERSIONS)}, got {version!r}"
        )
    return iteration.rule_file(version).rule


def prepare(
    month: str,
    data: str | Path | None = None,
    rule: str | Path = "v1",
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    *,
    seed: int = factory.DEFAULT_SEED,
    fast_mode: bool = False,
) -> tuple[pd.DataFrame, RuleFile]:
    """Everything checked before a report is made: the month's format, the recipients, the
    seed, the rule, the source (``data``: None for the generated plant, or a shift log file)
    and the month in the data. Returns the shift log and the approved rule."""
    check_month_format(month)
    check_recipients(recipients)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ReportError(f"the seed must be a whole number >= 0, got {seed!r}")
    approved = rule_file(rule)
    shift_log = load_shift_log(GENERATED if data is None else data, seed=seed, fast_mode=fast_mode)
    check_month(shift_log, month)
    return shift_log, approved


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
        "rejected_rows": rejected_rows(month_accounting),
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
    reports said (``versions``, default the approved rules as stored)."""
    flags = chosen.flag(accepted)
    versions = iteration.stored_versions() if versions is None else versions
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
            rejected=rejected_table(figures),
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
        notes=_notes(figures, rule_version, names),
        tables={EARLIER_TITLE: earlier_table(figures)} if figures["earlier_months"] else None,
    )
    written = delivery.write_email(message, folder)
    written.replace(folder / names["email"])
    write_figures(figures, folder / names["figures"])
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


def _notes(figures: dict, rule_version: str, names: dict[str, str]) -> list[str]:
    notes = [f"Rule {rule_version}: {figures['rule']}"]
    if figures["status"] != FINAL:
        notes.append(
            "The X-ray results of the month are complete. Defects shipped are counted as "
            "their customer returns are booked: the figure above is so far, and a later "
            f"report gives it final (from {delivery.day_name(figures['final_on'])})."
        )
    rejected = rejected_note(figures, names)
    return [*notes, rejected] if rejected else notes


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


# --- The interface the report notebook runs (see pocmvp.toolkit.report) ---------------------


def make(
    month: str,
    data: str | Path | None = None,
    rule: str | Path = "v1",
    output_dir: str | Path | None = None,
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    *,
    seed: int = factory.DEFAULT_SEED,
    fast_mode: bool = False,
) -> MonthlyReport:
    """:func:`prepare` then :func:`run_report`, with the returns' timing of ``seed``."""
    shift_log, approved = prepare(month, data, rule, recipients, seed=seed, fast_mode=fast_mode)
    folder = default_output_dir(month) if output_dir is None else Path(output_dir)
    return run_report(
        shift_log,
        month,
        approved.rule,
        folder,
        rule_version=toolkit_report.rule_name(rule),
        recipients=recipients,
        seed=seed,
    )


def summary_markdown(result: MonthlyReport) -> str:
    """The month in words, as known on the report's morning, and its table of figures."""
    figures = result.figures
    said = (
        f"**{delivery.month_name(result.month)}**, rule {result.rule_version}, as known on "
        f"the morning of {delivery.day_name(figures['as_of'])}. Of {num(figures['rows'])} rows "
        f"received, {num(figures['flagged'])} parts were flagged for the X-ray test, "
        f"{num(figures['passed'])} passed and {num(figures['rejected'])} were rejected for "
        f"entry errors. The X-ray cell can test {num(figures['capacity'])}, so the rule used "
        f"{pct(figures['capacity_used'], 0)} of its capacity"
    )
    if figures["overflow"]:
        said += f": **{num(figures['overflow'])} flagged parts went out untested**."
    else:
        said += "."
    said += f" The tests caught **{num(figures['caught'])} defects**."
    if figures["status"] == FINAL:
        said += (
            f" Every return is in: {num(figures['shipped_defects'])} defective parts were "
            f"shipped (a catch rate of {pct(figures['catch_rate'])})."
        )
    else:
        said += (
            f" So far {num(figures['shipped_so_far'])} shipped defects have come back as "
            "customer returns; the final figure is known on "
            f"{delivery.day_name(figures['final_on'])}."
        )
    return f"{said}\n\n{figures_markdown(figures)}"


def extra_markdown(result: MonthlyReport) -> str:
    """The earlier months, their shipped defects updated to the report's morning."""
    figures = result.figures
    if not figures["earlier_months"]:
        return "No earlier month of the live rule to update."
    return (
        f"**{EARLIER_TITLE}** (as booked by {delivery.day_name(figures['as_of'])}):\n\n"
        + earlier_markdown(figures)
    )


def extra_claims(result: MonthlyReport) -> list[tuple[str, bool]]:
    """The plant's own claims: returns not final yet are marked so far, never final early."""
    figures = result.figures
    body = result.path("email").read_text(encoding="utf-8")
    return [
        (
            "shipped defects not final yet are marked so far",
            figures["status"] == FINAL or "so far" in body,
        ),
        (
            "a month is never final before its last return can be booked",
            figures["final_on"] > figures["as_of"] or figures["status"] == FINAL,
        ),
        (
            "never more tests than the X-ray cell can run",
            figures["tested"] <= status_quo.ECONOMICS.capacity(figures["rows"]),
        ),
    ]
