import itertools

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case.factory import ShiftLogError
from pocmvp.case.plant_rule import Condition, Rule
from pocmvp.toolkit import search as toolkit_search

HOT_OR_COLD = Rule.of(
    ("melt_temp_c", ">", 707.2), ("die_temp_c", "<", 195.5), schema=factory.SCHEMA
)


@pytest.fixture(scope="module")
def history(fast_plant):
    return factory.in_months(fast_plant.shift_log, factory.TRAIN_MONTHS)


@pytest.fixture(scope="module")
def found(history):
    return rule.find_rule(history, "defect", 0.05, rule.RULE_COLUMNS).rule


def small_log(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# --- One condition, one rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "expected"),
    [(">", [False, False, True, False]), (">=", [False, True, True, False]),
     ("<", [True, False, False, False]), ("<=", [True, True, False, False])],
)  # fmt: skip
def test_each_operator_at_the_threshold_and_missing_never_holds(operator, expected):
    log = small_log(melt_temp_c=[700.0, 707.2, 707.3, np.nan])
    flags = Rule.of(("melt_temp_c", operator, 707.2)).flag(log)
    assert flags.tolist() == expected


def test_conditions_are_joined_by_or_and_keep_the_index():
    log = small_log(
        melt_temp_c=[710.0, 690.0, np.nan, 690.0], die_temp_c=[220.0, 190.0, 190.0, np.nan]
    )
    log.index = [10, 20, 30, 40]
    flags = HOT_OR_COLD.flag(log)
    assert flags.tolist() == [True, True, True, False]
    assert flags.index.equals(log.index) and flags.dtype == bool


def test_integer_and_nullable_columns_are_numbers():
    log = small_log(shots_since_maintenance=pd.array([5_000, 5_001, None], dtype="Int64"))
    assert Rule.of(("shots_since_maintenance", ">", 5000)).flag(log).tolist() == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("melt_temp_c", "=>", 700), "operator"),
        (("melt_temp_c", ">", float("nan")), "finite"),
        (("melt_temp_c", ">", "hot"), "number"),
        (("", ">", 700), "column name"),
        ((None, ">", 1), "column name"),
    ],
)
def test_bad_conditions_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        Condition(*arguments)


def test_a_rule_needs_a_condition_and_is_frozen():
    with pytest.raises(ValueError, match="at least one"):
        Rule(())
    with pytest.raises(AttributeError):
        HOT_OR_COLD.conditions = ()  # type: ignore[misc]
    assert Rule.of(("melt_temp_c", ">", 707.2), ("die_temp_c", "<", 195.5)) == HOT_OR_COLD
    assert HOT_OR_COLD.columns == ("melt_temp_c", "die_temp_c")


def test_excel_formula_references_the_row_and_guards_missing_values():
    assert (
        HOT_OR_COLD.excel_formula(2) == "=OR(AND(ISNUMBER(I2),I2>707.2),AND(ISNUMBER(J2),J2<195.5))"
    )
    shots = Rule.of(("shots_since_maintenance", ">=", 5000.0), schema=factory.SCHEMA)
    assert "F17>=5000" in shots.excel_formula(17)
    assert rule.WORKBOOK_COLUMNS[8] == "melt_temp_c"  # column I
    with pytest.raises(ValueError, match="headers"):
        HOT_OR_COLD.excel_formula(1)
    with pytest.raises(ValueError, match="not in the workbook"):
        Rule.of(("rework_minutes", ">", 5)).excel_formula(2, rule.WORKBOOK_COLUMNS)
    with pytest.raises(ValueError, match="columns"):
        Rule.of(("melt_temp_c", ">", 5)).excel_formula(2)  # no schema, no columns


def test_sql_where_is_false_for_missing_values():
    assert HOT_OR_COLD.sql_where() == (
        'COALESCE("melt_temp_c" > 707.2, FALSE) OR COALESCE("die_temp_c" < 195.5, FALSE)'
    )


def test_sql_gives_the_same_flags_as_python_on_the_fast_data(shift_log, found):
    mixed = Rule.of(
        ("melt_temp_c", ">=", 707.2),
        ("die_temp_c", "<=", 195.5),
        ("scrap_share_pct", ">", 40.0),
        ("humidity_pct", "<", 20.0),
    )
    for chosen in (found, HOT_OR_COLD, mixed):
        pd.testing.assert_series_equal(
            rule.flag_with_sql(shift_log, chosen), chosen.flag(shift_log)
        )
    assert found.flag(shift_log).any()


def test_sql_with_a_shuffled_index(shift_log):
    shuffled = shift_log.sample(frac=1.0, random_state=3)
    pd.testing.assert_series_equal(
        rule.flag_with_sql(shuffled, HOT_OR_COLD), HOT_OR_COLD.flag(shuffled)
    )


def test_describe_is_a_sticky_note():
    text = HOT_OR_COLD.describe()
    assert "707.2 °C" in text and "195.5 °C" in text and " or " in text
    assert "not recorded" in text and len(text) < 250
    shots = Rule.of(("shots_since_maintenance", ">", 5200)).describe(factory.SCHEMA)
    assert "5,200 shots" in shots


def test_text_in_a_rule_column_is_refused_with_its_value():
    log = small_log(melt_temp_c=["701.5", "n/a"], die_temp_c=[210.0, 211.0])
    with pytest.raises(ShiftLogError, match=r"melt_temp_c.*'n/a' in row 1"):
        HOT_OR_COLD.flag(log)
    with pytest.raises(ShiftLogError, match="die_temp_c"):
        HOT_OR_COLD.flag(small_log(melt_temp_c=[700.0]))


def test_validate_for_rule_names_extra_missing_and_mistyped_columns(shift_log):
    assert rule.validate_for_rule(shift_log, HOT_OR_COLD, require_truth=True) is shift_log
    with pytest.raises(ShiftLogError, match="unexpected column.*operator_mood"):
        rule.validate_for_rule(shift_log.assign(operator_mood="fine"), HOT_OR_COLD)
    with pytest.raises(ShiftLogError, match="missing column.*cycle_time_s"):
        rule.validate_for_rule(shift_log.drop(columns="cycle_time_s"), HOT_OR_COLD)
    with pytest.raises(ShiftLogError, match="shots_since_maintenance"):
        rule.validate_for_rule(
            shift_log.assign(
                shots_since_maintenance=shift_log["shots_since_maintenance"].astype(str)
            ),
            HOT_OR_COLD,
        )
    doubled = pd.concat([shift_log.head(3), shift_log.head(1)], ignore_index=True)
    with pytest.raises(ShiftLogError, match="repeats a part id"):
        rule.validate_for_rule(doubled, HOT_OR_COLD)


# --- Finding the rule ------------------------------------------------------------------------


def test_found_rule_fits_the_capacity_and_beats_a_blind_sample(history, found):
    flags = found.flag(history)
    assert flags.sum() <= int(0.05 * len(history))
    result = rule.score(history, flags)
    assert result.catch_rate > 3 * 0.05
    assert 1 <= len(found.conditions) <= 2
    assert set(found.columns) <= set(rule.RULE_COLUMNS)


def test_two_conditions_beat_the_best_single_one(history, found):
    single = rule.find_rule(history, "defect", 0.05, rule.RULE_COLUMNS, max_conditions=1).rule
    assert len(single.conditions) == 1
    assert (
        rule.score(history, found.flag(history)).caught
        >= rule.score(history, single.flag(history)).caught
    )


def brute_force(log: pd.DataFrame, columns, capacity, grid):
    """Every rule of one or two conditions over the same candidate thresholds, one by one."""
    options = [
        Condition(c, op, t)
        for c in columns
        for op in (">", "<")
        for t in toolkit_search._candidates(log[c], c, op, capacity, grid).thresholds
    ]
    limit = int(np.floor(capacity * len(log) + 1e-9))
    best = (-1, 0)
    for size in (1, 2):
        for conditions in itertools.combinations(options, size):
            if (
                size == 2
                and conditions[0].column == conditions[1].column
                and (conditions[0].operator == conditions[1].operator)
            ):
                continue
            flags = Rule(conditions).flag(log)
            if flags.sum() <= limit:
                caught = int((flags & log["defect"]).sum())
                best = max(best, (caught, -int(flags.sum())))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_search_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 400
    log = pd.DataFrame(
        {
            "melt_temp_c": np.where(rng.random(n) < 0.1, np.nan, rng.normal(690, 8, n).round(1)),
            "die_temp_c": rng.normal(215, 10, n).round(1),
            "shots_since_maintenance": rng.integers(0, 8_000, n),
        }
    )
    risk = (log["melt_temp_c"].fillna(690) > 700) | (log["die_temp_c"] < 200)
    log["defect"] = (rng.random(n) < np.where(risk, 0.4, 0.03)).astype(bool)
    columns = ["melt_temp_c", "die_temp_c", "shots_since_maintenance"]
    found = rule.find_rule(log, "defect", 0.1, columns, grid=8).rule
    flags = found.flag(log)
    caught, negative_flagged = brute_force(log, columns, 0.1, grid=8)
    assert int((flags & log["defect"]).sum()) == caught
    assert int(flags.sum()) == -negative_flagged


def test_search_is_deterministic_and_reports_its_size(history, found):
    again = rule.find_rule(history, "defect", 0.05, rule.RULE_COLUMNS)
    assert again.rule == found
    assert again.rules_compared > 100_000 and again.seconds > 0
    flags = found.flag(history)
    assert again.flagged == flags.sum() and again.caught == (flags & history["defect"]).sum()
    assert again.rows == len(history) and 0 < again.capacity_used <= 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"columns": ["rework_minutes"]}, ValueError, "only known after inspection"),
        ({"columns": ["supplier"]}, ShiftLogError, "supplier"),
        ({"capacity": 1.5}, ValueError, "between 0 and 1"),
        ({"target": "defect_type"}, ShiftLogError, "boolean"),
        ({"target": "returned"}, ShiftLogError, "missing"),
        ({"max_conditions": 3}, ValueError, "1 or 2"),
        ({"columns": []}, ValueError, "at least one column"),
    ],
)
def test_find_rule_refuses_what_it_cannot_use(history, kwargs, error, message):
    arguments = {"target": "defect", "capacity": 0.05, "columns": rule.RULE_COLUMNS} | kwargs
    with pytest.raises(error, match=message):
        rule.find_rule(history, **arguments)


# --- Scores, capacity, accounting -----------------------------------------------------------


def test_score_counts_add_up(shift_log):
    result = rule.score(shift_log, HOT_OR_COLD.flag(shift_log))
    assert result.caught + result.false_alarms == result.flagged
    assert result.parts == len(shift_log) and result.defects == shift_log["defect"].sum()
    assert 0 < result.hit_rate < 1 and 0 < result.catch_rate < 1
    with pytest.raises(ValueError, match="indexed like"):
        rule.score(shift_log, HOT_OR_COLD.flag(shift_log).iloc[1:])


def test_within_capacity_spends_exactly_each_months_capacity(shift_log):
    everything = pd.Series(True, index=shift_log.index)
    tested = rule.within_capacity(shift_log, everything)
    per_month = tested.groupby(factory.month_of(shift_log)).agg(["sum", "size"])
    capacity = per_month["size"].map(status_quo.ECONOMICS.capacity)
    assert (per_month["sum"] == capacity).all()
    flags = HOT_OR_COLD.flag(shift_log)
    capped = rule.within_capacity(shift_log, flags)
    assert (capped.groupby(factory.month_of(shift_log)).sum() == capacity).all()
    # A flagged part goes untested only once its month's capacity is used up.
    month = factory.month_of(shift_log)
    used_before = capped.groupby(month).cumsum() - capped
    skipped = flags & ~capped
    assert (used_before[skipped] == month[skipped].map(capacity)).all()


def messy_log(shift_log: pd.DataFrame) -> pd.DataFrame:
    log = shift_log.head(12).copy()
    # Unremarkable readings everywhere first, so that only the damage below decides.
    log["melt_temp_c"], log["die_temp_c"] = 690.0, 215.0
    log["melt_temp_c"] = log["melt_temp_c"].astype(object)
    log.loc[log.index[0], "melt_temp_c"] = "n/a"  # text
    log.loc[log.index[1], "melt_temp_c"] = 9_999.0  # impossible
    log.loc[log.index[2], "melt_temp_c"] = np.nan  # missing: documented, not rejected
    log.loc[log.index[3], "melt_temp_c"] = 720.0  # hot: flagged
    log.loc[log.index[4], "part_id"] = log.loc[log.index[5], "part_id"]  # duplicated id
    log.loc[log.index[6], "part_id"] = None  # missing id
    log.loc[log.index[7], "die_temp_c"] = 150.0  # cold: flagged
    return log


def test_every_row_is_flagged_passed_or_rejected_with_a_reason(shift_log):
    log = messy_log(shift_log)
    accounting = rule.account_rows(log, HOT_OR_COLD)
    counts = accounting.counts
    assert sum(counts.values()) == accounting.rows == len(log)
    assert counts == {"flagged": 2, "passed": 5, "rejected": 5}
    reasons = accounting.decisions["reason"]
    assert reasons.iloc[0] == "not a number in melt_temp_c: n/a"
    assert reasons.iloc[1].startswith("impossible value in melt_temp_c: 9999.0")
    assert reasons.iloc[4].startswith("duplicated part id") and reasons.iloc[5] == reasons.iloc[4]
    assert reasons.iloc[6] == "missing part id"
    assert accounting.decisions["decision"].iloc[2] == "passed"
    assert reasons.iloc[2] == "missing value (never triggers): melt_temp_c"
    assert accounting.flagged.tolist() == (accounting.decisions["decision"] == "flagged").tolist()
    table = accounting.table()
    assert table["rows"].iloc[-1] == len(log)
    assert table["rows"].iloc[:-1].sum() == len(log)
    assert len(accounting.rejected()) == 5


def test_accounting_of_clean_data_agrees_with_the_rule(shift_log):
    accounting = rule.account_rows(shift_log, HOT_OR_COLD)
    assert accounting.counts["rejected"] == 0
    pd.testing.assert_series_equal(accounting.flagged, HOT_OR_COLD.flag(shift_log))


def test_accounting_refuses_a_table_without_the_rule_columns(shift_log):
    with pytest.raises(ShiftLogError, match="die_temp_c"):
        rule.account_rows(shift_log.drop(columns="die_temp_c"), HOT_OR_COLD)
    with pytest.raises(ShiftLogError, match="DataFrame"):
        rule.account_rows([1, 2], HOT_OR_COLD)


def test_comparison_with_today_holds_both_to_the_capacity(shift_log):
    table = rule.compare_with_today(shift_log, HOT_OR_COLD)
    assert table["parts"].sum() == len(shift_log)
    assert (table["rule_tested"] <= table["capacity"]).all()
    assert (table["today_tested"] <= table["capacity"] + 1).all()
    for name in ("rule", "today"):
        assert (
            table[f"{name}_caught"] + table[f"{name}_shipped_defects"] == table["defects"]
        ).all()
        assert (
            table[f"{name}_caught"] + table[f"{name}_false_alarms"] == table[f"{name}_tested"]
        ).all()
    assert table["rule_caught"].sum() > 2 * table["today_caught"].sum()


# --- Conditions scoped to shifts (rule v2) ---------------------------------------------------

NIGHT_AWARE = Rule(
    (
        Condition("melt_temp_c", ">", 707.2, shifts=("early", "late"), scope_column="shift"),
        Condition("melt_temp_c", ">", 713.0, shifts=("night",), scope_column="shift"),
        Condition("die_temp_c", "<", 195.5),
    ),
    factory.SCHEMA,
)


def shift_log_of(rows) -> pd.DataFrame:
    melt, die, shift = zip(*rows, strict=True)
    return small_log(melt_temp_c=list(melt), die_temp_c=list(die), shift=list(shift))


ADVERSARIAL_SHIFTS = shift_log_of(
    [
        (710.0, 220.0, "early"),  # hot for the day crews: flagged
        (710.0, 220.0, "night"),  # the night crew reads high: not flagged
        (713.0, 220.0, "night"),  # at the night threshold: not flagged (">")
        (713.1, 220.0, "night"),  # above it: flagged
        (720.0, 220.0, "Night"),  # case counts: in no scope
        (720.0, 220.0, " night"),  # spaces count
        (720.0, 220.0, None),  # missing shift: in no scope
        (720.0, 190.0, None),  # ... but the unscoped die condition still holds
        (np.nan, 220.0, "night"),  # a missing reading never holds
    ]
)
ADVERSARIAL_EXPECTED = [True, False, False, True, False, False, False, True, False]


def test_a_scoped_condition_holds_only_on_its_shifts():
    assert NIGHT_AWARE.flag(ADVERSARIAL_SHIFTS).tolist() == ADVERSARIAL_EXPECTED
    assert NIGHT_AWARE.scoped and not HOT_OR_COLD.scoped
    assert NIGHT_AWARE.columns == ("melt_temp_c", "die_temp_c")
    assert NIGHT_AWARE.input_columns == ("melt_temp_c", "die_temp_c", "shift")
    assert HOT_OR_COLD.input_columns == HOT_OR_COLD.columns


def test_shifts_are_normalised_and_checked():
    assert Condition("melt_temp_c", ">", 1, shifts="night", scope_column="shift").shifts == (
        "night",
    )
    # the toolkit keeps the scope's values as given, each once
    assert Condition("m", ">", 1, shifts=["night", "early", "night"], scope_column="s").shifts == (
        "night",
        "early",
    )
    assert Condition("melt_temp_c", ">", 1).shifts is None
    # four values take the scope column from the schema (the plant's shift), five name it
    scoped = Rule.of(("melt_temp_c", ">", 713.0, ("night",)), schema=factory.SCHEMA)
    assert scoped.conditions[0].scoped and scoped.conditions[0].scope_column == "shift"
    assert Rule.of(("x", ">", 1, ("web",), "channel")).conditions[0].scope_column == "channel"
    for bad in ((), (3,)):
        with pytest.raises(ValueError, match="scope"):
            Condition("melt_temp_c", ">", 1, shifts=bad, scope_column="shift")
    # The plant accepts only its own shifts; the toolkit quotes any text safely.
    for bad in (("Night",), ("night'); DROP TABLE t; --",)):
        with pytest.raises(ValueError, match="shifts"):
            rule.check_shifts(Rule.of(("melt_temp_c", ">", 1, bad), schema=factory.SCHEMA))
    quoted = Condition("melt_temp_c", ">", 1, shifts=("it's",), scope_column="shift").sql()
    assert "IN ('it''s')" in quoted


def test_scoped_formula_compares_the_shift_exactly():
    formula = NIGHT_AWARE.excel_formula(2)
    assert rule.WORKBOOK_COLUMNS[3] == "shift"  # column D
    assert formula == (
        '=OR(AND(OR(EXACT(D2,"early"),EXACT(D2,"late")),ISNUMBER(I2),I2>707.2),'
        'AND(EXACT(D2,"night"),ISNUMBER(I2),I2>713),AND(ISNUMBER(J2),J2<195.5))'
    )
    assert 'EXACT(D9,"night")' in NIGHT_AWARE.excel_formula(9)
    with pytest.raises(ValueError, match="'shift' is not in the workbook"):
        NIGHT_AWARE.excel_formula(2, columns=[c for c in rule.WORKBOOK_COLUMNS if c != "shift"])


def test_scoped_sql_is_never_null():
    assert NIGHT_AWARE.sql_where() == (
        "(COALESCE(\"shift\" IN ('early', 'late'), FALSE) AND "
        'COALESCE("melt_temp_c" > 707.2, FALSE)) OR '
        "(COALESCE(\"shift\" IN ('night'), FALSE) AND "
        'COALESCE("melt_temp_c" > 713, FALSE)) OR COALESCE("die_temp_c" < 195.5, FALSE)'
    )


def test_scoped_sql_agrees_with_python_on_adversarial_and_real_rows(shift_log):
    pd.testing.assert_series_equal(
        rule.flag_with_sql(ADVERSARIAL_SHIFTS, NIGHT_AWARE), NIGHT_AWARE.flag(ADVERSARIAL_SHIFTS)
    )
    shuffled = shift_log.sample(frac=1.0, random_state=5)
    flags = NIGHT_AWARE.flag(shuffled)
    pd.testing.assert_series_equal(rule.flag_with_sql(shuffled, NIGHT_AWARE), flags)
    night = shuffled["shift"] == "night"
    assert flags[night].any() and flags[~night].any()


def test_scoped_describe_names_the_shifts():
    text = NIGHT_AWARE.describe()
    assert "above 707.2 °C on the early and late shifts" in text
    assert "above 713 °C on the night shift" in text
    assert text.count(", or if ") == 2


def test_the_shift_column_is_text_and_must_be_there():
    NIGHT_AWARE.flag(ADVERSARIAL_SHIFTS)  # text shift column: accepted
    with pytest.raises(ShiftLogError, match="needs column.*shift"):
        NIGHT_AWARE.flag(ADVERSARIAL_SHIFTS.drop(columns="shift"))
    with pytest.raises(ShiftLogError, match="needs column.*shift"):
        rule.flag_with_sql(ADVERSARIAL_SHIFTS.drop(columns="shift"), NIGHT_AWARE)
    HOT_OR_COLD.flag(ADVERSARIAL_SHIFTS.drop(columns="shift"))  # unscoped: not needed
    with pytest.raises(ShiftLogError, match="melt_temp_c.*'hot'"):
        NIGHT_AWARE.flag(ADVERSARIAL_SHIFTS.assign(melt_temp_c="hot"))


def test_accounting_rejects_unknown_shifts_only_for_a_scoped_rule():
    log = ADVERSARIAL_SHIFTS.assign(part_id=[f"P{i}" for i in range(len(ADVERSARIAL_SHIFTS))])
    accounting = rule.account_rows(log, NIGHT_AWARE)
    assert sum(accounting.counts.values()) == len(log)
    reasons = accounting.decisions["reason"]
    assert reasons.iloc[4] == "unknown shift: Night"
    assert reasons.iloc[5] == "unknown shift:  night"
    assert reasons.iloc[6] == reasons.iloc[7] == "missing shift"
    assert accounting.counts == {"flagged": 2, "passed": 3, "rejected": 4}
    kept = accounting.decisions["decision"] != "rejected"
    assert accounting.flagged[kept].tolist() == [
        e for e, k in zip(ADVERSARIAL_EXPECTED, kept, strict=True) if k
    ]
    assert rule.account_rows(log, HOT_OR_COLD).counts["rejected"] == 0
    with pytest.raises(ShiftLogError, match="shift"):
        rule.account_rows(log.drop(columns="shift"), NIGHT_AWARE)


def test_accounting_of_clean_data_agrees_with_a_scoped_rule(shift_log):
    accounting = rule.account_rows(shift_log, NIGHT_AWARE)
    assert accounting.counts["rejected"] == 0
    pd.testing.assert_series_equal(accounting.flagged, NIGHT_AWARE.flag(shift_log))


def test_a_scoped_condition_names_its_column_the_toolkit_assumes_none():
    for missing in (None, ""):
        with pytest.raises(ValueError, match="scope_column"):
            Condition("melt_temp_c", ">", 1, shifts=("night",), scope_column=missing)
    with pytest.raises(ValueError, match="scope_column"):
        Rule.of(("melt_temp_c", ">", 713.0, ("night",)))  # no schema to take it from
    assert Condition("melt_temp_c", ">", 1).scope_column is None
