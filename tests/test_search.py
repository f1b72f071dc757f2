"""The toolkit's rule search: the histogram search against comparing rules one by one."""

import itertools

import numpy as np
import pandas as pd
import pytest

from pocmvp.toolkit import search
from pocmvp.toolkit.rule import Condition, Rule


def random_table(seed: int, rows: int, *, integers: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "heat": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(690, 8, rows).round(1)),
            "cool": rng.normal(215, 10, rows).round(0),  # many ties
        }
    )
    if integers:
        table["count"] = rng.integers(0, 50, rows)
    risk = (table["heat"].fillna(690) > 698) | (table["cool"] < 200)
    table["bad"] = rng.random(rows) < np.where(risk, 0.5, 0.04)
    return table


def best_of(table: pd.DataFrame, options: list[Condition], capacity: float) -> tuple[int, int]:
    """(caught, -flagged) of the best rule of one or two of ``options``: each condition's
    flags from :meth:`Condition.holds`, every pair's by counting rows (no histogram)."""
    limit = int(np.floor(capacity * len(table) + 1e-9))
    holds = np.array([c.holds(table[c.column]).to_numpy() for c in options], dtype=np.int64)
    bad = table["bad"].to_numpy()
    flagged_alone, caught_alone = holds.sum(axis=1), holds[:, bad].sum(axis=1)
    flagged = flagged_alone[:, None] + flagged_alone[None, :] - holds @ holds.T
    caught = caught_alone[:, None] + caught_alone[None, :] - holds[:, bad] @ holds[:, bad].T
    same = np.array([[(a.column, a.operator) == (b.column, b.operator) for b in options]
                     for a in options])  # fmt: skip
    allowed = ~same | np.eye(len(options), dtype=bool)  # the diagonal: one condition alone
    fits = allowed & (flagged <= limit)
    best = max(zip(caught[fits].tolist(), (-flagged[fits]).tolist(), strict=True))
    return int(best[0]), int(best[1])


def grid_options(table, columns, capacity, grid) -> list[Condition]:
    return [
        Condition(c, op, t)
        for c in columns
        for op in (">", "<")
        for t in search._candidates(table[c], c, op, capacity, grid).thresholds
    ]


def every_threshold(table, columns) -> list[Condition]:
    """Every threshold that makes a different rule: each distinct value, both directions."""
    return [
        Condition(c, op, t)
        for c in columns
        for op in (">", "<")
        for t in table[c].dropna().unique()
    ]


def outcome(found: search.RuleSearch, table: pd.DataFrame) -> tuple[int, int]:
    flags = found.rule.flag(table)
    assert found.flagged == flags.sum() and found.caught == (flags & table["bad"]).sum()
    return int(found.caught), -int(found.flagged)


@pytest.mark.parametrize("rows", [1, 7, 100, 1000, 12_345])
def test_quantile_positions_are_numpys_own(rows):
    shares = np.linspace(0.3 / 100, 0.3, 100)
    values = np.arange(rows, dtype=float)
    expected = np.quantile(values, 1 - shares, method="inverted_cdf")
    assert search.quantile_positions(rows, 1 - shares).tolist() == expected.astype(int).tolist()


@pytest.mark.parametrize(("seed", "capacity"), [(1, 0.05), (2, 0.2), (3, 0.6)])
def test_candidates_are_the_quantiles_of_the_tail(seed, capacity):
    table = random_table(seed, 3_000)
    for column in ("heat", "cool", "count"):
        values = table[column].to_numpy(dtype=float)
        for op, oriented in ((">", values), ("<", -values)):
            present = oriented[~np.isnan(oriented)]
            shares = np.linspace(capacity / 50, capacity, 50)
            levels = np.unique(np.quantile(present, 1 - shares, method="inverted_cdf"))
            found = search._candidates(table[column], column, op, capacity, 50)
            assert found.thresholds.tolist() == (levels if op == ">" else -levels).tolist()
            holds = [Condition(column, op, t).holds(table[column]) for t in found.thresholds]
            for k, flags in enumerate(holds):
                assert (found.rank > k).tolist() == flags.tolist()


@pytest.mark.parametrize(("seed", "capacity"), [(1, 0.1), (2, 0.03), (3, 0.6)])
def test_the_histogram_search_equals_comparing_every_rule_one_by_one(seed, capacity):
    table = random_table(seed, 400)
    columns = ["heat", "cool", "count"]
    found = search.find_rule(table, "bad", capacity, columns, grid=6)
    assert outcome(found, table) == best_of(
        table, grid_options(table, columns, capacity, 6), capacity
    )
    compared = found.rules_compared
    assert compared == sum(
        len(search._candidates(table[c], c, op, capacity, 6).thresholds) ** 1
        for c in columns
        for op in (">", "<")
    ) + sum(
        len(a.thresholds) * len(b.thresholds)
        for a, b in itertools.combinations(
            [search._candidates(table[c], c, op, capacity, 6) for c in columns for op in "><"], 2
        )
        if not (a.column == b.column and a.operator == b.operator)
    )


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_on_a_small_table_it_is_the_exhaustive_search_over_every_threshold(seed):
    """Capacity times rows within the grid: every value of the tail is a candidate, so no
    rule of one or two thresholds, at any value, catches more (or as many with fewer flags)."""
    table = random_table(seed, 150)
    columns = ["heat", "cool", "count"]
    found = search.find_rule(table, "bad", 0.1, columns, grid=100)
    assert outcome(found, table) == best_of(table, every_threshold(table, columns), 0.1)


def test_on_a_larger_table_a_coarse_grid_may_catch_less_and_says_so():
    """The difference stated: with more tail values than grid points, the grid search is
    exhaustive over its candidates only; a value between them may catch a little more."""
    table = random_table(7, 600, integers=False)
    columns = ["heat", "cool"]
    coarse = search.find_rule(table, "bad", 0.1, columns, grid=5)
    exhaustive = best_of(table, every_threshold(table, columns), 0.1)
    assert outcome(coarse, table) < exhaustive  # here it does: 31 caught against 32
    assert coarse.caught >= 0.8 * exhaustive[0]
    fine = search.find_rule(table, "bad", 0.1, columns, grid=100)
    assert outcome(fine, table) == exhaustive


def test_the_search_reports_the_rule_and_what_it_looked_at():
    table = random_table(8, 2_000)
    found = search.find_rule(table, "bad", 0.05)
    assert isinstance(found.rule, Rule) and found.rows == 2_000
    assert found.positives == table["bad"].sum() and found.capacity == 0.05
    assert 0 < found.flagged_share <= 0.05 and found.capacity_used <= 1
    assert found.catch_rate == found.caught / found.positives
    assert set(found.rule.columns) <= {"heat", "cool", "count"}


def test_a_column_with_no_value_is_refused_by_name():
    table = random_table(9, 200).assign(empty=np.nan)
    with pytest.raises(ValueError, match="'empty' hold no value"):
        search.find_rule(table, "bad", 0.05, ["heat", "empty"])
