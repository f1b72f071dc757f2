"""LibreOffice as the judge: every formula the workbook holds gives what Python gives."""

import subprocess
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def typed_shifts(shift_log):
    """Tricky rows plus hot night parts whose shift cell is what a person might type
    (another case, stray spaces, empty, a formula in disguise): in no scope."""
    log = workbook.tricky_rows(shift_log, NIGHT_AWARE)
    hot_at_night = log.iloc[[0] * len(TYPED_SHIFTS)].copy()
    hot_at_night["melt_temp_c"] = 720.0
    hot_at_night["die_temp_c"] = 215.0
    hot_at_night["shift"] = pd.Series(TYPED_SHIFTS, dtype=object).to_numpy()
    log = pd.concat([log.astype({"shift": object}), hot_at_night], ignore_index=True)
    log["part_id"] = [f"S-{i:03d}" for i in range(len(log))]
    return log


TYPED_SHIFTS = ["Night", " night", "night ", "NIGHT", "", '="night"', "nacht", None]
HOT = Rule.of(("melt_temp_c", ">", 707.2))


@pytest.fixture(scope="module")
def books(fast_plant, found, tmp_path_factory):
    """Every workbook this file checks, written first and recalculated in ONE LibreOffice
    run (one start-up instead of one per test): name -> (log, rule, recalculated path)."""
    if not spreadsheet_engine.libreoffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("books")
    chosen = {"found": found, "every_operator": EVERY_OPERATOR, "night_aware": NIGHT_AWARE}
    logs = {name: sample_with_tricky_rows(fast_plant.shift_log, r) for name, r in chosen.items()}
    logs["tricky"], chosen["tricky"] = workbook.tricky_rows(fast_plant.shift_log, found), found
    logs["hot"], chosen["hot"] = (
        fast_plant.shift_log.head(2).assign(melt_temp_c=[720.0, 690.0]),
        HOT,
    )
    paths = [
        workbook.write_rule_workbook(log, chosen[name], folder / f"{name}.xlsx")
        for name, log in logs.items()
    ]
    # write_rule_workbook refuses unknown shifts, so write the data sheet as a person's edits
    # would leave it.
    logs["typed"], chosen["typed"] = typed_shifts(fast_plant.shift_log), NIGHT_AWARE
    layout = toolkit_workbook.Layout(factory.SCHEMA, workbook.DATA_SHEET, "send_to_xray", {}, {})
    paths.append(folder / "typed.xlsx")
    with cells.NewWorkbook(paths[-1], toolkit_workbook.FIXED_DATE) as book:
        sheet = book.add_sheet(workbook.DATA_SHEET)
        toolkit_workbook._write_data_sheet(book, sheet, logs["typed"], NIGHT_AWARE, layout)
    results = spreadsheet_engine.recalculate_many(paths, folder / "out")
    assert [r.name for r in results] == [p.name for p in paths]
    return {name: (logs[name], chosen[name], r) for name, r in zip(logs, results, strict=True)}


@needs_libreoffice
@pytest.mark.parametrize("which", ["found", "every_operator", "night_aware"])
def test_every_formula_agrees_with_python(books, which):
    log, chosen, result = books[which]

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
def test_text_stays_text_after_a_spreadsheet_opened_it(books):
    log, _, result = books["tricky"]
    data = spreadsheet_engine.read_sheet(result)
    assert data["supplier"].tolist() == log["supplier"].tolist()
    assert data["part_id"].tolist() == log["part_id"].tolist()
    assert set(workbook.TRICKY_TEXTS) <= set(data["cell"])
    assert pd.to_datetime(data["cast_at"]).dt.round("s").tolist() == log["cast_at"].tolist()


@needs_libreoffice
def test_stale_cached_values_are_recomputed(books, tmp_path):
    first = books["hot"][2]  # now holds cached TRUE, FALSE
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
def test_a_scoped_rule_reads_shift_text_exactly_as_python_does(books):
    """Shift cells a person might type (another case, stray spaces, empty, a formula in
    disguise) are in no scope, in the spreadsheet as in Python."""
    log, _, result = books["typed"]
    flags = spreadsheet_engine.read_flags(result)
    python = NIGHT_AWARE.flag(log)
    assert flags.tolist() == python.tolist()
    assert not python.iloc[-len(TYPED_SHIFTS) :].any(), "a mistyped shift is in no scope"
    assert python.iloc[: -len(TYPED_SHIFTS)].any()


# --- The runs: one profile each, copied from a template initialised once -----------------


class FakeOffice:
    """Stands in for ``soffice``: writes one output per input, marks a first start in the
    profile it runs on, and records each run's profile and whether it held the settings."""

    def __init__(self, monkeypatch, tmp_path, *, write=None, first_start_fails=False):
        program = tmp_path / "office" / "program"
        program.mkdir(parents=True)
        (program / "soffice").write_text("")
        monkeypatch.setattr(
            spreadsheet_engine, "libreoffice_command", lambda: str(program / "soffice")
        )
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setattr(spreadsheet_engine, "_TEMPLATES", {})
        monkeypatch.setattr(spreadsheet_engine.subprocess, "run", self.run)
        self.write, self.first_start_fails = write, first_start_fails
        self.runs, self.first_starts, self.lock = [], 0, threading.Lock()
        self.together = None

    def run(self, arguments, **_):
        from urllib.request import url2pathname

        profile = Path(url2pathname(arguments[1].split("=file://", 1)[1]))
        settings = (profile / "user" / "registrymodifications.xcu").read_text()
        first = not (profile / "initialised").exists()
        with self.lock:
            self.first_starts += first
            self.runs.append((profile, "OOXMLRecalcMode" in settings, first))
        if first and self.first_start_fails:
            return subprocess.CompletedProcess(arguments, 1, "", "no display")
        (profile / "initialised").write_text("")
        if self.together and not first:
            self.together.wait(timeout=10)
        out, kind = Path(arguments[arguments.index("--outdir") + 1]), arguments[6].split(":")[0]
        sources = [Path(a) for a in arguments[arguments.index("--outdir") + 2 :]]
        for source in sources if self.write is None else sources[: self.write]:
            (out / f"{source.stem}.{kind}").write_bytes(source.read_bytes())
        return subprocess.CompletedProcess(arguments, 0, "", "")


def some_books(tmp_path, names):
    (tmp_path / "in").mkdir(exist_ok=True)
    for name in names:
        (tmp_path / "in" / f"{name}.xlsx").write_text(name)
    return [tmp_path / "in" / f"{name}.xlsx" for name in names]


def test_each_run_copies_one_template_and_concurrent_runs_get_their_own(monkeypatch, tmp_path):
    office = FakeOffice(monkeypatch, tmp_path)
    first = spreadsheet_engine.recalculate(some_books(tmp_path, ["a"])[0], tmp_path / "o")
    assert first == tmp_path / "o" / "a.xlsx" and office.first_starts == 1
    office.together = threading.Barrier(2)  # both runs are under way at the same time
    with ThreadPoolExecutor(2) as pool:
        both = list(
            pool.map(
                lambda n: spreadsheet_engine.recalculate(*some_books(tmp_path, [n]), tmp_path / n),
                ["b", "c"],
            )
        )
    assert [p.read_text() for p in both] == ["b", "c"]
    profiles = [profile for profile, _, _ in office.runs]
    assert len(set(profiles)) == len(profiles) == 4, "every run has a profile of its own"
    assert all(settings for _, settings, _ in office.runs), "recalculate on load, every run"
    assert office.first_starts == 1, "only the template's first start; runs copy it"
    template = spreadsheet_engine.profile_template()
    assert template not in profiles and not any(p.exists() for p in profiles)

    monkeypatch.setattr(spreadsheet_engine, "_TEMPLATES", {})  # another process, same user
    assert spreadsheet_engine.profile_template() == template and office.first_starts == 1
    (template / "user" / "registrymodifications.xcu").write_text("<oor:items/>")  # broken
    monkeypatch.setattr(spreadsheet_engine, "_TEMPLATES", {})
    assert spreadsheet_engine.profile_template() == template and office.first_starts == 2
    assert "OOXMLRecalcMode" in (template / "user" / "registrymodifications.xcu").read_text()


def test_without_a_template_each_run_starts_from_fresh_settings(monkeypatch, tmp_path):
    office = FakeOffice(monkeypatch, tmp_path, first_start_fails=True)
    assert spreadsheet_engine.profile_template() is None
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="no display"):
        spreadsheet_engine.recalculate(some_books(tmp_path, ["a"])[0], tmp_path / "o")
    assert [settings for _, settings, _ in office.runs] == [True, True], "one first start tried"


def test_recalculate_many_gives_one_output_per_input_in_order(monkeypatch, tmp_path):
    FakeOffice(monkeypatch, tmp_path)
    names = ["z", "a", "m"]
    done = spreadsheet_engine.recalculate_many(some_books(tmp_path, names), tmp_path / "o")
    assert done == [tmp_path / "o" / f"{n}.xlsx" for n in names]
    assert [p.read_text() for p in done] == names
    assert spreadsheet_engine.recalculate_many([], tmp_path / "o") == []


def test_recalculate_many_names_every_workbook_it_did_not_get(monkeypatch, tmp_path):
    FakeOffice(monkeypatch, tmp_path, write=1)
    books = some_books(tmp_path, ["a", "b", "c"])
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match=r"write b\.xlsx, c\.xlsx"):
        spreadsheet_engine.recalculate_many(books, tmp_path / "o")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.xlsx").write_text("another a")
    twice = [books[0], tmp_path / "other" / "a.xlsx"]
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="same .xlsx"):
        spreadsheet_engine.recalculate_many(twice, tmp_path / "o")
    with pytest.raises(spreadsheet_engine.SpreadsheetEngineError, match="no workbook"):
        spreadsheet_engine.recalculate_many([*books, tmp_path / "gone.xlsx"], tmp_path / "o")
