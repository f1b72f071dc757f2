import io
import json
import math
import os

import numpy as np
import pytest

from pocmvp.machinery import display, figures, notebooks


def test_numbers_are_formatted_for_prose():
    assert display.eur(-12345.6) == "-€12,346"
    assert display.pct(0.0234) == "2.3 %"
    assert display.num(1234567) == "1,234,567"
    assert display.measured(1.234, "s").endswith("(measured)")


def test_progress_prints_counts_only(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(display.sys, "stdout", out)
    for _ in display.progress(range(3), desc="fits"):
        pass
    text = out.getvalue()
    assert "fits: 3/3" in text
    assert "it/s" not in text and "00:0" not in text


def test_progress_can_be_silent(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(display.sys, "stdout", out)
    assert list(display.progress(range(2), desc="quiet", disable=True)) == [0, 1]
    assert out.getvalue() == ""


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
