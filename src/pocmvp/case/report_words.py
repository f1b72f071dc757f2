"""The plant's report in the plant's words: the email, its tables, the notebook's text.

:class:`PlantWording` is the wording half of the plant's plug-in
(:class:`pocmvp.case.report.PlantReport`): parts, the X-ray test, shipped defects *so far*
until their month is **final**, the value in euros, and the table of earlier months.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pocmvp.case import plant_workbook, status_quo
from pocmvp.case.factory import ShiftLogError
from pocmvp.toolkit import delivery
from pocmvp.toolkit.formats import eur, num, pct
from pocmvp.toolkit.report import (
    MonthlyReport,
    ReportError,
    Wording,
    rejected_note,
    rejected_table,
    rule_called,
)

FINAL, SO_FAR = "final", "so far"
WORDS = delivery.Words(
    row="part",
    rows="parts",
    test="the X-ray test",
    positives="defects",
    missed="shipped",
    months="Month of production",
)
"""The plant's words for the chart and the email: parts flagged for the X-ray test,
defects caught and shipped, by month of production."""
EARLIER_TITLE = "Earlier months, as their returns have come in"
WINS_TITLE = "Value captured since the rule went live (final months only)"
FEEDBACK_ASK = "One line back: what would make this report more useful?"
"""The email's last line: the reply that starts the next version of the rule."""


class PlantWording(Wording):
    """The plant's words and workbook for the toolkit's report (see the module); the plug-in
    sets ``economics`` and ``history`` (the months its rule was chosen on)."""

    shipped_column = "shipped_so_far"
    shipped_so_far = True
    words = WORDS

    def subject(self, month: str, rule_version: str) -> str:
        return f"Quality report: {delivery.month_name(month)} ({rule_called(rule_version)})"

    def email_table(self, figures: dict) -> dict[str, str]:
        return email_table(figures)

    def alert(self, figures: dict) -> str | None:
        return overflow_alert(figures)

    def notes(self, figures: dict, rule_version: str, names: dict[str, str]) -> list[str]:
        return _notes(figures, rule_version, names)

    def tables(self, figures: dict):
        tables = {EARLIER_TITLE: earlier_table(figures)} if figures["earlier_months"] else {}
        if figures.get("since_go_live"):
            tables[WINS_TITLE] = wins_table(figures["since_go_live"])
        return tables or None

    def closing(self, figures: dict) -> list[str]:
        return closing(figures)

    def summary_markdown(self, result: MonthlyReport) -> str:
        """The month in words, as known on the report's morning, and its table of figures."""
        figures = result.figures
        said = (
            f"**{delivery.month_name(result.month)}**, {rule_called(result.rule_version)}, "
            "as known on "
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

    def extra_markdown(self, result: MonthlyReport) -> str:
        """The earlier months, their shipped defects updated to the report's morning."""
        figures = result.figures
        said = (
            f"**{EARLIER_TITLE}** (as booked by {delivery.day_name(figures['as_of'])}):\n\n"
            + earlier_markdown(figures)
            if figures["earlier_months"]
            else "No earlier month of the live rule to update."
        )
        if figures.get("since_go_live"):
            said += f"\n\n**{WINS_TITLE}**:\n\n" + wins_markdown(figures["since_go_live"])
        return "\n\n".join([said, *(f"> {p}" for p in closing(figures))])

    def extra_claims(self, result: MonthlyReport) -> list[tuple[str, bool]]:
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

    def write_workbook(self, computed, approved, path, figures, rule_version):
        notes = [f"{rule_called(rule_version, capital=True)}, chosen on the months {self.history}."]
        try:
            plant_workbook.write_rule_workbook(
                computed.accepted,
                approved.rule,
                path,
                economics=self.economics,
                notes=[*notes, f"Report for {figures['month']}."],
                rejected=rejected_table(figures),
            )
        except ShiftLogError as error:
            raise ReportError(
                f"the rows of {figures['month']} cannot go into the workbook: {error}"
            ) from error


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
    notes = [f"{rule_called(rule_version, capital=True)}: {figures['rule']}"]
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


def _months_markdown(table: pd.DataFrame) -> str:
    """A table of months (its index) and text columns as a Markdown table, figures right-aligned."""
    lines = ["| Month | " + " | ".join(table.columns) + " |"]
    lines.append("| --- |" + " ---: |" * len(table.columns))
    lines += [
        f"| {m} | " + " | ".join(row) + " |"
        for m, row in zip(table.index, table.to_numpy().tolist(), strict=True)
    ]
    return "\n".join(lines)


def earlier_markdown(figures: dict) -> str:
    """The email's table of earlier months as a Markdown table (empty if there are none)."""
    if not figures["earlier_months"]:
        return ""
    return _months_markdown(earlier_table(figures))


def wins_table(since: dict) -> pd.DataFrame:
    """The value captured since go-live, month by month (:func:`pocmvp.case.wins.since_go_live`):
    a month not final is listed as such and not counted; the last row is the total."""
    rows = {
        item["month"]: {
            "status": FINAL if item["status"] == FINAL else "not final: not counted",
            "value captured": eur(item["value_eur"]) if item["value_eur"] is not None else "",
            "running total": eur(item["running_total_eur"])
            if item["running_total_eur"] is not None
            else "",
        }
        for item in since["months"]
    }
    finals = len(since["final_months"])
    rows["total"] = {
        "status": f"{finals} final month{'s' if finals != 1 else ''}",
        "value captured": eur(since["total_eur"]),
        "running total": "",
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "month"
    return table


def wins_markdown(since: dict) -> str:
    """:func:`wins_table` as a Markdown table."""
    return _months_markdown(wins_table(since))


def _months_said(months: Sequence[str]) -> str:
    names = [delivery.month_name(m) for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def forward_paragraph(figures: dict) -> str | None:
    """A short paragraph the quality lead can forward to the plant manager, in plain words:
    the running total since go-live (final months only) against today's sample."""
    since = figures.get("since_go_live")
    if not since:
        return None
    said = (
        "For the plant manager: since the X-ray rule went live on "
        f"{delivery.day_name(since['go_live'])} ({rule_called(since['go_live_version'])}), it "
        "has chosen which parts the X-ray cell tests, with no change to any system, where "
        "before every n-th part was tested. "
    )
    if since["final_months"]:
        said += (
            f"Counting only the months whose customer returns are all in "
            f"({_months_said(since['final_months'])}), its tests caught defective parts that "
            "today's every-n-th-part sample would have shipped, worth "
            f"{eur(since['total_eur'])} in customer returns avoided."
        )
    else:
        said += (
            "No month is final yet: its value is stated once the month's customer returns are "
            "all in."
        )
    pending = since["not_final_months"]
    if pending:
        said += (
            f" {_months_said(pending)} {'is' if len(pending) == 1 else 'are'} not final yet "
            "and not counted; a later report adds "
            f"{'it' if len(pending) == 1 else 'them'}."
        )
    return said


def closing(figures: dict) -> list[str]:
    """The email's last paragraphs: the one to forward, then the one-line ask for feedback."""
    forward = forward_paragraph(figures)
    return [forward, FEEDBACK_ASK] if forward else [FEEDBACK_ASK]
