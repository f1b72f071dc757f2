import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pocmvp import cli
from pocmvp.case import factory
from pocmvp.toolkit import spreadsheet_engine, sql
from pocmvp.toolkit.output import MANIFEST
from pocmvp.toolkit.rulefile import load


@pytest.fixture(scope="module")
def plant_csv(tmp_path_factory):
    log = factory.generate_plant(factory.FAST_PARTS, factory.DEFAULT_SEED).shift_log
    path = tmp_path_factory.mktemp("plant") / "shift_log.csv"
    log.drop(columns=["defect_type"]).to_csv(path, index=False)
    return path


def awkward_table(n: int = 3_000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    temp = rng.normal(60, 8, n)
    wet = rng.uniform(20, 90, n)
    bad = rng.random(n) < 1 / (1 + np.exp(-(temp - 75) / 2)) + 0.02
    frame = pd.DataFrame(
        {
            "Los Nr.": [f"L-{i:05d}" for i in range(n)],
            "Zeit": pd.date_range("2025-01-01", periods=n, freq="3h").strftime("%d/%m/%Y %H:%M"),
            "temp [°C]": temp.round(2),
            "Feuchte %": wet.round(1),
            "Nacharbeit (min)": np.where(bad & (rng.random(n) < 0.9), 12.0, 0.0),
            "Ausschuss?": np.where(bad, "Yes", "no"),
        }
    )
    frame["temp [°C]"] = frame["temp [°C]"].astype(object)
    frame.loc[7, "temp [°C]"] = "kaputt"  # text in a used column rejects that row only
    return frame


def run(capsys, *argv):
    code = cli.main(["rule", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plant_shift_log(plant_csv, tmp_path, capsys):
    out = tmp_path / "rule"
    code, printed, err = run(
        capsys,
        plant_csv,
        "--target",
        "defect",
        "--capacity",
        "0.05",
        "--id",
        "part_id",
        "--time",
        "cast_at",
        "--history-until",
        "2025-08",
        "--output",
        out,
    )
    assert code == 0 and err == ""
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        "rule.json",
        "rule.sql",
        "workbook.xlsx",
    ]
    assert not list(tmp_path.glob(".rule.*"))
    saved = load(out / "rule.json")
    assert saved.target == "defect" and saved.chosen_on["history_until"] == "2025-08"
    assert "rework_minutes" not in saved.rule.columns
    assert "left out" in printed and "rework_minutes" in printed
    assert "catch rate" in printed and "share flagged" in printed
    assert "after 2025-08: catch rate" in printed
    assert saved.rule.describe() in printed
    book = load_workbook(out / "workbook.xlsx", read_only=True)
    assert book.sheetnames == ["Data", "Summary", "Rule", "Rejected"]


def test_awkward_names_yes_no_target_and_a_rejected_row(tmp_path, capsys):
    data = tmp_path / "Messwerte Linie 2.csv"
    awkward_table().to_csv(data, index=False)
    out = tmp_path / "out"
    code, printed, err = run(
        capsys,
        data,
        "--target",
        "Ausschuss?",
        "--capacity",
        "0.1",
        "--id",
        "Los Nr.",
        "--time",
        "Zeit",
        "--output",
        out,
    )
    assert code == 0 and err == ""
    stored = json.loads((out / "rule.json").read_text(encoding="utf-8"))
    assert stored["format"] == "pocmvp-rule/1" and stored["target"] == "Ausschuss?"
    assert stored["conditions"][0]["column"] == "temp [°C]"
    assert "Nacharbeit (min)" in printed and "left out" in printed
    book = load_workbook(out / "workbook.xlsx")
    rejected = list(book["Rejected"].iter_rows(values_only=True))
    assert len(rejected) == 2 and rejected[1][0] == 8 and "kaputt" in rejected[1][1]
    assert book["Data"].max_row == len(awkward_table())  # header + every row but one
    # Named in --columns, the leaked column is used
    code, printed, _ = run(
        capsys,
        data,
        "--target",
        "Ausschuss?",
        "--capacity",
        "0.1",
        "--columns",
        "Nacharbeit (min)",
        "--output",
        tmp_path / "named",
    )
    assert code == 0 and "kept, you named it" in printed
    assert load(tmp_path / "named" / "rule.json").rule.columns == ("Nacharbeit (min)",)


@pytest.mark.parametrize("suffix", ["parquet", "xlsx"])
def test_parquet_and_xlsx_inputs_give_the_csv_rule(tmp_path, capsys, suffix):
    frame = awkward_table(1_200).drop(columns=["Zeit"])
    frame["temp [°C]"] = pd.to_numeric(frame["temp [°C]"], errors="coerce")
    frame.to_csv(tmp_path / "t.csv", index=False)
    path = tmp_path / f"t.{suffix}"
    if suffix == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_excel(path, index=False)
    for source, out in ((tmp_path / "t.csv", "a"), (path, "b")):
        code, _, err = run(
            capsys,
            source,
            "--target",
            "Ausschuss?",
            "--capacity",
            "0.1",
            "--output",
            tmp_path / out,
        )
        assert code == 0 and err == ""
    assert load(tmp_path / "a" / "rule.json").rule == load(tmp_path / "b" / "rule.json").rule
    assert f"read_{'parquet' if suffix == 'parquet' else 'xlsx'}(" in (
        tmp_path / "b" / "rule.sql"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--target", "nope", "--capacity", "0.1"], "no target column 'nope'"),
        (["--target", "Feuchte %", "--capacity", "0.1"], "must hold 0/1"),
        (["--target", "Ausschuss?", "--capacity", "1.5"], "between 0 and 1"),
        (["--target", "Ausschuss?", "--capacity", "0"], "between 0 and 1"),
        (["--target", "Ausschuss?", "--capacity", "lots"], "a share like"),
        (
            ["--target", "Ausschuss?", "--capacity", "0.1", "--columns", "Zeit"],
            "do not hold numbers",
        ),
        (
            [
                "--target",
                "Ausschuss?",
                "--capacity",
                "0.1",
                "--time",
                "Zeit",
                "--history-until",
                "2031-01",
            ],
            "not in the data",
        ),
        (
            [
                "--target",
                "Ausschuss?",
                "--capacity",
                "0.1",
                "--time",
                "Zeit",
                "--history-until",
                "2025-08\n",
            ],
            "a month like",
        ),
        (
            [
                "--target",
                "Ausschuss?",
                "--capacity",
                "0.1",
                "--time",
                "Zeit",
                "--history-until",
                "2025-13",
            ],
            "a month like",
        ),
        (["--capacity", "0.1"], "required: --target"),
    ],
)
def test_unusable_input_is_one_line_and_exit_2(tmp_path, capsys, extra, message):
    data = tmp_path / "t.csv"
    awkward_table(300).to_csv(data, index=False)
    out = tmp_path / "out"
    try:
        code, printed, err = run(capsys, data, *extra, "--output", out)
    except SystemExit as stop:
        code, captured = stop.code, capsys.readouterr()
        err = captured.err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("pocmvp rule: ") and message in err
    assert "Traceback" not in err and not out.exists()
    assert not list(tmp_path.glob(".out.*"))


def test_unreadable_file_is_one_line(tmp_path, capsys):
    bad = tmp_path / "broken.parquet"
    bad.write_text("no")
    code, _, err = run(capsys, bad, "--target", "y", "--capacity", "0.1")
    assert code == 2 and err.count("\n") == 1 and "cannot read" in err


def test_libreoffice_flags_agree_with_duckdb_on_rule_sql(tmp_path, capsys):
    if not spreadsheet_engine.libreoffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    data = tmp_path / "t.csv"
    frame = awkward_table(600)
    frame.loc[3, "Feuchte %"] = np.nan
    frame.to_csv(data, index=False)
    out = tmp_path / "out"
    code, _, _ = run(
        capsys,
        data,
        "--target",
        "Ausschuss?",
        "--capacity",
        "0.1",
        "--id",
        "Los Nr.",
        "--columns",
        "temp [°C],Feuchte %",
        "--output",
        out,
    )
    assert code == 0
    recalculated = spreadsheet_engine.recalculate(out / "workbook.xlsx", tmp_path / "calc")
    flags = spreadsheet_engine.read_flags(recalculated)
    ids = spreadsheet_engine.read_sheet(recalculated)["Los Nr."]
    query = sql.statements((out / "rule.sql").read_text(encoding="utf-8"))["duckdb"]
    with duckdb.connect() as connection:
        chosen = set(connection.execute(query).fetchdf()["Los Nr."])
    expected = ids.isin(chosen).to_numpy()
    # row 8 ("kaputt") is rejected: not on the data sheet, so not compared
    assert len(flags) == len(frame) - 1
    assert (flags.to_numpy() == expected).all() and expected.any()


def rule_into(capsys, data, out):
    try:
        return run(capsys, data, "--target", "Ausschuss?", "--capacity", "0.1", "--output", out)
    except SystemExit as stop:  # argparse's own refusals
        return stop.code, "", capsys.readouterr().err


def one_line_refusal(code, err):
    assert code == 2 and err.count("\n") == 1 and err.startswith("pocmvp rule: "), err
    assert "Traceback" not in err


def test_the_input_inside_the_output_folder_is_refused_and_nothing_moves(tmp_path, capsys):
    folder = tmp_path / "x"
    folder.mkdir()
    data = folder / "parts.csv"
    awkward_table(300).to_csv(data, index=False)
    (folder / "notes.txt").write_text("my notes")
    code, _, err = rule_into(capsys, data, folder)
    one_line_refusal(code, err)
    assert "holds the input parts.csv" in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "parts.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"], "nothing beside it either"


def test_a_folder_of_the_users_is_refused(tmp_path, capsys):
    data = tmp_path / "t.csv"
    awkward_table(300).to_csv(data, index=False)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    code, _, err = rule_into(capsys, data, folder)
    one_line_refusal(code, err)
    assert "this tool did not write it (notes.txt)" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_its_own_folder_is_replaced_but_not_once_the_user_added_a_file(tmp_path, capsys):
    data = tmp_path / "t.csv"
    awkward_table(300).to_csv(data, index=False)
    out = tmp_path / "out"
    assert rule_into(capsys, data, out)[0] == 0
    first = (out / "rule.json").read_bytes()
    assert rule_into(capsys, data, out)[0] == 0, "a folder this tool wrote is replaced"
    assert (out / "rule.json").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.csv"]
    (out / "my_notes.txt").write_text("mine")
    code, _, err = rule_into(capsys, data, out)
    one_line_refusal(code, err)
    assert (out / "my_notes.txt").read_text() == "mine" and (out / "rule.json").exists()


@pytest.mark.parametrize("kind", ["file", "dot", "proc"])
def test_a_file_or_an_unwritable_output_is_one_line(tmp_path, capsys, monkeypatch, kind):
    data = tmp_path / "t.csv"
    awkward_table(300).to_csv(data, index=False)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    if kind == "file":
        (tmp_path / "o_isfile").write_text("mine")
        before.append("o_isfile")
        out = "o_isfile"
    else:
        out = {"dot": ".", "proc": "/proc/x"}[kind]
    code, _, err = rule_into(capsys, data, out)
    one_line_refusal(code, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before), "nothing renamed"
    if kind == "file":
        assert (tmp_path / "o_isfile").read_text() == "mine"


def test_the_workbook_holds_the_latest_rows_and_counts_the_others(tmp_path, capsys):
    data = tmp_path / "measurements.csv"
    awkward_table().to_csv(data, index=False)
    out = tmp_path / "out"
    arguments = (data, "--target", "Ausschuss?", "--capacity", "0.1", "--id", "Los Nr.")
    code, printed, err = run(
        capsys, *arguments, "--time", "Zeit", "--workbook-rows", "1,000", "--output", out
    )
    assert code == 0 and err == ""
    assert "This workbook holds 1,000 of 3,000 rows, the latest by 'Zeit'" in printed
    book = load_workbook(out / "workbook.xlsx", read_only=True)
    ids = [row[0] for row in book["Data"].iter_rows(min_row=2, values_only=True)]
    assert ids == [f"L-{i:05d}" for i in range(2_000, 3_000)]
    notes = [row[1] for row in book["Rule"].iter_rows(values_only=True) if row[0] == "Note"]
    assert any(n.startswith("expected capacity use on new rows: ") for n in notes)
    note = next(n for n in notes if n.startswith("This workbook holds"))
    counted = {
        word: int(number.replace(",", ""))
        for number, word in (part.split() for part in note.split(": ")[-1][:-1].split(", "))
    }
    assert sum(counted.values()) == 2_000 and counted["rejected"] == 1  # the "kaputt" row
    code, printed, _ = run(capsys, *arguments, "--workbook-rows", "all", "--output", out)
    assert code == 0 and "This workbook holds" not in printed
    code, _, err = run(capsys, *arguments, "--workbook-rows", "0", "--output", out)
    assert code == 2 and err.count("\n") == 1 and "--workbook-rows" in err


def test_the_capacity_used_on_new_rows_is_reported_and_can_be_filled(tmp_path, capsys):
    data = tmp_path / "measurements.csv"
    awkward_table().to_csv(data, index=False)
    arguments = (data, "--target", "Ausschuss?", "--capacity", "0.1", "--time", "Zeit")
    code, printed, err = run(capsys, *arguments, "--output", tmp_path / "plain")
    assert code == 0 and err == ""
    assert "expected capacity use on new rows: " in printed
    assert "the latest 25% of the rows by 'Zeit'" in printed
    code, printed, err = run(capsys, *arguments, "--fill-capacity", "--output", tmp_path / "full")
    assert code == 0 and err == "" and "thresholds moved to fill the capacity" in printed
    table = pd.read_csv(data)
    table["temp [°C]"] = pd.to_numeric(table["temp [°C]"], errors="coerce")
    plain = load(tmp_path / "plain" / "rule.json").rule.flag(table).sum()
    full = load(tmp_path / "full" / "rule.json").rule.flag(table).sum()
    assert plain <= full <= 0.1 * len(table)
