"""The bottling line's export: chapter 9's table that is not the plant's."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import bottling


@pytest.fixture(scope="module")
def line() -> bottling.BottlingLine:
    return bottling.generate_bottling(bottling.FAST_BOTTLES, seed=bottling.DEFAULT_SEED)


def test_same_seed_same_table_other_seed_other_table(line):
    again = bottling.generate_bottling(bottling.FAST_BOTTLES, seed=bottling.DEFAULT_SEED)
    pd.testing.assert_frame_equal(again.table, line.table)
    pd.testing.assert_series_equal(again.probability, line.probability)
    other = bottling.generate_bottling(bottling.FAST_BOTTLES, seed=bottling.DEFAULT_SEED + 1)
    assert not other.table[bottling.TARGET].equals(line.table[bottling.TARGET])


def test_two_exports_of_the_same_bottles(line):
    first = line.export()
    second = line.export(with_time=True)
    assert tuple(first.columns) == bottling.COLUMNS
    assert tuple(second.columns) == (*bottling.COLUMNS, bottling.TIME)
    pd.testing.assert_frame_equal(second.drop(columns=[bottling.TIME]), first)
    assert len(first) == bottling.FAST_BOTTLES
    assert bottling.DEFAULT_BOTTLES / bottling.FAST_BOTTLES >= 3


def test_the_column_names_are_awkward_on_purpose():
    names = bottling.COLUMNS
    assert any(" " in n for n in names), "a name with spaces"
    assert any("[" in n and "]" in n for n in names), "a unit in brackets"
    assert any(not n.isascii() for n in names), "a name outside ASCII"
    assert not any(n.isidentifier() for n in (bottling.CAP_TORQUE, bottling.FILL_HEIGHT))
    assert set(bottling.data_dictionary(with_time=True)["column"]) == {*names, bottling.TIME}


def test_behaves_like_an_export(line):
    table = line.export(with_time=True)
    assert set(table[bottling.TARGET]) == {bottling.YES, bottling.NO}
    assert 0.015 < bottling.failed(table).mean() < 0.05, "failures are a few percent"
    assert table[bottling.FILL_TEMP].isna().mean() > 0.01
    assert table[bottling.FILL_HEIGHT].isna().mean() > 0.005
    others = table.drop(columns=[bottling.FILL_TEMP, bottling.FILL_HEIGHT])
    assert others.notna().all().all(), "only the two readings have gaps"
    assert table[bottling.BOTTLE_ID].is_unique
    times = table[bottling.TIME]
    assert times.is_monotonic_increasing and (times.dt.year == bottling.YEAR).all()
    assert sorted(bottling.months(table).unique()) == [f"2025-{m:02d}" for m in range(1, 13)]


def test_the_truth_is_smooth_so_no_threshold_matches_it(line):
    table, truth = line.table, line.probability.to_numpy()
    failed = bottling.failed(table).to_numpy()
    capacity = int(0.05 * len(table))
    best_possible = failed[np.argsort(-truth)[:capacity]].sum() / failed.sum()
    assert 0.5 < best_possible < 0.9, "even the truth itself misses failures at 5 %"
    loosest = table[bottling.CAP_TORQUE] <= table[bottling.CAP_TORQUE].quantile(0.05)
    rate = failed[loosest.to_numpy()].mean()
    assert 0.1 < rate < 0.9, "loose caps fail more often, not always"


def test_a_loose_cap_fails_more_on_a_hot_fill(line):
    """The interaction: torque x fill temperature."""
    table = line.table
    failed = bottling.failed(table)
    loose = table[bottling.CAP_TORQUE] < table[bottling.CAP_TORQUE].quantile(0.1)
    hot = table[bottling.FILL_TEMP] > table[bottling.FILL_TEMP].median()
    cool = table[bottling.FILL_TEMP] <= table[bottling.FILL_TEMP].median()
    assert failed[loose & hot].mean() > 2 * failed[loose & cool].mean()


def test_the_qa_hold_leaks_the_outcome(line):
    """Written after the seal test: alone it catches far more than the truth could."""
    table = line.table
    failed = bottling.failed(table).to_numpy()
    capacity = int(0.05 * len(table))
    held = np.argsort(-table[bottling.QA_HOLD].to_numpy(), kind="stable")[:capacity]
    by_truth = np.argsort(-line.probability.to_numpy())[:capacity]
    assert failed[held].sum() / failed.sum() > 0.8
    assert failed[held].sum() > 1.2 * failed[by_truth].sum()


def test_the_csv_keeps_the_names_and_is_byte_identical(line, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    bottling.write_csv(line.export(with_time=True).head(500), first)
    bottling.write_csv(line.export(with_time=True).head(500), second)
    assert first.read_bytes() == second.read_bytes()
    back = pd.read_csv(first, encoding="utf-8")
    assert tuple(back.columns) == (*bottling.COLUMNS, bottling.TIME)
    assert back[bottling.TIME].iloc[0] == line.table[bottling.TIME].iloc[0].strftime(
        "%Y-%m-%d %H:%M"
    )


def test_too_few_bottles_is_refused():
    with pytest.raises(ValueError, match="n_bottles"):
        bottling.generate_bottling(10)
