"""The bad-input corpus through ``pocmvp rule`` and ``pocmvp report``: a result with every
row accounted for, or one line on stderr and exit code 2; never a traceback, never a
formula from data, never a user's file deleted or moved.

Both commands run in this process through :func:`pocmvp.cli.main`. The report's notebook is
replaced by the calls it makes (``report.make`` with the plug-in it is given, and its
claims), so the corpus runs in seconds; ``tests/test_cli_report.py`` runs the real notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from bad_inputs import ID, MONTH, PAYLOADS, TARGET, TIME, Case, approved, base, cases
from openpyxl import load_workbook
from papermill.exceptions import PapermillExecutionError

from pocmvp import cli
from pocmvp.toolkit import cells, report, run_notebook, sql, tables

CASES = cases()
MONTH_ROWS = int((base()[TIME].str[:7] == MONTH).sum())


def in_process(notebook, executed, parameters, *, cwd=None, timeout=600):
    """What the report notebook does, in this process; a failure as papermill reports it."""
    try:
        plugin = report.plugin_from(parameters["plugin"], parameters["options"])
        result = report.make(
            parameters["month"],
            parameters["data"],
            parameters["rule"],
            parameters["output_dir"],
            parameters["recipients"],
            plugin=plugin,
        )
        figures = result.figures
        assert figures["rows"] == result.accounting.rows == sum(result.accounting.counts.values())
        assert len(figures["rejected_rows"]) == figures["rejected"]
        for claim, holds in result.extra_claims():
            assert holds, claim
    except Exception as error:  # noqa: BLE001 - as the notebook's failing cell would
        raise PapermillExecutionError(0, 1, "", type(error).__name__, str(error), []) from error
    Path(executed).write_text("{}", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_refusal(command: str, code: int, err: str, out: Path) -> None:
    assert code == 2, f"exit {code}: {err}"
    assert err.count("\n") == 1 and err.startswith(f"pocmvp {command}: "), err
    assert "Traceback" not in err
    assert not out.exists(), "nothing is written"


def no_formula_from_data(path: Path) -> None:
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not any(p.lstrip("=@") in str(cell.value) for p in PAYLOADS), (
                        f"{sheet.title}!{cell.coordinate} became a formula: {cell.value}"
                    )
                    assert "HYPERLINK" not in str(cell.value) and "cmd|" not in str(cell.value)


def check_rule_result(case: Case, data: Path, out: Path, printed: str) -> None:
    assert case.rows is not None, f"a result for a table that should be refused:\n{printed}"
    book = load_workbook(out / "workbook.xlsx", read_only=True)
    data_rows = sum(1 for _ in book["Data"].iter_rows()) - 1
    rejected = sum(1 for _ in book["Rejected"].iter_rows()) - 1
    book.close()
    assert data_rows + rejected == case.rows, "every row is on the Data or the Rejected sheet"
    assert f"{rejected} rejected" in printed
    no_formula_from_data(out / "workbook.xlsx")
    if data.suffix == ".xlsx":
        return  # DuckDB's excel extension is not installed offline
    # The same rows flagged by DuckDB over the file as by the workbook's Python twin.
    query = sql.statements((out / "rule.sql").read_text(encoding="utf-8"))["duckdb"]
    head, where = query.rsplit(" WHERE ", 1)
    source = head.removeprefix("SELECT * FROM ")
    numbered = f"SELECT row_number() OVER () - 1 AS row_number_, * FROM {source}"
    with duckdb.connect() as connection:
        count = connection.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        rows = connection.execute(f"SELECT row_number_ FROM ({numbered}) WHERE {where}").fetchall()
    by_sql = pd.Series(False, index=range(count))
    by_sql[[r for (r,) in rows]] = True
    from pocmvp.toolkit import rulefile
    from pocmvp.toolkit.accounting import account_rows

    saved = rulefile.load(out / "rule.json")
    frame = tables.read(data).frame
    decided = account_rows(frame, saved.rule, id=saved.id).decisions["decision"]
    assert len(by_sql) == len(frame), "DuckDB reads the rows pandas reads"
    kept = (decided != "rejected").to_numpy()
    assert (by_sql.to_numpy()[kept] == (decided == "flagged").to_numpy()[kept]).all()


def check_report_result(folder: Path, printed: str) -> None:
    figures = json.loads(next(folder.glob("figures-*.json")).read_text(encoding="utf-8"))
    assert figures["rows"] == figures["flagged"] + figures["passed"] + figures["rejected"]
    assert figures["rows"] == MONTH_ROWS, "the month holds the same rows, however written"
    no_formula_from_data(next(folder.glob("quality-report-*.xlsx")))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_input_gets_a_result_or_one_line(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(run_notebook, "execute", in_process)
    if case.patch_excel_limit:
        monkeypatch.setattr(cells, "EXCEL_MAX_ROWS", case.patch_excel_limit)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    data = case.write(inputs)
    options = {"target": TARGET, "capacity": "0.1", "id": ID, "time": TIME, **case.rule_args}
    argv = ["rule", str(data)]
    for option, value in options.items():
        if value is not None:
            argv += [f"--{option}", value]
    before = snapshot(inputs)
    out = tmp_path / "rule"
    code, printed, err = run([*argv, "--output", str(out)], capsys)
    if code == 0:
        assert err == ""
        check_rule_result(case, data, out, printed)
    else:
        check_refusal("rule", code, err, out)

    rule_path = (
        case.rule_file(inputs)
        if case.rule_file
        else (out / "rule.json" if code == 0 else approved(inputs))
    )
    before = snapshot(inputs)
    folder = tmp_path / "report"
    arguments = ["report", "--data", str(data), "--rule", str(rule_path), "--month", MONTH]
    code, printed, err = run([*arguments, "--output", str(folder)], capsys)
    if code == 0:
        assert err == ""
        check_report_result(folder, printed)
    else:
        check_refusal("report", code, err, folder)
    assert snapshot(inputs) == before, "the inputs are untouched"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_corpus_holds_the_cases_the_issue_names():
    names = {c.name for c in CASES}
    assert len(CASES) >= 40
    for needed in (
        "empty file",
        "header only",
        "blank target values",
        "Windows-1252",
        "gzip named .csv",
        "UTF-8 with BOM",
        "duplicate headers",
        "duplicate ids",
        "formulas in cells",
        "formula-looking column names",
        "all-NaN column",
        "over Excel's row limit",
        "truncated rule.json",
        "semicolons",
        "xlsx, data on the second sheet",
        "inf and 1e400 cells",
        "names with surrounding spaces",
        "numeric time column",
        "all-1 target",
        "capacity under one row",
    ):
        assert needed in names


def test_a_semicolon_file_and_a_second_sheet_say_what_was_read(tmp_path):
    semicolons = next(c for c in CASES if c.name == "semicolons").write(tmp_path)
    assert tables.read(semicolons).notes == (
        f"read {semicolons.name} as separated by semicolons ({len(base().columns)} columns)",
    )
    sheets = next(c for c in CASES if c.name == "xlsx, data on the second sheet").write(tmp_path)
    (note,) = tables.read(sheets, wanted=[TARGET]).notes
    assert note == "read the sheet 'Data' of table.xlsx (sheet 2 of 2: About, Data)"
    assert list(tables.read(sheets, wanted=[TARGET]).frame.columns) == list(base().columns)


def test_inf_is_rejected_by_python_and_never_flagged_by_sql(tmp_path):
    frame = pd.DataFrame({"x": ["inf", "1e400", "-inf", "800", "5"], "y": [1, 1, 0, 1, 0]})
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    from pocmvp.toolkit.accounting import account_rows
    from pocmvp.toolkit.rule import Rule

    rule = Rule.of(("x", ">", 700.0))
    decided = account_rows(tables.read(path).frame, rule).decisions["decision"].tolist()
    assert decided == ["rejected", "rejected", "rejected", "flagged", "passed"]
    query = sql.duckdb_query(rule, path, tables.read(path))
    with duckdb.connect() as connection:
        assert connection.execute(query).fetchdf()["x"].tolist() == ["800"]
