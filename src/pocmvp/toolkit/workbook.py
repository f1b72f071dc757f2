"""The MVP as its user sees it: the table in a real .xlsx with a live rule column.

:func:`write_rule_workbook` writes four sheets with openpyxl:

* **Data** (``data_sheet``): the schema's columns, known when a row is routed (never the
  target, nor anything written after the test), then a LIVE formula column
  (``flag_header``) holding :meth:`pocmvp.toolkit.rule.Rule.excel_formula` for each row;
  conditional formatting highlights the rows to test and, for a rule scoped to a text
  column's values, marks a scope cell whose text the rule does not recognise (say ``Web``
  for ``web``), since such a row only meets the rule's unscoped conditions. Frozen header,
  autofilter, widths set.
* **Summary**: live formulas: rows, rows flagged (``COUNTIF``), the test's capacity, the
  capacity used, overall and per month (``COUNTIFS`` over the time column's dates).
* **Rule**: the rule in plain words, its formula and SQL, and how missing values are treated.
* **Rejected**: the rows refused, each with its reason.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pocmvp.toolkit import cells
from pocmvp.toolkit.accounting import REJECTED, account_rows
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.schema import Schema, numbers, parse_time

DATA_SHEET = "Data"
SUMMARY_SHEET = "Summary"
RULE_SHEET = "Rule"
REJECTED_SHEET = "Rejected"
FLAG_HEADER = "flag"

HIGHLIGHT = PatternFill(start_color="FFE69F00", end_color="FFE69F00", fill_type="solid")
OVER_CAPACITY = PatternFill(start_color="FFD55E00", end_color="FFD55E00", fill_type="solid")
_BOLD = Font(bold=True)

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
"""The workbook's document date when the table has no time (otherwise its latest)."""
MONTH_TABLE_FIRST_ROW = 12
"""First row of the summary's per-month table (month, from, to, parts, flagged, capacity,
capacity used), one row per month in the workbook (only with a time column)."""


def flag_column(schema: Schema) -> str:
    """The letter of the rule's formula column on the data sheet."""
    return get_column_letter(len(schema.columns) + 1)


def write_rule_workbook(
    table: pd.DataFrame,
    rule: Rule,
    path: str | Path,
    *,
    schema: Schema,
    capacity: float,
    notes: Sequence[str] = (),
    data_sheet: str = DATA_SHEET,
    flag_header: str = FLAG_HEADER,
    widths: Mapping[str, int] | None = None,
    labels: Mapping[str, str] | None = None,
    rejected: pd.DataFrame | None = None,
) -> Path:
    """Write the rule workbook for ``table`` to ``path`` and return the path.

    ``rejected``, when given, is the caller's own list of rejected rows (e.g. a report's,
    which accounted for the rows before handing over the accepted ones): the Rejected sheet
    then lists it, every row.

    Every row is first decided with :func:`pocmvp.toolkit.accounting.account_rows`: the accepted
    rows go to the data sheet in input order (the ``schema.columns``, then the live formula
    column ``flag_header``), the rejected ones to the **Rejected** sheet with their reason.
    ``capacity`` is the share of rows the test can take; ``notes`` are extra lines for the
    Rule sheet; ``widths`` sets columns' widths;
    ``labels`` may rename the summary's "rows" (e.g. ``{"rows": "parts"}``).
    """
    cells.check_row_count(len(table), sheet=data_sheet)  # before any work
    path = Path(path)
    rule = Rule(rule.conditions, schema)
    accounting = account_rows(table, rule, schema)
    listed, rejected = rejected, accounting.decisions["decision"] == REJECTED
    accepted = table.loc[~rejected.to_numpy()].copy()
    for column in rule.columns:  # text in a rule column only ever rejects its own row
        accepted[column] = numbers(accepted[column])[0]
    if schema.time is not None and schema.time in accepted.columns:
        accepted[schema.time] = parse_time(accepted[schema.time])
    layout = _Layout(schema, data_sheet, flag_header, widths or {}, labels or {})
    book = Workbook(write_only=True)
    _write_data_sheet(book.create_sheet(data_sheet), accepted, rule, layout)
    _write_summary_sheet(book.create_sheet(SUMMARY_SHEET), accepted, capacity, layout)
    _write_rule_sheet(book.create_sheet(RULE_SHEET), rule, capacity, notes, layout)
    if listed is not None:
        write_table_sheet(book.create_sheet(REJECTED_SHEET), listed)
    else:
        _write_rejected_sheet(
            book.create_sheet(REJECTED_SHEET),
            table.loc[rejected.to_numpy()],
            accounting.decisions.loc[rejected, "reason"],
            np.flatnonzero(rejected.to_numpy()) + 1,
            layout,
        )
    # Fixed properties and zip dates: the same rows and rule give the same bytes every run.
    last = accepted[schema.time].max() if schema.time in accepted.columns else None
    when = FIXED_DATE if last is None or pd.isna(last) else last
    return cells.save_reproducibly(book, path, when)


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


@dataclass(frozen=True)
class _Layout:
    schema: Schema
    data_sheet: str
    flag_header: str
    widths: Mapping[str, int]
    labels: Mapping[str, str]

    @property
    def flag_column(self) -> str:
        return flag_column(self.schema)

    def word(self, key: str) -> str:
        return self.labels.get(key, key)


def _text(sheet, value: str, **style) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, whatever it starts with."""
    return cells.data_cell(sheet, str(value), **style)


_FORMATS: dict[str, str] = {}
"""Number formats by column name (none: General; dates ``yyyy-mm-dd hh:mm``)."""


def _write_data_sheet(sheet, table: pd.DataFrame, rule: Rule, layout: _Layout) -> None:
    columns = list(layout.schema.columns)
    flag = layout.flag_column
    last_row = len(table) + 1
    headers = [*columns, layout.flag_header]
    for index, name in enumerate(headers, start=1):
        width = layout.widths.get(name, min(max(10, len(name) + 2), 26))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{flag}{last_row}"
    schema = layout.schema
    for scope in rule.scope_columns:
        if scope != schema.scope or not schema.scope_values:
            continue
        letter = get_column_letter(columns.index(scope) + 1)
        known = ",".join(
            f'EXACT(${letter}2,"{v.replace(chr(34), chr(34) * 2)}")' for v in schema.scope_values
        )
        sheet.conditional_formatting.add(
            f"{letter}2:{letter}{last_row}",
            FormulaRule(formula=[f"NOT(OR({known}))"], fill=OVER_CAPACITY),
        )
    sheet.conditional_formatting.add(
        f"A2:{flag}{last_row}",
        FormulaRule(formula=[f"${flag}2=TRUE"], fill=HIGHLIGHT),
    )
    sheet.append([_text(sheet, h, font=_BOLD) for h in headers])

    writers = [_column_writer(sheet, name, table[name]) for name in columns]
    values = [w[1] for w in writers]
    for offset, row_values in enumerate(zip(*values, strict=True)):
        row = [make(v) for make, v in zip((w[0] for w in writers), row_values, strict=True)]
        row.append(rule.excel_formula(offset + 2, columns))
        sheet.append(row)


def _write_rejected_sheet(
    sheet, rejected: pd.DataFrame, reasons: pd.Series, rows: np.ndarray, layout: _Layout
) -> None:
    """Every rejected row as it came in (the schema's columns, as text), with its reason and
    its position in the input (1 = the first data row)."""
    columns = [c for c in layout.schema.columns if c in rejected.columns]
    headers = ["input row", "reason", *columns]
    for index, name in enumerate(headers, start=1):
        width = 44 if name == "reason" else min(max(10, len(name) + 2), 26)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, h, font=_BOLD) for h in headers])
    positions = [int(i) for i in rows]
    writers = [_column_writer(sheet, name, rejected[name].astype(object)) for name in columns]
    values = [w[1] for w in writers]
    for position, reason, *row_values in zip(positions, reasons.astype(str), *values, strict=True):
        row = [make(v) for make, v in zip((w[0] for w in writers), row_values, strict=True)]
        sheet.append([position, _text(sheet, reason), *row])


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


def _months(times: pd.Series) -> list[tuple[str, dt.datetime, dt.datetime]]:
    first_days = sorted(times.dropna().dt.to_period("M").unique())
    return [
        (str(p), p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime())
        for p in first_days
    ]


def _write_summary_sheet(sheet, table: pd.DataFrame, capacity: float, layout: _Layout) -> None:
    last_row = len(table) + 1
    data = layout.data_sheet.replace("'", "''")
    columns = list(layout.schema.columns)
    flag = layout.flag_column
    rows_word = layout.word("rows")
    flags = f"'{data}'!${flag}$2:${flag}${last_row}"
    for letter, width in zip("ABCDEFG", (38, 14, 14, 10, 10, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    c = SUMMARY_CELLS
    sheet.conditional_formatting.add(
        c["capacity_used"], CellIsRule(operator="greaterThan", formula=["1"], fill=OVER_CAPACITY)
    )
    rows = [
        [_text(sheet, "The rule's load on the test", font=Font(bold=True, size=14))],
        [_text(sheet, f"Every figure is a live formula over the {layout.data_sheet} sheet.")],
        [_text(sheet, f"{rows_word.capitalize()} in this workbook"), f"=COUNTA({flags})"],
        [_text(sheet, f"{rows_word.capitalize()} to test (flagged)"), f"=COUNTIF({flags},TRUE)"],
        [
            _text(sheet, f"Share of {rows_word} flagged"),
            _styled(sheet, f"=IF({c['parts']}>0,{c['flagged']}/{c['parts']},0)", "0.0%"),
        ],
        [
            _text(sheet, f"Test capacity (share of each month's {rows_word})"),
            _styled(sheet, capacity, "0.0%"),
        ],
        [_text(sheet, f"Test capacity ({rows_word})"), f"=INT({c['parts']}*{c['capacity_share']})"],
        [
            _text(sheet, "Capacity used (over 100 % means more flags than tests)"),
            _styled(sheet, f"=IF({c['capacity']}>0,{c['flagged']}/{c['capacity']},0)", "0%"),
        ],
    ]
    time = layout.schema.time
    if time is not None and time in columns and len(table):
        rows += [
            [],
            [_text(sheet, "Per month", font=_BOLD)],
            [
                _text(sheet, h, font=_BOLD)
                for h in ("month", "from", "to (excluded)", "parts", "flagged", "capacity")
                + ("capacity used",)
            ],
        ]
    for row in rows:
        sheet.append(row)
    if time is None or time not in columns or not len(table):
        return
    letter = get_column_letter(columns.index(time) + 1)
    dates = f"'{data}'!${letter}$2:${letter}${last_row}"
    months = _months(table[time])
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


def _write_rule_sheet(
    sheet, rule: Rule, capacity: float, notes: Sequence[str], layout: _Layout
) -> None:
    from pocmvp.toolkit.sql import select

    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    schema = layout.schema
    rows_word = layout.word("rows")
    lines = [
        ("The rule", rule.describe(schema)),
        ("Formula (row 2)", rule.excel_formula(2, schema.columns)),
        ("SQL", select(rule, "data")),
        (
            "Missing values",
            "An empty cell (a value that was not recorded) never flags a row on its own; "
            "another condition of the rule still can. A row with text in a number column the "
            "rule reads is not on this sheet: it is on the Rejected sheet, with the reason.",
        ),
        *_scope_lines(rule, schema),
        (
            "Capacity",
            f"The test takes {capacity:.0%} of each month's {rows_word}. The Summary sheet "
            "shows how much of it the rule uses.",
        ),
        (
            "How to use",
            f"Filter column {layout.flag_column} ({layout.flag_header}) on TRUE: "
            f"those {rows_word} go to the test.",
        ),
        *[("Note", note) for note in notes],
        ("", ""),
        ("Column", "Meaning"),
        *[(name, schema.meaning(name)) for name in rule.input_columns],
    ]
    sheet.append([_text(sheet, "The rule in plain words", font=Font(bold=True, size=14))])
    for label, text in lines:
        sheet.append([_text(sheet, label, font=_BOLD), _text(sheet, text, alignment=wrap)])


def _scope_lines(rule: Rule, schema: Schema) -> list[tuple[str, str]]:
    """How a scoped rule reads its scope column (nothing for an unscoped rule)."""
    lines = []
    for scope in rule.scope_columns:
        known = ""
        if scope == schema.scope and schema.scope_values:
            known = f" ({', '.join(schema.scope_values)})"
        lines.append(
            (
                f"{scope.capitalize()}s",
                f"A condition 'on the ... {scope}' applies only to rows whose {scope} cell "
                f"holds exactly that {scope}'s name, case and spaces included{known}. A "
                f"{scope} cell marked red holds none of these names: only the conditions for "
                "every row can flag it, so correct the entry.",
            )
        )
    return lines
