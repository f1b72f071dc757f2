import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, iteration, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case.plant_rule import Condition, Rule

CAPACITY = status_quo.ECONOMICS.inspection_capacity_share


@pytest.fixture(scope="module")
def history(fast_plant):
    return factory.in_months(fast_plant.shift_log, factory.TRAIN_MONTHS)


@pytest.fixture(scope="module")
def held_out(fast_plant):
    return factory.in_months(fast_plant.shift_log, factory.HELD_OUT_MONTHS)


@pytest.fixture(scope="module")
def v1(history):
    return rule.find_rule(history, factory.TARGET, CAPACITY).rule


@pytest.fixture(scope="module")
def v2(v1, history):
    return iteration.revise_for_night_shift(v1, history, CAPACITY)


# --- Which rule was in force ---------------------------------------------------------------


def test_the_releases_are_v1_from_september_and_v2_from_december():
    assert iteration.VERSIONS == ("v1", "v2")
    table = iteration.releases_table()
    assert table.loc["v1", "live_from"] == dt.date(2025, 9, 1)
    assert table.loc["v2", "live_from"] == dt.date(2025, 12, 1)
    assert iteration.version_in_force("2025-08-31 23:59") is None
    assert iteration.version_in_force("2025-09-01") == "v1"
    assert iteration.version_in_force("2025-11-30 22:00") == "v1"
    assert iteration.version_in_force("2025-12-01") == "v2"


def test_rule_versions_are_made_on_the_history_only(fast_plant, v1, v2):
    log = fast_plant.shift_log
    versions = iteration.rule_versions(log)
    assert versions == {"v1": v1, "v2": v2}
    later = ~factory.month_of(log).isin(factory.TRAIN_MONTHS)
    scrambled = log.copy()
    scrambled.loc[later, "defect"] = ~scrambled.loc[later, "defect"]
    assert iteration.rule_versions(scrambled) == versions, "later months never choose a rule"
    with pytest.raises(ValueError, match="no history months"):
        iteration.rule_versions(factory.in_months(log, factory.HELD_OUT_MONTHS))


def test_flags_in_force_follow_the_calendar(fast_plant, v1, v2):
    log = fast_plant.shift_log
    flags = iteration.flags_in_force(log, {"v1": v1, "v2": v2})
    month = factory.month_of(log)
    assert not flags[month < "2025-09"].any(), "no rule before v1 went live"
    autumn = month.isin(factory.HELD_OUT_MONTHS)
    assert flags[autumn].equals(v1.flag(log)[autumn])
    december = month == factory.FIRE_MONTH
    assert flags[december].equals(v2.flag(log)[december])
    versions = iteration.versions_in_force(log)
    assert set(versions[autumn]) == {"v1"} and set(versions[december]) == {"v2"}
    assert set(versions[month < "2025-09"]) == {""}


# --- The feedback, in numbers -----------------------------------------------------------------


def test_shift_breakdown_counts_what_the_xray_cell_saw(held_out, v1):
    table = iteration.shift_breakdown(held_out, v1)
    assert list(table.index) == [*factory.SHIFTS, iteration.ALL_SHIFTS]
    tested = rule.within_capacity(held_out, v1.flag(held_out))
    defect = held_out["defect"]
    total = table.loc[iteration.ALL_SHIFTS]
    assert total["tests"] == tested.sum()
    assert total["found"] == (tested & defect).sum()
    assert total["false_alarms"] == (tested & ~defect).sum()
    assert total["sent"] == (tested & v1.flag(held_out)).sum()
    night = held_out["shift"] == "night"
    assert table.loc["night", "false_alarms"] == (tested & ~defect & night).sum()
    shifts = table.loc[list(factory.SHIFTS)]
    for column in ("parts", "tests", "false_alarms"):
        assert shifts[f"share_of_{column}"].sum() == pytest.approx(1)
    assert (shifts["sent"] <= shifts["tests"]).all()


def test_v1_gives_the_night_shift_more_than_its_share_of_false_alarms(held_out, v1):
    night = iteration.shift_breakdown(held_out, v1).loc["night"]
    assert night["share_of_false_alarms"] > night["share_of_parts"] + 0.05


def test_shift_breakdown_with_no_flags_is_todays_sample(held_out):
    never = Rule.of(("melt_temp_c", ">", 849.0))
    table = iteration.shift_breakdown(held_out, never)
    today = status_quo.every_nth_part(held_out)
    assert table.loc[iteration.ALL_SHIFTS, "tests"] == today.sum()
    assert table["sent"].sum() == 0


def test_reading_offset_finds_the_night_crews_habit(history):
    assert 4.5 < iteration.reading_offset(history) < 7.5
    assert abs(iteration.reading_offset(history, "die_temp_c")) < 1.5
    with pytest.raises(ValueError, match="both on and off"):
        iteration.reading_offset(history[history["shift"] == "night"])


# --- Rule v2 ------------------------------------------------------------------------------


def test_v2_splits_the_melt_condition_by_shift(v1, v2):
    melt = [c for c in v2.conditions if c.column == "melt_temp_c"]
    day, night = melt
    assert day.shifts == ("early", "late") and night.shifts == ("night",)
    assert day.operator == night.operator == v1.conditions[0].operator
    assert 3 < night.threshold - day.threshold < 9, "about the night crew's reading offset"
    assert [c for c in v2.conditions if c.column != "melt_temp_c"] == [
        c for c in v1.conditions if c.column != "melt_temp_c"
    ]


def test_v2_fits_the_capacity_and_catches_at_least_as_much_on_the_history(history, v1, v2):
    limit = int(np.floor(CAPACITY * len(history)))
    first, second = (rule.score(history, r.flag(history)) for r in (v1, v2))
    assert second.flagged <= limit
    assert second.caught >= first.caught


def test_v1_and_v2_are_compared_at_equal_tests(held_out, v1, v2):
    table = iteration.compare_by_shift(held_out, {"v1": v1, "v2": v2})
    assert list(table.columns.get_level_values(0).unique()) == [
        "tests",
        "found",
        "false_alarms",
        "hit_rate",
    ]
    tests = table["tests"].loc[iteration.ALL_SHIFTS]
    assert tests["v1"] == tests["v2"], "every rule spends the month's capacity"
    total = table.loc[iteration.ALL_SHIFTS]
    for version in ("v1", "v2"):
        assert total[("found", version)] + total[("false_alarms", version)] == tests[version]
    with pytest.raises(ValueError, match="at least one rule"):
        iteration.compare_by_shift(held_out, {})


def brute_force_revision(v1: Rule, log: pd.DataFrame, capacity: float, span: float):
    """Every pair of thresholds, one rule at a time: the best (caught, -flagged)."""
    split = v1.conditions[0]
    others = v1.conditions[1:]
    values = log[split.column].dropna()
    candidates = sorted(set(values[(values - split.threshold).abs() <= span]) | {split.threshold})
    limit = int(np.floor(capacity * len(log) + 1e-9))
    best = (-1, 0)
    for day, night in itertools.product(candidates, repeat=2):
        candidate = Rule(
            (
                Condition(split.column, split.operator, day, ("early", "late"), "shift"),
                Condition(split.column, split.operator, night, ("night",), "shift"),
                *others,
            )
        )
        flags = candidate.flag(log)
        if flags.sum() <= limit:
            best = max(best, (int((flags & log["defect"]).sum()), -int(flags.sum())))
    return best


@pytest.mark.parametrize(("seed", "operator"), [(1, ">"), (2, ">="), (3, "<"), (4, "<=")])
def test_vectorised_revision_equals_brute_force(seed, operator):
    rng = np.random.default_rng(seed)
    n = 300
    shift = rng.choice(np.array(factory.SHIFTS), n)
    true_melt = rng.normal(690, 8, n)
    reading = (true_melt + 6 * (shift == "night")).round(0)
    log = pd.DataFrame(
        {
            "shift": shift,
            "melt_temp_c": np.where(rng.random(n) < 0.05, np.nan, reading),
            "die_temp_c": rng.normal(215, 10, n).round(1),
        }
    )
    risk = (true_melt > 700) | (log["die_temp_c"] < 200)
    log["defect"] = rng.random(n) < np.where(risk, 0.4, 0.03)
    if operator in ("<", "<="):  # the same story upside down: a low reading is the risk
        log["melt_temp_c"] = 1400 - log["melt_temp_c"]
    v1 = Rule((Condition("melt_temp_c", operator, 700.0), Condition("die_temp_c", "<", 195)))
    v2 = iteration.revise_for_night_shift(v1, log, 0.15, span=8)
    flags = v2.flag(log)
    caught, negative_flagged = brute_force_revision(v1, log, 0.15, span=8)
    assert int((flags & log["defect"]).sum()) == caught
    assert int(flags.sum()) == -negative_flagged


def test_no_candidate_but_v1_gives_v1_back(history, v1):
    nudged = Rule((Condition("melt_temp_c", ">", 707.25), *v1.conditions[1:]))
    assert iteration.revise_for_night_shift(nudged, history, CAPACITY, span=0.01) == nudged


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"column": "humidity_pct"}, "no condition on 'humidity_pct'"),
        ({"capacity": 0}, "between 0 and 1"),
        ({"shift": "Night"}, "shift must be one of"),
        ({"span": 0}, "span must be positive"),
        ({"capacity": 1e-6}, "no pair of thresholds"),
    ],
)
def test_revision_refuses_what_it_cannot_do(history, v1, kwargs, message):
    arguments = {"capacity": CAPACITY} | kwargs
    with pytest.raises(ValueError, match=message):
        iteration.revise_for_night_shift(v1, history, **arguments)


def test_a_scoped_melt_condition_is_not_split_again(history, v2):
    with pytest.raises(ValueError, match="for every shift"):
        iteration.revise_for_night_shift(v2, history, CAPACITY)


def test_revision_needs_the_shift_column(history, v1):
    with pytest.raises(factory.ShiftLogError, match="shift"):
        iteration.revise_for_night_shift(v1, history.drop(columns="shift"), CAPACITY)


# --- Value captured -------------------------------------------------------------------------


def test_value_captured_counts_extra_catches_at_the_same_capacity(held_out, v1):
    value = iteration.value_captured(held_out, v1)
    table = rule.compare_with_today(held_out, v1)
    assert list(value.index) == list(factory.HELD_OUT_MONTHS)
    assert (value["caught"] == table["rule_caught"]).all()
    assert (value["today_caught"] == table["today_caught"]).all()
    assert (value["tested"] <= value["capacity"]).all()
    cost = status_quo.ECONOMICS.cost_per_shipped_defect
    assert (value["value_eur"] == (value["caught"] - value["today_caught"]) * cost).all()
    assert value["cumulative_value_eur"].iloc[-1] == value["value_eur"].sum()
    assert (value["value_eur"] > 0).all()


def test_value_captured_uses_the_economics(held_out, v1):
    dear = status_quo.PlantEconomics(cost_per_shipped_defect=1_000.0)
    assert (
        iteration.value_captured(held_out, v1, dear)["value_eur"]
        == 4 * iteration.value_captured(held_out, v1)["value_eur"]
    ).all()


# --- The approved rules stored with the case ----------------------------------------------


@pytest.fixture(scope="module")
def default_plant_log():
    return factory.generate_plant(factory.parts_for(False), seed=factory.DEFAULT_SEED).shift_log


def test_the_stored_rules_are_what_the_chapters_derive(default_plant_log):
    """tools/make_case_rules.py wrote them; at the default seed and size they still match."""
    derived = iteration.derived_rule_files(default_plant_log)
    for version in iteration.VERSIONS:
        assert iteration.rule_file(version) == derived[version], version
    assert iteration.stored_versions() == iteration.rule_versions(default_plant_log)


def test_the_calendar_is_read_from_the_stored_files():
    assert [r.version for r in iteration.RELEASES] == ["v1", "v2"]
    assert [str(r.live_from.date()) for r in iteration.RELEASES] == ["2025-09-01", "2025-12-01"]
    assert iteration.version_in_force("2025-11-30") == "v1"
    assert iteration.version_in_force("2025-12-01") == "v2"
    assert iteration.version_in_force("2025-08-31") is None
    with pytest.raises(ValueError, match="must be one of v1, v2"):
        iteration.rule_file("v3")


def test_flags_in_force_default_to_the_stored_rules(log):
    stored = iteration.stored_versions()
    assert iteration.flags_in_force(log).equals(iteration.flags_in_force(log, stored))
