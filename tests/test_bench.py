import json

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


def test_step_benchmarks_are_found_in_the_case_and_the_machinery():
    steps = bench.step_benchmarks()
    assert {"poc", "rule_scoring_1m_parts", "find_rule_default_year", "workbook_100k_rows"} <= set(
        steps
    )
    for name, step in steps.items():
        assert callable(step), name
