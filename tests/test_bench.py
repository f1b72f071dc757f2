import datetime
import json

import pytest

from pocmvp.machinery import bench


def test_median_of_runs():
    calls = []
    assert bench.median_seconds(lambda: calls.append(1), runs=3) >= 0
    assert len(calls) == 3


def test_record_merges_sections(tmp_path):
    results = tmp_path / "results.json"
    bench.record(results, "first", {"a": 1.0})
    bench.record(results, "second", {"b": 2.0})
    data = json.loads(results.read_text())
    assert data["first"] == {"a": 1.0} and data["second"] == {"b": 2.0}
    assert data["machine"]["cores"] >= 1
    today = datetime.date.today().isoformat()
    assert data["measured_on"] == {"first": today, "second": today}, "each section dated"


def test_an_unknown_section_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="unknown \\['suites'\\]"):
        bench.run(tmp_path / "results.json", sections=("suites",))
    assert not (tmp_path / "results.json").exists()


def test_step_benchmarks_are_found_in_the_case_and_the_machinery():
    steps = bench.step_benchmarks()
    expected = {"poc", "rule_scoring_1m_parts", "find_rule_default_year", "workbook_100k_rows"}
    expected |= {"rule_search_1m_rows_20_columns", "monthly_figures_50m_parquet"}
    expected |= {"rule_command_100k_rows_20_columns", "rule_command_1m_rows_20_columns"}
    expected |= {"capacity_use_steel_like"}
    assert expected <= set(steps)
    for name, step in steps.items():
        assert callable(step), name


def test_traced_measures_time_and_python_memory():
    result, seconds, megabytes = bench.traced(lambda: bytearray(20_000_000))
    assert len(result) == 20_000_000 and seconds >= 0 and megabytes >= 20


def test_the_generated_tables_and_the_monthly_query_add_up(tmp_path):
    import duckdb

    from pocmvp.machinery import toolkit_benchmarks as tb
    from pocmvp.toolkit import rule

    table = tb.generated_table(20_000, columns=12)
    assert list(table.columns[:2]) == ["x01", "x02"] and table[tb.DEFECT].dtype == bool
    assert table.equals(tb.generated_table(20_000, columns=12))  # seeded
    parquet = str(tmp_path / "log.parquet")
    written = bench.in_child(f"{tb.__name__}:write_generated_parquet", parquet, "24000")
    assert written["peak_rss_megabytes"] > 0
    chosen = rule.Rule.of(("x03", ">", 97.0), ("x01", "<", 1.0))
    figures = bench.in_child(f"{tb.__name__}:monthly_figures", parquet, chosen.sql_where())
    with duckdb.connect() as connection:
        rows = connection.execute(f"SELECT * FROM read_parquet('{parquet}')").fetchdf()
    flags = chosen.flag(rows)
    assert figures["months"] == 12 and figures["parts"] == len(rows) == 24_000
    assert figures["flagged"] == flags.sum()
    assert figures["caught"] == (flags & rows[tb.DEFECT]).sum()


def test_only_the_steps_named_are_run(tmp_path, monkeypatch):
    ran = []
    steps = {"a": lambda runs: ran.append("a") or {"x": 1}, "b": lambda runs: {"y": 2}}
    monkeypatch.setattr(bench, "step_benchmarks", lambda: steps)
    data = bench.run(tmp_path / "results.json", sections=("steps",), steps=["a"])
    assert ran == ["a"] and "a" in data and "b" not in data and "notebook_seconds" not in data
    with pytest.raises(ValueError, match="no benchmark step c"):
        bench.run(tmp_path / "results.json", steps=["c"])


def test_in_child_reports_cpu_seconds_and_peak_memory(tmp_path):
    from pocmvp.machinery import toolkit_benchmarks as tb

    written = bench.in_child(
        f"{tb.__name__}:write_generated_table", str(tmp_path / "t.parquet"), "500"
    )
    assert written["cpu_seconds"] > 0 and written["peak_rss_megabytes"] > 0


def test_recorded_reads_the_scoring_figures_with_their_date(tmp_path):
    results = tmp_path / "results.json"
    bench.record(results, "poc", {"score_1M_parts_seconds": 8.0, "train_seconds": 10.0})
    bench.record(results, "rule_scoring_1m_parts", {"python_seconds": 0.002})
    scoring = bench.recorded(results)
    assert scoring.poc_seconds == 8.0 and scoring.rule_seconds == 0.002
    assert scoring.rule_speed_up == 4000.0
    assert len(scoring.recorded_on) == 10 and scoring.recorded_on.startswith("20")


def test_recorded_names_what_is_missing(tmp_path):
    import pytest

    results = tmp_path / "results.json"
    bench.record(results, "poc", {"score_1M_parts_seconds": 8.0, "train_seconds": 10.0})
    with pytest.raises(KeyError, match="rule_scoring_1m_parts"):
        bench.recorded(results)
    with pytest.raises(FileNotFoundError, match="make bench"):
        bench.recorded(tmp_path / "none.json")


def test_the_tracked_results_hold_the_scoring_figures():
    scoring = bench.recorded()
    assert scoring.poc_seconds > 0 and scoring.rule_seconds > 0
    assert scoring.recorded_on != "unknown"


def test_timing_the_notebooks_leaves_the_environment_as_it_found_it(monkeypatch):
    """The suite timed after the notebooks must write figures where make test does: a
    scratch folder left in the environment made nbval see another path in every chapter."""
    import os

    monkeypatch.delenv("POCMVP_FIGURES_DIR", raising=False)
    before = dict(os.environ)
    assert bench.notebook_timings([], runs=1) == {"total": 0}
    assert dict(os.environ) == before
