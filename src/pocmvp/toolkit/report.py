"""The monthly report for any table: one month's figures for the approved rule, by email.

The rule is the approved ``rule.json`` (:mod:`pocmvp.toolkit.rulefile`): it names the table's
target, id and time columns and the inspection capacity, and the report reads it and never
fits a rule again. One pipeline runs each stage once, in order, each in its own module:

1. **read** and check the inputs (:mod:`pocmvp.toolkit.report_inputs`): the month, the
   recipients, the rule file, the table and its time column;
2. **account** for every row, **flag**, **route** within the capacity and count the
   **figures** (:mod:`pocmvp.toolkit.report_figures`): rows, rejected rows (each listed with
   its reason), flagged, the capacity (its share of the month's rows, rounded down), the rows
   tested within it, the overflow (flags beyond the capacity, reported, never hidden), the
   positives, those caught and the catch rate;
3. **deliver** (:mod:`pocmvp.toolkit.report_output`): the workbook, the chart, the email with
   the workbook attached, and the figures as JSON.

For a table the target is in the table when the report runs, so every figure is final at
once (:class:`TableReport`). A case whose outcomes arrive late (the generated plant: shipped
defects are known only as customer returns come in) passes its own plug-in, a subclass of
:class:`TableReport`, to :func:`run_report` and :func:`make`: the pipeline is the same, and the
plug-in says what only the case knows (``pocmvp.case.report.PlantReport``). The toolkit never
loads a case by itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from pocmvp.toolkit import delivery
from pocmvp.toolkit.accounting import Accounting
from pocmvp.toolkit.formats import num, pct
from pocmvp.toolkit.report_figures import (  # noqa: F401 - the report's API, in one place
    ID_COLUMN,
    MonthFigures,
    Outcomes,
    Routed,
    month_figures,
    rejected_rows,
    target_flags,
)
from pocmvp.toolkit.report_inputs import (  # noqa: F401
    DEFAULT_RECIPIENTS,
    DEFAULT_SENDER,
    FILE_TYPES,
    ReportError,
    check_month,
    check_month_format,
    check_recipients,
    load_rule,
    months_in,
    parse_times,
    prepare,
    read_table,
    time_column,
)
from pocmvp.toolkit.report_output import (  # noqa: F401
    Wording,
    default_output_dir,
    deliver,
    file_names,
    markdown_table,
    plain,
    rejected_note,
    rejected_table,
    rule_called,
    rule_name,
    write_figures,
)
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.rulefile import RuleFile


class TableReport(Outcomes, Wording):
    """The report of a table whose target is known when the report runs (every figure
    final). A case subclasses it for what only the case knows, and passes an instance."""

    def prepare(
        self,
        month: str,
        data: str | Path | None,
        rule: str | Path,
        recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    ) -> tuple[pd.DataFrame, RuleFile]:
        """Read and check the inputs (:func:`pocmvp.toolkit.report_inputs.prepare`)."""
        if data is None:
            raise ReportError("a table's report needs the table (data)")
        return prepare(month, data, rule, recipients)

    def check(self, month, data, rule, recipients=DEFAULT_RECIPIENTS) -> None:
        """Refuse a bad request before a report is started (a command's early check)."""
        self.prepare(month, data, rule, recipients)

    def summary_markdown(self, result: MonthlyReport) -> str:
        """The month in words and its table of figures."""
        f = result.figures
        said = (
            f"**{delivery.month_name(result.month)}**, {rule_called(result.rule_version)}. Of "
            f"{num(f['rows'])} rows, {num(f['flagged'])} were flagged, {num(f['passed'])} "
            f"passed and {num(f['rejected'])} were rejected. The capacity is "
            f"{num(f['capacity'])} tests: {num(f['tested'])} rows were tested and found "
            f"**{num(f['caught'])} of the month's {num(f['positives'])} positives** (a catch "
            f"rate of {pct(f['catch_rate'])}). The target is in the table, so every figure is "
            "final."
        )
        return f"{said}\n\n{markdown_table(self.email_table(f))}"

    def extra_markdown(self, result: MonthlyReport) -> str:
        """Nothing beyond the month for a table."""
        return ""

    def extra_claims(self, result: MonthlyReport) -> list[tuple[str, bool]]:
        """The report's own claims: the catch rate is caught over positives."""
        f = result.figures
        return [
            ("positives found never exceed the positives", f["caught"] <= f["positives"]),
            ("never more tests than the capacity", f["tested"] <= f["capacity"]),
        ]


TABLE = TableReport()
"""The plug-in of a table's report (the default)."""


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
    plugin: TableReport = TABLE

    def path(self, kind: str) -> Path:
        """The path of one of the report's files (``workbook``, ``email``, ...)."""
        return self.folder / self.files[kind]

    def summary_markdown(self) -> str:
        return self.plugin.summary_markdown(self)

    def extra_markdown(self) -> str:
        return self.plugin.extra_markdown(self)

    def extra_claims(self) -> list[tuple[str, bool]]:
        return self.plugin.extra_claims(self)


NOTEBOOK_FOLDER = Path(__file__).resolve().parent / "report_notebook"
EXAMPLE_TABLE = NOTEBOOK_FOLDER / "example_orders.csv"
"""The table the report notebook reports by default: a shop's orders (made by
``tools/make_report_example.py``)."""
EXAMPLE_RULE = NOTEBOOK_FOLDER / "example_rule.json"
"""The example table's approved rule, live from September 2025."""


def notebook_path() -> Path:
    """The report notebook shipped with the package."""
    return NOTEBOOK_FOLDER / "monthly_report.ipynb"


def run_report(
    table: pd.DataFrame,
    month: str,
    approved: RuleFile,
    output_dir: str | Path,
    *,
    plugin: TableReport = TABLE,
    rule_version: str = "rule",
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    sender: str = DEFAULT_SENDER,
) -> MonthlyReport:
    """Make the month's report and write its files into ``output_dir`` (see the module):
    account, flag, route and count (:func:`month_figures`), then deliver (:func:`deliver`)."""
    check_recipients(recipients)  # 1. the inputs, checked once
    check_month(table, month, time_column(approved))
    computed = month_figures(table, month, approved, plugin)  # 2. account, flag, route, count
    figures, chart, message, files = deliver(  # 3. the workbook, chart, email and figures
        computed,
        approved,
        plugin,
        Path(output_dir),
        rule_version=rule_version,
        recipients=recipients,
        sender=sender,
    )
    return MonthlyReport(
        month=month,
        rule_version=rule_version,
        rule=approved.rule,
        figures=figures,
        accounting=computed.accounting,
        monthly=computed.monthly,
        chart=chart,
        message=message,
        folder=Path(output_dir),
        files=files,
        plugin=plugin,
    )


def make(
    month: str,
    data: str | Path | None,
    rule: str | Path,
    output_dir: str | Path,
    recipients: str | Iterable[str] = DEFAULT_RECIPIENTS,
    *,
    plugin: TableReport = TABLE,
) -> MonthlyReport:
    """Read and check the inputs with the plug-in, then :func:`run_report` (the notebook's
    one call)."""
    table, approved = plugin.prepare(month, data, rule, recipients)
    return run_report(
        table,
        month,
        approved,
        output_dir,
        plugin=plugin,
        rule_version=rule_name(rule),
        recipients=recipients,
    )


def plugin_from(reference: str | None, options: dict | None = None) -> TableReport:
    """The plug-in a caller names as ``"module:factory"`` with its options (for a notebook
    run by papermill, whose parameters are plain values); None: a table's report."""
    if reference is None:
        if options:
            raise ReportError(f"a table's report takes no {', '.join(sorted(options))}")
        return TABLE
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)(**(options or {}))
