"""When fires start, stage 5: the water line, the daily write-back to the shift leads' sheet.

:func:`write_flags_for_day` writes one day's flags into the shift leads' spreadsheet,
idempotently, and accounts for every row (:class:`WriteBack`); :func:`read_sheet` reads it
back; :func:`water_line` counts the everyday flow; :func:`what_the_sheet_showed` says what
that sheet could and could not tell anyone in December.

Called by chapter 8 and by the tests of the toolkit's cell writer (:mod:`pocmvp.toolkit.cells`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.toolkit import cells
from pocmvp.toolkit.rule import Rule

SHEET = "Flags"
SHEET_COLUMNS = (
    "part_id",
    "cast_at",
    "cell",
    "shift",
    "mould_id",
    "supplier",
    "alloy_lot",
    *rule.RULE_COLUMNS,
)
FLAG_HEADER = "send_to_xray"
VERSION_HEADER = "rule_version"
HEADERS = (*SHEET_COLUMNS, FLAG_HEADER, VERSION_HEADER)
_HIGHLIGHT = PatternFill(start_color="FFE69F00", end_color="FFE69F00", fill_type="solid")


@dataclass(frozen=True)
class WriteBack:
    """What one day's write-back did to every row it received."""

    day: pd.Timestamp
    path: Path
    rule_version: str
    received: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    flags_changed: int
    rows_in_sheet: int
    rejections: pd.DataFrame = field(repr=False)

    @property
    def accounted(self) -> bool:
        """Every row received was added, updated, left unchanged or rejected."""
        return self.added + self.updated + self.unchanged + self.rejected == self.received

    def table(self) -> pd.DataFrame:
        counts = {
            "received": self.received,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "flagged (send to X-ray)": self.flagged,
            "flags changed by this run": self.flags_changed,
            "rows in the sheet after": self.rows_in_sheet,
        }
        return pd.DataFrame({"rows": counts}).rename_axis(
            f"{self.day.date()} ({self.rule_version})"
        )


def write_flags_for_day(
    shift_log: pd.DataFrame,
    live_rule: Rule,
    day: pd.Timestamp | str,
    path: str | Path,
    *,
    rule_version: str,
) -> WriteBack:
    """Write (or update) one day's flags into the shift leads' sheet; return the accounting.

    The sheet is one table, one row per part, keyed by ``part_id``: the fields a shift lead
    needs to find the part, the rule's columns, ``send_to_xray`` (TRUE/FALSE, a value: the
    rule may be a patch or a model, not a formula) and the version of the rule that decided.
    Running it again for the same day with the same rule changes nothing (idempotent); with
    another rule it updates the rows whose flag or version changed. Rows the rule cannot
    judge (see :func:`pocmvp.toolkit.accounting.account_rows`) are not written and are counted as
    rejected, with their reasons in ``rejections``. Text is always stored as text, never as
    a formula.
    """
    day = pd.Timestamp(day).normalize()
    path = Path(path)
    parts = shift_log[shift_log["cast_at"].dt.normalize() == day]
    accounting = rule.account_rows(parts, live_rule)
    decisions = accounting.decisions
    accepted = parts[decisions["decision"] != rule.REJECTED]
    flags = decisions.loc[accepted.index, "decision"] == rule.FLAGGED

    book, sheet = _open_sheet(path)
    cells.check_row_count(sheet.max_row - 1 + len(accepted), sheet=SHEET)  # at most this many
    existing = {
        str(row[0].value): row[0].row
        for row in sheet.iter_rows(min_row=2, max_col=1)
        if row[0].value is not None
    }
    added = updated = unchanged = flags_changed = 0
    flag_index = HEADERS.index(FLAG_HEADER)
    records = accepted[list(SHEET_COLUMNS)].to_dict("records")
    for record, flag in zip(records, flags.to_numpy(), strict=True):
        values = [cells.cell_value(record[c]) for c in SHEET_COLUMNS]
        values += [bool(flag), rule_version]
        at = existing.get(str(record["part_id"]))
        if at is None:
            at = sheet.max_row + 1
            existing[str(record["part_id"])] = at
            added += 1
        else:
            current = [sheet.cell(at, i + 1).value for i in range(len(HEADERS))]
            if current == values:
                unchanged += 1
                continue
            updated += 1
            flags_changed += current[flag_index] != values[flag_index]
        _write_row(sheet, at, values)
    # Fixed document dates: the same day and rule give the same workbook on every run.
    cells.save_reproducibly(book, path, dt.datetime.combine(day.date(), dt.time(6, 0)))
    return WriteBack(
        day=day,
        path=path,
        rule_version=rule_version,
        received=len(parts),
        added=added,
        updated=updated,
        unchanged=unchanged,
        rejected=accounting.counts[rule.REJECTED],
        flagged=int(flags.sum()),
        flags_changed=int(flags_changed),
        rows_in_sheet=sheet.max_row - 1,
        rejections=accounting.rejected(),
    )


def read_sheet(path: str | Path) -> pd.DataFrame:
    """The shift leads' sheet as a data frame (one row per part)."""
    book = load_workbook(path, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    return pd.DataFrame(rows[1:], columns=list(rows[0]))


def _open_sheet(path: Path):
    if path.exists():
        book = load_workbook(path)
        if SHEET not in book.sheetnames:
            raise ValueError(f"{path.name} has no sheet {SHEET!r}: is it the shift leads' sheet?")
        sheet = book[SHEET]
        headers = tuple(c.value for c in sheet[1])
        if headers != HEADERS:
            raise ValueError(f"{path.name}'s {SHEET!r} sheet has other columns: {headers}")
        return book, sheet
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for index, name in enumerate(HEADERS, start=1):
        cells.set_data_cell(sheet.cell(1, index), name).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return book, sheet


def _write_row(sheet, row: int, values: list) -> None:
    for index, (name, value) in enumerate(zip(HEADERS, values, strict=True), start=1):
        # Text is text in every column (a "=HYPERLINK(...)" in a number column too).
        cell = cells.set_data_cell(sheet.cell(row, index), value)
        if name == "cast_at":
            cell.number_format = "yyyy-mm-dd hh:mm"
        if name == FLAG_HEADER:
            cell.fill = _HIGHLIGHT if value else PatternFill()


def water_line(shift_log: pd.DataFrame, flags: pd.Series, month: str) -> pd.DataFrame:
    """The everyday flow in ``month``: per production day, the rows the write-back delivers
    to the shift leads' sheet and how many of them say "send to X-ray"."""
    in_month = factory.month_of(shift_log) == month
    day = shift_log.loc[in_month, "cast_at"].dt.normalize()
    table = pd.DataFrame(
        {"rows": day.groupby(day).size(), "flags": flags[in_month].groupby(day).sum()}
    )
    table.index.name = "day"
    return table.astype("int64")


def what_the_sheet_showed(shift_log: pd.DataFrame, tested: pd.Series) -> pd.DataFrame:
    """November against December as the shift leads' sheet and the X-ray log saw them, next
    to what only returns and an analysis could tell (the catch rate and its cause)."""
    month = factory.month_of(shift_log)
    before = factory.HELD_OUT_MONTHS[-1]
    rows = {}
    for label in (before, factory.FIRE_MONTH):
        mask = month == label
        score = rule.score(shift_log[mask], tested[mask])
        rows[label] = {
            "flag_share": score.flagged_share,
            "hit_rate": score.hit_rate,
            "catch_rate": score.catch_rate,
        }
    table = pd.DataFrame.from_dict(rows, orient="index").T
    table.insert(0, "who can see it", ["sheet (same day)", "X-ray log (same day)", "returns"])
    return table
