"""The report's last stage: deliver. The workbook, the chart, the email and the figures.

:func:`deliver` writes a month's files into one folder, each once: the workbook (the kept
rows and a Rejected sheet listing every rejected row), the chart, the email with the workbook
attached (:mod:`pocmvp.toolkit.delivery`) and the figures as JSON. The words of the email and
the workbook come from the plug-in (:class:`Wording`; a case passes its own).

Output: ``pocmvp report`` writes into ``./reports/YYYY-MM`` of the current folder by default
(:func:`default_output_dir`), never next to the package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import cells, delivery, workbook
from pocmvp.toolkit.formats import num, pct
from pocmvp.toolkit.report_figures import MonthFigures
from pocmvp.toolkit.report_inputs import ReportError, check_month_format
from pocmvp.toolkit.rulefile import RuleFile


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


def rule_called(rule_version: str, *, capital: bool = False) -> str:
    """How the report's words name a rule: ``v1`` is "rule v1"; a name that already says
    rule stays as it is ("example_rule"), and ``rule`` (from ``rule.json``) is "the rule",
    never "rule rule". ``capital``: to begin a sentence ("Rule v1", "The rule")."""
    if rule_version.lower() == "rule":
        said = "the rule"
    elif "rule" in re.split(r"[^a-z]+", rule_version.lower()):
        said = rule_version
    else:
        said = f"rule {rule_version}"
    return said[:1].upper() + said[1:] if capital else said


def default_output_dir(month: str) -> Path:
    """Where a month's report goes by default: ``reports/YYYY-MM`` in the current folder."""
    return Path.cwd() / "reports" / check_month_format(month)


def rejected_table(figures: dict) -> pd.DataFrame:
    """Every rejected row (id and reason) as the workbook's Rejected sheet holds it."""
    return pd.DataFrame(figures["rejected_rows"], columns=["part_id", "reason"])


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


def write_figures(figures: dict, path: Path) -> None:
    """The figures as sorted, indented JSON (NaN as null)."""
    path.write_text(json.dumps(plain(figures), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def markdown_table(table: dict[str, str]) -> str:
    """Label -> value as a two-column Markdown table."""
    lines = ["| Figure | Value |", "| --- | ---: |"]
    return "\n".join([*lines, *(f"| {label} | {value} |" for label, value in table.items())])


def rejected_note(figures: dict, names: dict[str, str]) -> str | None:
    """How many rows were rejected and where every one of them is listed."""
    if not figures["rejected"]:
        return None
    return (
        f"{num(figures['rejected'])} rows were rejected (entry errors) and left out of the "
        f"figures; every one, with its id and reason, is in the {workbook.REJECTED_SHEET} sheet "
        f"of {names['workbook']} and in {names['figures']}."
    )


class Wording:
    """The words and the workbook of a table's report. A plug-in overrides what differs."""

    shipped_column = "missed"
    """The monthly column the chart draws as shipped (missed positives, final)."""
    shipped_so_far = False
    words = delivery.TABLE_WORDS
    """How the chart and the email name the rows, the test and the positives."""

    def subject(self, month: str, rule_version: str) -> str:
        return f"Report: {delivery.month_name(month)} ({rule_called(rule_version)})"

    def email_table(self, figures: dict) -> dict[str, str]:
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

    def alert(self, figures: dict) -> str | None:
        """The warning for a month whose flags exceed the capacity (None otherwise)."""
        if figures["overflow"] <= 0:
            return None
        return (
            f"the rule flagged {num(figures['flagged'])} rows but the capacity is "
            f"{num(figures['capacity'])}: {num(figures['overflow'])} flagged rows went untested."
        )

    def notes(self, figures: dict, rule_version: str, names: dict[str, str]) -> list[str]:
        """The email's notes: the rule and the rejected rows."""
        said = [f"{rule_called(rule_version, capital=True)}: {figures['rule']}"]
        rejected = rejected_note(figures, names)
        return [*said, rejected] if rejected else said

    def tables(self, figures: dict) -> dict[str, pd.DataFrame] | None:
        """More tables after the notes (none for a table's report)."""
        return None

    def closing(self, figures: dict) -> list[str]:
        """The paragraphs the email ends with (none for a table's report)."""
        return []

    def write_workbook(
        self, computed: MonthFigures, approved: RuleFile, path: Path, figures: dict, rule_version
    ) -> None:
        """The kept rows with their flag and test, and the Rejected sheet."""
        own = (computed.routed.months == figures["month"]).to_numpy()
        rows = computed.accepted.assign(
            flagged=computed.routed.flagged.to_numpy()[own],
            tested=computed.routed.tested.to_numpy()[own],
        )
        try:
            workbook.write_table_workbook(
                {"Rows": rows, workbook.REJECTED_SHEET: rejected_table(figures)}, path
            )
        except cells.TooManyRowsError as error:
            raise ReportError(f"the month's rows do not fit in a workbook: {error}") from None


def deliver(
    computed: MonthFigures,
    approved: RuleFile,
    wording: Wording,
    folder: Path,
    *,
    rule_version: str,
    recipients: str | Iterable[str],
    sender: str,
) -> tuple[dict, delivery.Chart, EmailMessage, dict[str, str]]:
    """Write the month's workbook, chart, email and figures into ``folder``; returns the
    figures, the chart, the email and the file names."""
    month = computed.figures["month"]
    figures = {"rule_version": rule_version, "rule": approved.rule.describe(), **computed.figures}
    folder.mkdir(parents=True, exist_ok=True)
    names = file_names(month, rule_version)
    wording.write_workbook(computed, approved, folder / names["workbook"], figures, rule_version)
    chart = delivery.render_monthly_chart(
        computed.monthly,
        month,
        flagged="flagged",
        caught="caught",
        shipped=wording.shipped_column,
        shipped_so_far=wording.shipped_so_far,
        words=wording.words,
    )
    (folder / names["chart"]).write_bytes(chart.png)
    message = delivery.compose_report_email(
        month=month,
        figures=wording.email_table(figures),
        chart_png=chart.png,
        chart_alt=chart.alt,
        attachment=folder / names["workbook"],
        sender=sender,
        recipients=recipients,
        subject=wording.subject(month, rule_version),
        alert=wording.alert(figures),
        notes=wording.notes(figures, rule_version, names),
        tables=wording.tables(figures),
        closing=wording.closing(figures),
        words=wording.words,
    )
    written = delivery.write_email(message, folder)
    written.replace(folder / names["email"])
    write_figures(figures, folder / names["figures"])
    return figures, chart, message, {k: v for k, v in names.items() if k != "notebook"}
