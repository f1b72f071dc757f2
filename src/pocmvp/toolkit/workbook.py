"""The MVP as its user sees it: the table in a real .xlsx with a live rule column.

:func:`write_rule_workbook` writes four sheets with XlsxWriter:

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
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from pocmvp.toolkit import cells
from pocmvp.toolkit.accounting import REJECTED, account_rows
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.schema import Schema, numbers, parse_time
from pocmvp.toolkit.workbook_sheets import (
    BOLD,
    OVER_CAPACITY,
    Layout,
    write_rule_sheet,
    write_summary_sheet,
)

DATA_SHEET = "Data"
SUMMARY_SHEET = "Summary"
RULE_SHEET = "Rule"
REJECTED_SHEET = "Rejected"
FLAG_HEADER = "flag"

HIGHLIGHT = "#E69F00"
"""The fill of a flagged row (orange)."""
FIXED_DATE = dt.datetime(2000, 1, 1)
"""The workbook's document date when the table has no time (otherwise its latest)."""


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
    layout = Layout(schema, data_sheet, flag_header, widths or {}, labels or {})
    # Fixed properties and zip dates: the same rows and rule give the same bytes every run.
    last = accepted[schema.time].max() if schema.time in accepted.columns else None
    when = FIXED_DATE if last is None or pd.isna(last) else last
    with cells.NewWorkbook(path, when) as book:
        _write_data_sheet(book, book.add_sheet(data_sheet), accepted, rule, layout)
        write_summary_sheet(book, book.add_sheet(SUMMARY_SHEET), accepted, capacity, layout)
        write_rule_sheet(book, book.add_sheet(RULE_SHEET), rule, capacity, notes, layout)
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
        book.write(sheet, 0, index, str(name), **BOLD)
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
    book: cells.NewWorkbook, sheet, table: pd.DataFrame, rule: Rule, layout: Layout
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
    layout: Layout,
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
