"""The plant's monthly report: the toolkit's one pipeline with a plug-in for the plant.

The toolkit's report (:mod:`pocmvp.toolkit.report`) reads, accounts, flags, routes within
the capacity, counts and delivers a month of any table for the approved rule. The generated
plant passes :class:`PlantReport`, which says what only the plant knows:

* a shipped defect is known only once its customer return is booked
  (:mod:`pocmvp.case.returns`): the month's figures are stated **as known on the report's
  morning**, the shipped defects **so far** until every return that can come is in, then
  **final**, with the catch rate and the value captured beyond today's every-n-th-part sample
  (in EUR, :mod:`pocmvp.case.status_quo`);
* the earlier months since the rule went live are listed again, their returns updated, each
  with the rule in force then (:func:`pocmvp.case.iteration.flags_in_force`);
* the plant's words (:mod:`pocmvp.case.report_words`), its row checks
  (:func:`pocmvp.case.plant_rule.account_rows`) and its rule workbook
  (:func:`pocmvp.case.plant_workbook.write_rule_workbook`).

A file carries no return dates: its returns are timed like the generated plant's, from the
declared delay and the seed. Every refusal is a :class:`~pocmvp.toolkit.report.ReportError`
whose message is one line. ``pocmvp report`` passes the plug-in to the report notebook
(``plugin = "pocmvp.case.report:PlantReport"``); the toolkit never loads it by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import factory, iteration, returns, status_quo, wins
from pocmvp.case import plant_rule as rule
from pocmvp.case.report_words import (  # noqa: F401 - the plant's words, re-exported
    EARLIER_TITLE,
    FEEDBACK_ASK,
    FINAL,
    SO_FAR,
    WINS_TITLE,
    PlantWording,
    earlier_markdown,
    earlier_table,
    email_table,
    figures_markdown,
    forward_paragraph,
    overflow_alert,
    wins_markdown,
    wins_table,
)
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import report as toolkit_report
from pocmvp.toolkit.accounting import Accounting
from pocmvp.toolkit.formats import num
from pocmvp.toolkit.report import (  # noqa: F401 - default_output_dir, re-exported
    DEFAULT_RECIPIENTS,
    DEFAULT_SENDER,
    MonthFigures,
    MonthlyReport,
    ReportError,
    Routed,
    TableReport,
    check_month_format,
    check_recipients,
    default_output_dir,
    rejected_table,
)
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.rulefile import RuleFile

GENERATED = "generated"
"""The source name of the generated plant (see :func:`pocmvp.case.factory.generate_plant`)."""
RULE_VERSIONS = iteration.VERSIONS
EARLIER_MONTHS = 3
"""How many earlier months a report lists with their shipped defects updated."""


# --- The source and the rule ----------------------------------------------------------------


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


def check_month(shift_log: pd.DataFrame, month: str) -> str:
    """Refuse a malformed month, a month outside the data, or a month without rows."""
    return toolkit_report.check_month(shift_log, month, "cast_at")


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


def prepare(
    month: str,
    data: str | Path | None = None,
    rule: str | Path = "v1",
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    *,
    seed: int = factory.DEFAULT_SEED,
    fast_mode: bool = False,
    generate: bool = True,
) -> tuple[pd.DataFrame | None, RuleFile]:
    """Everything checked before a report is made: the month's format, the recipients, the
    seed, the rule, the source (``data``: None for the generated plant, or a shift log file)
    and the month in the data (without ``generate``, in the plant's calendar: no plant is
    generated, and None is returned for it). Returns the shift log and the approved rule."""
    check_month_format(month)
    check_recipients(recipients)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ReportError(f"the seed must be a whole number >= 0, got {seed!r}")
    approved = rule_file(rule)
    if data is None and not generate:
        calendar = pd.DataFrame(
            {"cast_at": pd.date_range(f"{factory.YEAR}-01", periods=12, freq="MS")}
        )
        check_month(calendar, month)
        return None, approved
    shift_log = load_shift_log(GENERATED if data is None else data, seed=seed, fast_mode=fast_mode)
    check_month(shift_log, month)
    return shift_log, approved


def approved_rule(chosen: Rule, economics: PlantEconomics = ECONOMICS) -> RuleFile:
    """A rule of the plant as the approved file the pipeline reads: the shift log's
    columns and the X-ray capacity."""
    return RuleFile(
        rule=chosen,
        capacity=economics.inspection_capacity_share,
        target=factory.TARGET,
        id="part_id",
        time="cast_at",
    )


# --- The plug-in ----------------------------------------------------------------------------


def report_morning(month: str) -> pd.Timestamp:
    """The morning the report for ``month`` goes out: the first of the next month."""
    return pd.Timestamp(f"{check_month_format(month)}-01") + pd.offsets.MonthBegin(1)


FINAL_ONLY = ("shipped_defects", "defects", "catch_rate", "today_caught", "extra_caught")
FINAL_ONLY += ("value_eur",)


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


class PlantReport(PlantWording, TableReport):
    """The plant's plug-in: returns that arrive late, value in euros, today's sample.

    ``seed`` draws the returns' timing (:func:`pocmvp.case.returns.returns_of`) and, with
    ``fast_mode``, the generated plant; ``booking`` says how returns were booked (the monthly
    list, then the returns feed); ``as_of`` is the morning the figures are known (default: the
    report's, the first of the next month); ``versions`` the rules whose flags the earlier
    months show (default: the approved rules as stored)."""

    def __init__(
        self,
        *,
        seed: int = factory.DEFAULT_SEED,
        fast_mode: bool = False,
        economics: PlantEconomics = ECONOMICS,
        booking: returns.Booking = returns.AS_IT_HAPPENED,
        as_of: pd.Timestamp | str | None = None,
        versions: Mapping[str, Rule] | None = None,
        history: str = f"{factory.TRAIN_MONTHS[0]} to {factory.TRAIN_MONTHS[-1]}",
    ) -> None:
        self.seed, self.fast_mode, self.economics = seed, fast_mode, economics
        self.booking = booking
        self.as_of = None if as_of is None else pd.Timestamp(as_of).normalize()
        self.versions, self.history = versions, history

    def morning(self, month: str) -> pd.Timestamp:
        return report_morning(month) if self.as_of is None else self.as_of

    # The inputs: the generated plant or a file of its shift log.
    def prepare(self, month, data, rule_choice, recipients=DEFAULT_RECIPIENTS):
        return prepare(
            month, data, rule_choice, recipients, seed=self.seed, fast_mode=self.fast_mode
        )

    def check(self, month, data, rule_choice, recipients=DEFAULT_RECIPIENTS) -> None:
        """Everything :meth:`prepare` checks, without generating the plant: its calendar."""
        prepare(month, data, rule_choice, recipients, seed=self.seed, generate=False)

    # The figures: the months since the rule went live, the rule in force in each.
    def first_month(self, month: str) -> str:
        return min(month, iteration.RELEASES[0].live_from.strftime("%Y-%m"))

    def account(self, rows: pd.DataFrame, approved: RuleFile) -> Accounting:
        return rule.account_rows(rows, approved.rule)

    def numeric(self, accepted: pd.DataFrame, chosen: Rule) -> pd.DataFrame:
        return _numeric(accepted, chosen)

    def positives(self, accepted: pd.DataFrame, approved: RuleFile) -> pd.Series:
        target = accepted.get(factory.TARGET)
        if target is None or not pd.api.types.is_bool_dtype(target):
            raise ReportError(
                f"the shift log needs a boolean {factory.TARGET!r} column (the inspection "
                "outcome) to count defects caught and shipped"
            )
        return target.astype(bool)

    def flags(self, accepted, months, approved, month) -> pd.Series:
        """The rule's flags in the report's month; in earlier months, the flags of the
        version in force then, which is what their reports said."""
        flags = approved.rule.flag(accepted)
        versions = iteration.stored_versions() if self.versions is None else self.versions
        earlier = (months < month).to_numpy()
        if not earlier.any():
            return flags.astype(bool)
        before = iteration.flags_in_force(accepted[earlier], versions)
        return flags.where(~earlier, before.reindex(accepted.index, fill_value=False)).astype(bool)

    def known(self, monthly: pd.DataFrame, routed: Routed) -> pd.DataFrame:
        """Per month, what is known on the report's morning: returns booked so far, the
        status (final or so far) and, for final months, the catch rate and the value."""
        accepted, tested, as_of = routed.accepted, routed.tested, self.morning(routed.month)
        seen = returns.returns_of(routed.table, self.seed, self.booking).for_parts(accepted.index)
        booked = seen.booked_returns(tested, routed.positive)
        so_far = (booked <= as_of).fillna(False).groupby(routed.months).sum()
        table = monthly.rename(columns={"rows": "parts"})
        table["shipped_so_far"] = so_far.astype("int64")
        months = routed.months
        # When a month will be final, as the morning knows it: a feed not live yet books nothing.
        told = seen.with_booking(self.booking.as_known_on(as_of))
        table["final_on"] = [told.final_on(accepted["cast_at"][months == m]) for m in table.index]
        table["status"] = np.where(table["final_on"] <= as_of, FINAL, SO_FAR)
        # What every return in tells: the month's defects, and what today's sample would do.
        economics = self.economics
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

    def month_figures(self, row: pd.Series, monthly: pd.DataFrame, routed: Routed) -> dict:
        month, caught, so_far = routed.month, int(row["caught"]), int(row["shipped_so_far"])
        first_live = iteration.RELEASES[0].live_from.strftime("%Y-%m")
        earlier = monthly.index[(monthly.index < month) & (monthly.index >= first_live)]
        final_months = monthly.index[(monthly["status"] == FINAL) & (monthly.index < month)]
        return {
            "as_of": self.morning(month).strftime("%Y-%m-%d"),
            "shipped_so_far": so_far,
            "defects_known": caught + so_far,
            "catch_rate_so_far": caught / (caught + so_far) if caught + so_far else float("nan"),
            "status": row["status"],
            "final_on": row["final_on"].strftime("%Y-%m-%d"),
            **{k: _final_value(row, k) for k in FINAL_ONLY},
            "last_final_month": str(final_months[-1]) if len(final_months) else None,
            "earlier_months": [_earlier(m, monthly.loc[m]) for m in earlier[-EARLIER_MONTHS:]],
            "since_go_live": wins.since_go_live(monthly, month),
        }


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


# --- The calls of the chapters and tests ----------------------------------------------------


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
    """The figures of ``month`` for the rule ``chosen`` as known on ``as_of`` (see
    :class:`PlantReport`), through the toolkit's pipeline."""
    check_month(shift_log, month)
    plugin = PlantReport(
        seed=seed, economics=economics, booking=booking, as_of=as_of, versions=versions
    )
    return toolkit_report.month_figures(shift_log, month, approved_rule(chosen, economics), plugin)


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
    """The month's report of the rule ``chosen``, written into ``output_dir``: the toolkit's
    pipeline with :class:`PlantReport`."""
    plugin = PlantReport(seed=seed, economics=economics, booking=booking, versions=versions)
    return toolkit_report.run_report(
        shift_log,
        month,
        approved_rule(chosen, economics),
        output_dir,
        plugin=plugin,
        rule_version=rule_version,
        recipients=recipients,
        sender=sender,
    )
