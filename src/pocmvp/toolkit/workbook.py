"""The MVP as the quality lead sees it: the shift log in a real .xlsx with a live rule column.

:func:`write_rule_workbook` writes four sheets with XlsxWriter:

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
* **Rejected**: the rows the rule cannot judge, as they came in, with the reason.

Text from the data never becomes a formula: every cell is made by :mod:`pocmvp.toolkit.cells`,
so a supplier named ``=HYPERLINK(...)`` stays text (OWASP's CSV injection advice, applied to
.xlsx). Characters a spreadsheet cannot hold (control characters) are replaced by U+FFFD.
Datetimes are real dates with a number format. The same rows and rule give a byte-identical
file (fixed document dates and zip timestamps). No formula has a stored result, so a
spreadsheet computes every formula when it opens the file;
:mod:`pocmvp.toolkit.spreadsheet_engine` does that with LibreOffice to check the Python rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
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

HIGHLIGHT = "#E69F00"
"""The fill of a flagged row (orange)."""
OVER_CAPACITY = "#D55E00"
"""The fill of a capacity over 100 % and of a scope cell the rule does not know (red)."""
_BOLD = {"bold": True}
_TITLE = {"bold": True, "font_size": 14}

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
    # Fixed properties and zip dates: the same rows and rule give the same bytes every run.
    last = accepted[schema.time].max() if schema.time in accepted.columns else None
    when = FIXED_DATE if last is None or pd.isna(last) else last
    with cells.NewWorkbook(path, when) as book:
        _write_data_sheet(book, book.add_sheet(data_sheet), accepted, rule, layout)
        _write_summary_sheet(book, book.add_sheet(SUMMARY_SHEET), accepted, capacity, layout)
        _write_rule_sheet(book, book.add_sheet(RULE_SHEET), rule, capacity, notes, layout)
        if listed is not None:
            write_table_sheet(book, book.add_sheet(REJECTED_SHEET), listed)
        else:
            _write_rejected_sheet(
                book,
                book.add_sheet(REJECTED_SHEET),
                table.loc[rejected.to_numpy()],
                accounting.decisions.loc[rejected, "reason"],
                np.flatnonzero(rejected.to_numpy()) + 1,
                layout,
            )
    return path


def write_table_sheet(book: cells.NewWorkbook, sheet, table: pd.DataFrame) -> None:
    """Write ``table`` (any columns) as values on ``sheet`` of ``book``: a bold header row,
    then one row per record. Text stays text, whatever it starts with; dates and numbers keep
    their type."""
    headers = [str(c) for c in table.columns]
    for index, name in enumerate(headers):
        sheet.set_column(index, index, min(max(10, len(name) + 2), 40))
    sheet.freeze_panes(1, 0)
    _write_rows(book, sheet, headers, [table[name] for name in table.columns])


def write_table_workbook(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """A workbook of plain tables, one sheet per entry of ``sheets``, in that order."""
    for name, table in sheets.items():
        cells.check_row_count(len(table), sheet=name)
    path = Path(path)
    with cells.NewWorkbook(path, FIXED_DATE) as book:
        for name, table in sheets.items():
            write_table_sheet(book, book.add_sheet(name), table)
    return path


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


def _write_rows(
    book: cells.NewWorkbook,
    sheet,
    headers: Sequence[str],
    columns: Sequence[pd.Series],
    *,
    before: Sequence[Sequence] = (),
    after=None,
) -> None:
    """A bold header row, then one row per record: the values of ``before``'s lists (put
    first, e.g. a row number), then of ``columns``, each cell made by :mod:`pocmvp.toolkit.cells`;
    ``after(row)``, if given, writes more cells of each data row (counted from 0)."""
    for index, name in enumerate(headers):
        book.write(sheet, 0, index, str(name), **_BOLD)
    offset = len(before)
    writers = [
        book.column_writer(sheet, offset + index, column) for index, column in enumerate(columns)
    ]
    puts = [w[0] for w in writers]
    for row, values in enumerate(zip(*before, *(w[1] for w in writers), strict=True), start=1):
        for index, value in enumerate(values[:offset]):
            book.write(sheet, row, index, value)
        for put, value in zip(puts, values[offset:], strict=True):
            put(row, value)
        if after is not None:
            after(row)


def _write_data_sheet(
    book: cells.NewWorkbook, sheet, table: pd.DataFrame, rule: Rule, layout: _Layout
) -> None:
    columns = list(layout.schema.columns)
    flag = layout.flag_column
    last_row = len(table) + 1
    headers = [*columns, layout.flag_header]
    for index, name in enumerate(headers):
        sheet.set_column(index, index, layout.widths.get(name, min(max(10, len(name) + 2), 26)))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(f"A1:{flag}{last_row}")
    schema = layout.schema
    over_capacity = book.style(bg_color=OVER_CAPACITY)
    for scope in rule.scope_columns:
        if scope != schema.scope or not schema.scope_values:
            continue
        letter = get_column_letter(columns.index(scope) + 1)
        known = ",".join(
            f'EXACT(${letter}2,"{v.replace(chr(34), chr(34) * 2)}")' for v in schema.scope_values
        )
        sheet.conditional_format(
            f"{letter}2:{letter}{last_row}",
            {"type": "formula", "criteria": f"NOT(OR({known}))", "format": over_capacity},
        )
    sheet.conditional_format(
        f"A2:{flag}{last_row}",
        {"type": "formula", "criteria": f"${flag}2=TRUE", "format": book.style(bg_color=HIGHLIGHT)},
    )
    flag_index = len(columns)

    def write_flag(row: int) -> None:
        book.formula(sheet, row, flag_index, rule.excel_formula(row + 1, columns))

    _write_rows(book, sheet, headers, [table[name] for name in columns], after=write_flag)


def _write_rejected_sheet(
    book: cells.NewWorkbook,
    sheet,
    rejected: pd.DataFrame,
    reasons: pd.Series,
    rows: np.ndarray,
    layout: _Layout,
) -> None:
    """Every rejected row as it came in (the schema's columns, as text), with its reason and
    its position in the input (1 = the first data row)."""
    columns = [c for c in layout.schema.columns if c in rejected.columns]
    headers = ["input row", "reason", *columns]
    for index, name in enumerate(headers):
        width = 44 if name == "reason" else min(max(10, len(name) + 2), 26)
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    positions = [int(i) for i in rows]
    _write_rows(
        book,
        sheet,
        headers,
        [rejected[name].astype(object) for name in columns],
        before=(positions, list(reasons.astype(str))),
    )


def _months(times: pd.Series) -> list[tuple[str, dt.datetime, dt.datetime]]:
    first_days = sorted(times.dropna().dt.to_period("M").unique())
    return [
        (str(p), p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime())
        for p in first_days
    ]


def _write_summary_sheet(
    book: cells.NewWorkbook, sheet, table: pd.DataFrame, capacity: float, layout: _Layout
) -> None:
    last_row = len(table) + 1
    data = layout.data_sheet.replace("'", "''")
    columns = list(layout.schema.columns)
    flag = layout.flag_column
    rows_word = layout.word("rows")
    flags = f"'{data}'!${flag}$2:${flag}${last_row}"
    for index, width in enumerate((38, 14, 14, 10, 10, 10, 14)):
        sheet.set_column(index, index, width)
    c = SUMMARY_CELLS
    over_capacity = {
        "type": "cell",
        "criteria": ">",
        "value": 1,
        "format": book.style(bg_color=OVER_CAPACITY),
    }
    sheet.conditional_format(c["capacity_used"], over_capacity)
    rows = [
        [_Text("The rule's load on the test", _TITLE)],
        [_Text(f"Every figure is a live formula over the {layout.data_sheet} sheet.")],
        [_Text(f"{rows_word.capitalize()} in this workbook"), _Formula(f"=COUNTA({flags})")],
        [
            _Text(f"{rows_word.capitalize()} to test (flagged)"),
            _Formula(f"=COUNTIF({flags},TRUE)"),
        ],
        [
            _Text(f"Share of {rows_word} flagged"),
            _Formula(f"=IF({c['parts']}>0,{c['flagged']}/{c['parts']},0)", "0.0%"),
        ],
        [
            _Text(f"Test capacity (share of each month's {rows_word})"),
            _Value(capacity, "0.0%"),
        ],
        [
            _Text(f"Test capacity ({rows_word})"),
            _Formula(f"=INT({c['parts']}*{c['capacity_share']})"),
        ],
        [
            _Text("Capacity used (over 100 % means more flags than tests)"),
            _Formula(f"=IF({c['capacity']}>0,{c['flagged']}/{c['capacity']},0)", "0%"),
        ],
    ]
    time = layout.schema.time
    if time is not None and time in columns and len(table):
        rows += [
            [],
            [_Text("Per month", _BOLD)],
            [
                _Text(h, _BOLD)
                for h in ("month", "from", "to (excluded)", "parts", "flagged", "capacity")
                + ("capacity used",)
            ],
        ]
        letter = get_column_letter(columns.index(time) + 1)
        dates = f"'{data}'!${letter}$2:${letter}${last_row}"
        months = _months(table[time])
        first = MONTH_TABLE_FIRST_ROW
        if months:
            span = f"G{first}:G{first + len(months) - 1}"
            sheet.conditional_format(span, over_capacity)
        for offset, (label, start, end) in enumerate(months):
            r = first + offset
            in_month = f'{dates},">="&B{r},{dates},"<"&C{r}'
            rows.append(
                [
                    _Text(label),
                    _Value(start, "yyyy-mm-dd"),
                    _Value(end, "yyyy-mm-dd"),
                    _Formula(f"=COUNTIFS({in_month})"),
                    _Formula(f"=COUNTIFS({in_month},{flags},TRUE)"),
                    _Formula(f"=INT(D{r}*{c['capacity_share']})"),
                    _Formula(f"=IF(F{r}>0,E{r}/F{r},0)", "0%"),
                ]
            )
    for row, items in enumerate(rows):
        for column, item in enumerate(items):
            item.put(book, sheet, row, column)


@dataclass(frozen=True)
class _Text:
    """A cell of text (never a formula), with an XlsxWriter format's properties."""

    text: str
    style: Mapping[str, object] = field(default_factory=dict)

    def put(self, book: cells.NewWorkbook, sheet, row: int, column: int) -> None:
        book.write(sheet, row, column, str(self.text), **self.style)


@dataclass(frozen=True)
class _Value:
    """A cell holding a number or a date, with a number format."""

    value: object
    number_format: str

    def put(self, book: cells.NewWorkbook, sheet, row: int, column: int) -> None:
        book.write(sheet, row, column, self.value, self.number_format)


@dataclass(frozen=True)
class _Formula:
    """A live formula cell, with a number format if given."""

    formula: str
    number_format: str | None = None

    def put(self, book: cells.NewWorkbook, sheet, row: int, column: int) -> None:
        book.formula(sheet, row, column, self.formula, self.number_format)


def _write_rule_sheet(
    book: cells.NewWorkbook,
    sheet,
    rule: Rule,
    capacity: float,
    notes: Sequence[str],
    layout: _Layout,
) -> None:
    from pocmvp.toolkit.sql import select

    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 100)
    wrap = {"text_wrap": True, "valign": "top"}
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
    book.write(sheet, 0, 0, "The rule in plain words", **_TITLE)
    for row, (label, text) in enumerate(lines, start=1):
        book.write(sheet, row, 0, str(label), **_BOLD)
        book.write(sheet, row, 1, str(text), **wrap)


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
