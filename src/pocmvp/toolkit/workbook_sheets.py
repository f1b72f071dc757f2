"""The rule workbook's explaining sheets, and the layout they share with its data sheet.

* **Summary** (:func:`write_summary_sheet`): live formulas of the rule's load on the test:
  rows, rows flagged (``COUNTIF``), the test's capacity, the capacity used, overall and per
  month (``COUNTIFS`` over the time column's dates), in :data:`SUMMARY_CELLS` and from
  :data:`MONTH_TABLE_FIRST_ROW`.
* **Rule** (:func:`write_rule_sheet`): the rule in plain words, its formula and SQL, how
  missing values and scope cells are read, and what each column means.

:mod:`pocmvp.toolkit.workbook` writes the whole workbook and calls these; every cell is made
by :mod:`pocmvp.toolkit.cells`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from openpyxl.utils import get_column_letter

from pocmvp.toolkit import cells
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.schema import Schema

OVER_CAPACITY = "#D55E00"
"""The fill of a capacity over 100 % and of a scope cell the rule does not know (red)."""
BOLD = {"bold": True}
TITLE = {"bold": True, "font_size": 14}

# Summary sheet: the cells the overall figures live in (label in A, value in B).
SUMMARY_CELLS = {
    "parts": "B3",
    "flagged": "B4",
    "flagged_share": "B5",
    "capacity_share": "B6",
    "capacity": "B7",
    "capacity_used": "B8",
}
MONTH_TABLE_FIRST_ROW = 12
"""First row of the summary's per-month table (month, from, to, parts, flagged, capacity,
capacity used), one row per month in the workbook (only with a time column)."""


def flag_column(schema: Schema) -> str:
    """The letter of the rule's formula column on the data sheet."""
    return get_column_letter(len(schema.columns) + 1)


@dataclass(frozen=True)
class Layout:
    """Where the rule workbook's sheets put things: the schema, the data sheet's name and
    formula column, column widths, and the words the summary uses for rows."""

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


def _months(times: pd.Series) -> list[tuple[str, dt.datetime, dt.datetime]]:
    first_days = sorted(times.dropna().dt.to_period("M").unique())
    return [
        (str(p), p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime())
        for p in first_days
    ]


def write_summary_sheet(
    book: cells.NewWorkbook, sheet, table: pd.DataFrame, capacity: float, layout: Layout
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
        [_Text("The rule's load on the test", TITLE)],
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
            [_Text("Per month", BOLD)],
            [
                _Text(h, BOLD)
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


def write_rule_sheet(
    book: cells.NewWorkbook,
    sheet,
    rule: Rule,
    capacity: float,
    notes: Sequence[str],
    layout: Layout,
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
    book.write(sheet, 0, 0, "The rule in plain words", **TITLE)
    for row, (label, text) in enumerate(lines, start=1):
        book.write(sheet, row, 0, str(label), **BOLD)
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
