import json
import math
import os
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from pocmvp.machinery import display, figures, notebooks


def test_numbers_are_formatted_for_prose():
    assert display.eur(-12345.6) == "-€12,346"
    assert display.pct(0.0234) == "2.3 %"
    assert display.num(1234567) == "1,234,567"
    assert display.measured(1.234, "s").endswith("(measured)")


# --- Tables as a person reads them ---------------------------------------------------------


def test_table_formats_counts_money_and_shares():
    frame = pd.DataFrame(
        {
            "tested": [1581.0, 1472.0],
            "cost": [12345.6, -20.0],
            "catch_rate": [0.2101, 0.0442],
            "ratio": [1.25, 0.5],
            "option": ["POC", "MVP"],
        },
        index=["POC", "MVP"],
    )
    shown = display.table(frame, money=["cost"], shares=["catch_rate"])
    assert shown["tested"].tolist() == ["1,581", "1,472"], "a float count shows as a count"
    assert shown["cost"].tolist() == ["€12,346", "-€20"]
    assert shown["catch_rate"].tolist() == ["21.0 %", "4.4 %"]
    assert shown["ratio"].tolist() == [1.25, 0.5], "other measures stay as they are"
    assert frame["tested"].dtype == float, "the frame itself is left alone"
    html = shown.to_html()
    assert "1581.0" not in html and "<td>1,581</td>" in html
    assert "1,581" in repr(shown), "plain in text too"


def test_a_table_shows_as_markdown_never_as_html():
    """An HTML output makes Quarto load jQuery and RequireJS from a CDN on that page."""
    frame = pd.DataFrame({"tested": [1581.0, 2.0], "option": ["POC | ensemble", "MVP"]})
    shown = display.table(frame)
    assert shown._repr_html_() is None
    assert shown._repr_markdown_().splitlines() == [
        "|   tested | option          |",
        "|---------:|:----------------|",
        "|    1,581 | POC \\| ensemble |",
        "|        2 | MVP             |",
    ], "figures right, text left, a pipe escaped, the row numbers left out"
    named = display.table(frame.set_index("option"))._repr_markdown_()
    assert named.splitlines()[2].startswith("| POC \\| ensemble |"), "a named index is kept"
    assert type(shown["tested"]) is pd.Series and type(shown.head(1)) is pd.DataFrame
    measures = display.table(pd.DataFrame({"auc": [0.71, np.nan]}))._repr_markdown_()
    assert measures.splitlines()[3] == "|     — |", "a missing measure is a dash, never nan"


def test_table_keeps_what_it_is_told_to_and_shows_missing_values():
    frame = pd.DataFrame({"year": [2025, 2026], "defects": [3.0, np.nan], "ok": [True, False]})
    shown = display.table(frame, keep=["year"])
    assert shown["year"].tolist() == [2025, 2026]
    assert shown["defects"].tolist() == ["3", display.MISSING]
    assert shown["ok"].tolist() == [True, False], "booleans are not counts"
    assert display.table(pd.Series([1.0, 2.0], name="n"))["n"].tolist() == ["1", "2"]


def test_table_names_a_bad_column_and_its_argument():
    frame = pd.DataFrame({"a": [1.5], "b": ["x"]})
    with pytest.raises(KeyError, match="money names 'cost'"):
        display.table(frame, money=["cost"])
    with pytest.raises(ValueError, match="'a' is named twice"):
        display.table(frame, counts=["a"], shares=["a"])
    with pytest.raises(TypeError, match="shares names 'b', which is not numeric"):
        display.table(frame, shares=["b"])


def test_table_handles_two_level_columns():
    columns = pd.MultiIndex.from_tuples([("defect_rate", "Nov"), ("parts", "Nov")])
    frame = pd.DataFrame([[0.012, 9000.0]], columns=columns)
    shown = display.table(frame, shares=[("defect_rate", "Nov")])
    assert shown.iloc[0].tolist() == ["1.2 %", "9,000"]


# --- A chapter's headline figures as data -------------------------------------------------


@pytest.fixture
def in_chapters(tmp_path, monkeypatch):
    """Run where a notebook runs (its own folder), with no redirect of the figures."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(figures.FIGURES_DIR_VARIABLE, raising=False)
    return tmp_path


def test_figures_are_plain_json_numbers_and_strings(in_chapters):
    chapter = display.Figures("02_overbuilt_poc")
    assert chapter.add("defects", np.int64(1845)) == 1845, "add returns the value as given"
    chapter.add("reduction", np.float64(0.17354838709677))
    chapter.add("months", 3)
    chapter.add("leaking_field", "rework_minutes")
    chapter.add("ships_in_weeks", np.bool_(True))
    summary = chapter.write()
    assert summary == "5 figures written to figures/02_overbuilt_poc.json"
    assert repr(summary) == str(summary), "a notebook shows the line without quotes"
    text = (in_chapters / "figures" / "02_overbuilt_poc.json").read_text()
    assert text == (
        "{\n"
        '  "defects": 1845,\n'
        '  "leaking_field": "rework_minutes",\n'
        '  "months": 3,\n'
        '  "reduction": 0.173548,\n'
        '  "ships_in_weeks": true\n'
        "}\n"
    )
    assert figures.read(in_chapters / "figures" / "02_overbuilt_poc.json")["defects"] == 1845


def test_figures_refuse_what_json_cannot_hold_faithfully(in_chapters):
    chapter = display.Figures("01_business_problem")
    for bad, error in ((math.nan, ValueError), (np.inf, ValueError), (None, TypeError)):
        with pytest.raises(error, match="'rate'"):
            chapter.add("rate", bad)
    with pytest.raises(TypeError, match="number or a string"):
        chapter.add("rates", [0.1, 0.2])
    for name in ("defect rate", "2nd", ""):
        with pytest.raises(ValueError, match="identifier"):
            chapter.add(name, 1)
    with pytest.raises(ValueError, match="file name"):
        display.Figures("../elsewhere")


def test_a_figure_added_twice_must_agree(in_chapters):
    chapter = display.Figures("01_business_problem")
    chapter.add("defects", 12)
    chapter.add("defects", 12)  # a cell run twice
    with pytest.raises(ValueError, match="already added"):
        chapter.add("defects", 13)


def test_an_unchanged_file_is_left_alone(in_chapters):
    chapter = display.Figures("01_business_problem")
    chapter.add("defects", 1)
    chapter.write()
    path = in_chapters / "figures" / "01_business_problem.json"
    os.utime(path, (0, 0))
    chapter.write()
    assert path.stat().st_mtime == 0, "same content, same file: git and make see no change"
    assert display.Figures("01_business_problem").write().startswith("0 figures")
    assert path.read_text() == "{}\n"


def test_test_runs_write_their_figures_elsewhere(in_chapters, tmp_path_factory, monkeypatch):
    scratch = tmp_path_factory.mktemp("scratch")
    monkeypatch.setenv(figures.FIGURES_DIR_VARIABLE, str(scratch))
    chapter = display.Figures("01_business_problem")
    chapter.add("defects", 1)
    assert chapter.write() == f"1 figure written to {(scratch / '01_business_problem.json')}"
    assert (scratch / "01_business_problem.json").is_file()
    assert not (in_chapters / "figures").exists()


def test_the_tracked_figures_files_are_well_formed():
    """Each chapters/figures/*.json parses, names a chapter, and is written canonically."""
    paths = sorted((notebooks.ROOT / "chapters" / "figures").glob("*.json"))
    if not paths:
        pytest.skip("no chapter writes chapters/figures/*.json yet (run make notebooks)")
    chapters = {p.stem for p in notebooks.chapter_notebooks()}
    for path in paths:
        values = figures.read(path)
        assert path.stem in chapters, f"{path.name} belongs to no chapter in {sorted(chapters)}"
        assert isinstance(values, dict) and values, f"{path.name}: name -> value, not empty"
        for name, value in values.items():
            assert name.isidentifier(), f"{path.name}: {name!r} is not an identifier"
            assert isinstance(value, int | float | str), f"{path.name}: {name} is {value!r}"
            assert figures.plain(value, name=name) == value, f"{path.name}: {name} unrounded"
        canonical = json.dumps(values, indent=2, sort_keys=True) + "\n"
        assert path.read_text(encoding="utf-8") == canonical, f"{path.name} is not canonical"


def test_add_all_flattens_mappings_and_lists(in_chapters):
    chapter = display.Figures("01_business_problem")
    chapter.add_all({"days": {"daily check": 9, "weekly": 14}, "sent": ["a", "b"], "n": 3})
    text = chapter.text()
    assert '"days_daily_check": 9' in text and '"sent": "a, b"' in text and '"n": 3' in text


# --- What the stored notebook outputs show -------------------------------------------------

PROGRESS_LINE = re.compile(r"^[^\n:]+: \d+/\d+\b", re.MULTILINE)
FLOAT_COUNT = re.compile(r"-?\d[\d,]*\.0")
MISSING_TEXT = {"", "NaN", "nan", "<NA>", "None", "NaT", display.MISSING}


def table_rows(text: str) -> list[list[str]]:
    """The body cells of an HTML table, or of a Markdown pipe table (header and rule left out)."""
    if "<tr>" in text:
        rows = [
            re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
            for row in re.findall(r"<tr>(.*?)</tr>", text, re.DOTALL)
        ]
        return [row for row in rows if row]
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[2:]]


def float_count_columns(table: str) -> list[int]:
    """Positions of the table columns whose every value reads like ``1581.0``: counts stored
    as floats. A measure given to one decimal (``49.0`` among ``53.2``) is not one of them."""
    rows = table_rows(table)
    width = max((len(row) for row in rows), default=0)
    found = []
    for position in range(width):
        values = [row[position] for row in rows if len(row) > position]
        values = [value for value in values if value not in MISSING_TEXT]
        if values and all(FLOAT_COUNT.fullmatch(value) for value in values):
            found.append(position)
    return found


def stored_outputs():
    """(notebook, cell number, outputs) of every code cell of the chapters and solutions."""
    for path in notebooks.chapter_notebooks() + notebooks.solution_notebooks():
        notebook = nbformat.read(path, as_version=4)
        for number, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and cell.get("outputs"):
                yield path.relative_to(notebooks.ROOT), number, cell.outputs


def output_texts(output) -> list[str]:
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    return [output.get("data", {}).get("text/plain", "")]


def test_the_scans_catch_a_staircase_and_float_counts():
    staircase = "\r".join(f"search (fits): {n}/3 {'█' * n}" for n in range(4))
    assert len(PROGRESS_LINE.findall(staircase.replace("\r", "\n"))) == 4
    html = pd.DataFrame(
        {"n": [1581.0, np.nan], "t": [49.0, 53.2], "rate": [0.05, 0.0], "k": ["1,581", "2"]}
    ).to_html()
    assert float_count_columns(html) == [0], "only the float counts"
    assert float_count_columns(display.table(pd.DataFrame({"n": [1581.0]})).to_html()) == []
    markdown = "| | n | t |\n|--|--|--|\n| 0 | 1581.0 | 49.0 |\n| 1 | 2.0 | 53.2 |"
    assert float_count_columns(markdown) == [1], "the same in a Markdown table"


def test_no_stored_output_holds_a_progress_staircase():
    """A long step leaves one progress line in its cell, never one per update."""
    stacked = []
    for path, number, outputs in stored_outputs():
        texts = [text for output in outputs for text in output_texts(output)]
        lines = sum(len(PROGRESS_LINE.findall(text.replace("\r", "\n"))) for text in texts)
        if lines > 1 or any("\r" in text for text in texts):
            stacked.append(f"{path} cell {number}: {lines} progress lines")
    assert stacked == [], "re-execute these notebooks (pocmvp notebooks ...)"


def test_no_stored_table_shows_a_count_as_a_float():
    """Counts read 1,581, not 1581.0: every displayed DataFrame goes through display.table."""
    floats = []
    for path, number, outputs in stored_outputs():
        for output in outputs:
            data = output.get("data", {})
            found = float_count_columns(data.get("text/markdown", "") or data.get("text/html", ""))
            if found:
                floats.append(f"{path} cell {number}: columns {found}")
    assert floats == [], "show these tables with display.table(...)"
