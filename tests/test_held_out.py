"""The capacity a rule uses on rows it has not seen, and the two ways to use all of it."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.machinery import capacity_benchmarks
from pocmvp.toolkit import held_out, search
from pocmvp.toolkit.rule import Rule


def sensor_table(rows: int = 4_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "made_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.permutation(rows), "h"),
            "heat": rng.normal(700, 10, rows).round(1),
            "speed": rng.integers(20, 60, rows).astype(float),
        }
    )
    table.loc[rng.random(rows) < 0.05, "heat"] = np.nan
    risk = 0.02 + 0.3 * (table["heat"].fillna(700) > 715) + 0.2 * (table["speed"] < 23)
    table["bad"] = rng.random(rows) < risk
    return table


def test_held_out_rows_are_the_latest_by_time_or_a_seeded_share():
    table = sensor_table()
    held, how = held_out.held_out_rows(table, "made_at")
    assert held.sum() == 1_000 and "latest 25%" in how and "made_at" in how
    assert table.loc[held, "made_at"].min() > table.loc[~held, "made_at"].max()
    random, how = held_out.held_out_rows(table)
    assert random.sum() == 1_000 and "random" in how
    assert (held_out.held_out_rows(table)[0] == random).all()  # seeded


def test_the_estimate_is_the_rule_of_the_earlier_rows_on_the_later_ones():
    table = sensor_table()
    use = held_out.estimate_use(table, "bad", 0.1, ["heat", "speed"], time="made_at")
    held, _ = held_out.held_out_rows(table, "made_at")
    earlier = search.find_rule(table[~held], "bad", 0.1, ["heat", "speed"]).rule
    flags = earlier.flag(table[held])
    assert use.rule == earlier and use.rows == 1_000 and use.flagged == flags.sum()
    assert use.capacity_used == pytest.approx(flags.mean() / 0.1)
    assert use.caught == (flags & table.loc[held, "bad"]).sum()


def test_loosen_moves_each_threshold_by_the_share_it_flags():
    table = sensor_table()
    rule = Rule.of(("heat", ">", 715.0), ("speed", "<", 23.0))
    same = held_out.loosen(rule, table, 1.0)
    assert (same.flag(table) == rule.flag(table)).all()
    wider = held_out.loosen(rule, table, 2.0)
    for before, after in zip(rule.conditions, wider.conditions, strict=True):
        alone = Rule((before,)).flag(table).sum()
        assert alone < Rule((after,)).flag(table).sum() <= 2 * alone
        assert after.threshold in set(table[after.column])  # a value of the column
    assert held_out.loosen(rule, table, 0).flag(table).sum() == 0


def test_filling_uses_the_capacity_on_the_history_and_is_judged_on_held_out_rows():
    table = sensor_table()
    found = search.find_rule(table, "bad", 0.1, ["heat", "speed"])
    filled = held_out.fill_capacity(table, "bad", 0.1, ["heat", "speed"], time="made_at")
    flagged = filled.rule.flag(table).sum()
    assert found.flagged <= flagged <= 0.1 * len(table)
    assert flagged >= 0.1 * len(table) - 40  # full, but for ties of the columns' values
    assert [c.column for c in filled.rule.conditions] == [c.column for c in found.rule.conditions]
    assert filled.before.rows == filled.after.rows == 1_000
    assert filled.after.flagged >= filled.before.flagged


def test_the_idle_tests_go_to_the_rows_nearest_to_being_flagged():
    table = sensor_table()
    rule = Rule.of(("heat", ">", 715.0))
    near = held_out.closeness(rule, table, table)
    flags = rule.flag(table).to_numpy()
    assert near[flags].max() <= 1 < near[~flags & table["heat"].notna().to_numpy()].min()
    assert np.isinf(near[table["heat"].isna().to_numpy()]).all()
    tested = held_out.ranked_within_capacity(flags, near, 0.1)
    assert tested.sum() == 400 and (tested >= flags).all()
    assert table.loc[tested & ~flags, "heat"].min() >= table.loc[~tested, "heat"].max()


def test_on_the_steel_like_table_the_numbers_are_measured_not_hoped():
    table = capacity_benchmarks.steel_like_table()
    assert table.shape == (1_941, 28) and 0.1 < table["K_Scatch"].mean() < 0.3
    result = capacity_benchmarks.compare(table)
    assert result["test_rows"] == 582
    for name in ("rule", "filled", "tree"):
        assert 0 < result[f"{name}_catch_rate_flags"] <= 1
    # Ranked leftovers never catch fewer than the flags alone: they only add tests.
    assert result["rule_next_riskiest_catch_rate"] >= result["rule_catch_rate_flags"]
    assert 0.9 <= result["filled_capacity_used"] <= 1.1
    # The depth-2 tree, ranked within the capacity, catches more: the model is better.
    assert result["tree_catch_rate_flags"] > result["rule_next_riskiest_catch_rate"]
