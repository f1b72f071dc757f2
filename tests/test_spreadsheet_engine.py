"""LibreOffice as the judge: every formula the workbook holds gives what Python gives."""

import zipfile

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.case.plant_rule import Rule
from pocmvp.toolkit import cells, spreadsheet_engine
from pocmvp.toolkit import workbook as toolkit_workbook

needs_libreoffice = pytest.mark.skipif(
    not spreadsheet_engine.libreoffice_available(),
    reason="LibreOffice (soffice) is not installed: install Debian's libreoffice-calc "
    "(.ci/run does) to check the workbook's formulas with a real spreadsheet engine",
)
# Every operator, on both kinds of column, with thresholds the tricky rows sit on.
EVERY_OPERATOR = Rule.of(
    ("melt_temp_c", ">=", 707.2),
    ("die_temp_c", "<=", 195.5),
    ("shots_since_maintenance", ">", 6000),
    ("scrap_share_pct", "<", 5.0),
    schema=factory.SCHEMA,
)
# Rule v2's shape: the melt condition read differently on the night shift.
NIGHT_AWARE = Rule.of(
    ("melt_temp_c", ">", 707.2, ("early", "late")),
    ("melt_temp_c", ">=", 713.0, ("night",)),
    ("die_temp_c", "<", 195.5),
    schema=factory.SCHEMA,
)
SAMPLE_ROWS = 4_000  # the full 30,000 take ~20 s to write, recalculate and read: see the report


@pytest.fixture(scope="module")
def found(fast_plant):
    history = factory.in_months(fast_plant.shift_log, factory.TRAIN_MONTHS)
    return rule.find_rule(history, "defect", 0.05).rule


def sample_with_tricky_rows(shift_log, chosen):
    sample = shift_log.sample(SAMPLE_ROWS, random_state=4).sort_values("cast_at")
    return pd.concat([sample, workbook.tricky_rows(shift_log, chosen)], ignore_index=True)


def recalculated(log, chosen, tmp_path):
    path = workbook.write_rule_workbook(log, chosen, tmp_path / "rule.xlsx")
    return spreadsheet_engine.recalculate(path, tmp_path / "out")


@needs_libreoffice
@pytest.mark.parametrize("which", ["found", "every_operator", "night_aware"])
def test_every_formula_agrees_with_python(fast_plant, found, which, tmp_path):
    chosen = {"found": found, "every_operator": EVERY_OPERATOR, "night_aware": NIGHT_AWARE}[which]
    log = sample_with_tricky_rows(fast_plant.shift_log, chosen)
    result = recalculated(log, chosen, tmp_path)

    flags = spreadsheet_engine.read_flags(result)
    python = chosen.flag(log)
    disagree = np.flatnonzero(flags.to_numpy() != python.to_numpy())
    assert len(disagree) == 0, log.iloc[disagree[:5]][list(chosen.columns)]
    assert python.iloc[SAMPLE_ROWS:].any() and not python.iloc[SAMPLE_ROWS:].all()

    value = spreadsheet_engine.read_summary(result)
    capacity = status_quo.ECONOMICS.capacity(len(log))
    assert value["parts"] == len(log)
    assert value["flagged"] == python.sum()
    assert value["capacity"] == capacity
    assert value["capacity_used"] == pytest.approx(python.sum() / capacity)

    table = spreadsheet_engine.read_monthly_summary(result)
    month = factory.month_of(log)
    assert table["parts"].to_dict() == month.value_counts().to_dict()
    assert table["flagged"].to_dict() == python.groupby(month).sum().to_dict()
    assert table["capacity"].to_dict() == {
        m: status_quo.ECONOMICS.capacity(n) for m, n in month.value_counts().items()
    }


@needs_libreoffice
def test_text_stays_text_after_a_spreadsheet_opened_it(fast_plant, found, tmp_path):
    log = workbook.tricky_rows(fast_plant.shift_log, found)
    data = spreadsheet_engine.read_sheet(recalculated(log, found, tmp_path))
    assert data["supplier"].tolist() == log["supplier"].tolist()
    assert data["part_id"].tolist() == log["part_id"].tolist()
    assert set(workbook.TRICKY_TEXTS) <= set(data["cell"])
    assert pd.to_datetime(data["cast_at"]).dt.round("s").tolist() == log["cast_at"].tolist()


@needs_libreoffice
def test_stale_cached_values_are_recomputed(shift_log, tmp_path):
    hot = Rule.of(("melt_temp_c", ">", 707.2))
    log = shift_log.head(2).assign(melt_temp_c=[720.0, 690.0])
    first = recalculated(log, hot, tmp_path)  # now holds cached TRUE, FALSE
    assert spreadsheet_engine.read_flags(first).tolist() == [True, False]
    with zipfile.ZipFile(first) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v>720</v>" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>720</v>", b"<v>600</v>")  # cached TRUE is stale
    stale = tmp_path / "stale" / "rule.xlsx"
    stale.parent.mkdir()
    with zipfile.ZipFile(stale, "w") as book:
        for name, content in parts.items():
            book.writestr(name, content)
    again = spreadsheet_engine.recalculate(stale, tmp_path / "again")
    assert spreadsheet_engine.read_flags(again).tolist() == [False, False]


def test_missing_libreoffice_is_said_plainly(monkeypatch, tmp_path):
    monkeypatch.setattr(spreadsheet_engine.shutil, "which", lambda name: None)
    assert spreadsheet_engine.libreoffice_available() is False
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="LibreOffice"):
        spreadsheet_engine.recalculate(tmp_path / "x.xlsx")


@needs_libreoffice
def test_bad_paths_are_refused(tmp_path):
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="no workbook"):
        spreadsheet_engine.recalculate(tmp_path / "nothing.xlsx")
    (tmp_path / "a.xlsx").write_bytes(b"")
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="must differ"):
        spreadsheet_engine.recalculate(tmp_path / "a.xlsx", tmp_path)


def test_a_broken_formula_is_reported_by_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = workbook.DATA_SHEET
    sheet.append(["part_id", workbook.FLAG_HEADER])
    sheet.append(["P1", True])
    sheet.append(["P2", "#VALUE!"])
    book.save(tmp_path / "broken.xlsx")
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="row 3"):
        spreadsheet_engine.read_flags(tmp_path / "broken.xlsx")


@needs_libreoffice
def test_a_scoped_rule_reads_shift_text_exactly_as_python_does(fast_plant, tmp_path):
    """Shift cells a person might type (another case, stray spaces, empty, a formula in
    disguise) are in no scope, in the spreadsheet as in Python."""
    log = workbook.tricky_rows(fast_plant.shift_log, NIGHT_AWARE)
    typed = ["Night", " night", "night ", "NIGHT", "", '="night"', "nacht", None]
    hot_at_night = log.iloc[[0] * len(typed)].copy()
    hot_at_night["melt_temp_c"] = 720.0
    hot_at_night["die_temp_c"] = 215.0
    hot_at_night["shift"] = pd.Series(typed, dtype=object).to_numpy()
    log = pd.concat([log.astype({"shift": object}), hot_at_night], ignore_index=True)
    log["part_id"] = [f"S-{i:03d}" for i in range(len(log))]
    # write_rule_workbook refuses unknown shifts, so write the data sheet as a person's edits
    # would leave it.
    layout = toolkit_workbook.Layout(factory.SCHEMA, workbook.DATA_SHEET, "send_to_xray", {}, {})
    path = tmp_path / "typed.xlsx"
    with cells.NewWorkbook(path, toolkit_workbook.FIXED_DATE) as book:
        sheet = book.add_sheet(workbook.DATA_SHEET)
        toolkit_workbook._write_data_sheet(book, sheet, log, NIGHT_AWARE, layout)
    result = spreadsheet_engine.recalculate(path, tmp_path / "out")

    flags = spreadsheet_engine.read_flags(result)
    python = NIGHT_AWARE.flag(log)
    assert flags.tolist() == python.tolist()
    assert not python.iloc[-len(typed) :].any(), "a mistyped shift is in no scope"
    assert python.iloc[: -len(typed)].any()
