"""The POC's features: the join, the engineered features and where each comes from."""

import ast
import inspect

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, poc, poc_features


def test_join_keeps_the_shift_logs_rows_and_order(fast_plant):
    part = fast_plant.shift_log.iloc[::-7]
    joined = poc.join_mes(part, fast_plant.mes)
    assert joined.index.equals(part.index)
    assert joined["part_id"].equals(part["part_id"])
    expected = fast_plant.mes.set_index("part_id").loc[part["part_id"], "mes_vacuum_mbar"]
    assert np.array_equal(joined["mes_vacuum_mbar"].to_numpy(), expected.to_numpy())


def test_join_refuses_duplicated_mes_records_and_leaves_unknown_parts_empty(fast_plant):
    twice = pd.concat([fast_plant.mes, fast_plant.mes.iloc[:1]])
    with pytest.raises(ValueError, match="more than once"):
        poc.join_mes(fast_plant.shift_log, twice)
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes.iloc[1:])
    assert joined.loc[joined.index[0], list(poc.MES_NUMERIC)].isna().all()
    assert joined[list(poc.MES_NUMERIC)].iloc[1:].notna().all().all()


def test_features_are_complete_numeric_and_grouped(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    builder = poc.FeatureBuilder().fit(joined)
    features = builder.transform(joined)
    assert features.notna().all().all()
    assert list(features.columns) == builder.feature_names_
    assert sum(len(v) for v in builder.feature_groups_.values()) == features.shape[1]
    added_later = {"anomaly score", poc.LEAK_GROUP}
    assert set(builder.feature_groups_) <= set(poc.FEATURE_GROUPS) - added_later
    # Only the interaction groups may be empty (the search keeps no pair of that kind).
    assert set(poc.FEATURE_GROUPS) - added_later - set(builder.feature_groups_) <= {
        "shift-log interactions",
        "MES interactions",
    }
    for column, values in poc.CATEGORIES.items():
        one_hot = features[[f"{column}={v}" for v in values]]
        assert (one_hot.sum(axis=1) == 1).all(), column
    assert factory.LEAKING_FIELD not in features
    leaky = poc.FeatureBuilder(with_leak=True).fit(joined).transform(joined)
    assert factory.LEAKING_FIELD in leaky


def test_missing_readings_are_filled_and_flagged(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    features = poc.FeatureBuilder().fit(joined).transform(joined)
    missing = joined["melt_temp_c"].isna()
    assert missing.any()
    assert features.loc[missing, "melt_temp_c_missing"].eq(1).all()
    assert features.loc[missing, "melt_temp_c"].eq(joined["melt_temp_c"].median()).all()


def test_an_unknown_category_is_all_zeros(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log.head(50), fast_plant.mes)
    builder = poc.FeatureBuilder().fit(joined)
    odd = joined.assign(cell="C9")
    features = builder.transform(odd)
    assert features[[f"cell={c}" for c in factory.CELLS]].eq(0).all().all()


def test_the_corrections_are_fitted_from_the_rows(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    builder = poc.FeatureBuilder().fit(joined)
    evidence = poc.feature_evidence(joined)
    # The night crew's habit is found in the data: its offset is the gap the history shows.
    gap = builder.shift_offset_["night"] - np.mean(
        [builder.shift_offset_["early"], builder.shift_offset_["late"]]
    )
    assert gap == pytest.approx(evidence.loc["melt_corrected_c", "measured"], abs=1.0)
    assert gap > 3, "the history shows the night crew's readings stand apart"
    assert builder.fill_slope_ < 0, "a faster plunger fills sooner"
    assert set(evidence.index) == {"melt_corrected_c", *poc.SHOT_PHYSICS_FEATURES}
    assert evidence["note"].str.len().gt(20).all(), "each correction cites its note"


def test_the_pair_search_finds_a_planted_interaction():
    rng = np.random.default_rng(0)
    n = 20_000
    readings = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    logit = -3 + 0.5 * readings["a"] + 0.5 * readings["b"] + 0.8 * readings["c"] * readings["d"]
    defect = pd.Series(rng.random(n) < 1 / (1 + np.exp(-logit)))
    search = poc.interaction_search(readings, defect)
    assert len(search) == 6
    assert set(search.iloc[0][["first", "second"]]) == {"c", "d"}
    assert search.iloc[0]["score"] > 10 and search.iloc[1:]["score"].abs().max() < 3.5
    assert poc_features.kept_pairs(search) == [("c", "d")]


def test_the_kept_pairs_are_the_searchs_strongest(fast_plant):
    joined = poc.join_mes(factory.in_months(fast_plant.shift_log, poc.FIT_MONTHS), fast_plant.mes)
    builder = poc.FeatureBuilder().fit(poc.undersample(joined, seed=1))
    strong = builder.pair_search_[
        builder.pair_search_["score"].abs() >= poc_features.PAIR_MIN_SCORE
    ]
    assert len(builder.pairs_) == min(len(strong), poc_features.PAIRS_KEPT)
    for a, b in builder.pairs_:
        assert f"{a}*{b}" in builder.feature_names_


# The generator's cause: what the POC must never read (no answer key in the model).
CAUSE_NAMES = {
    *("B0", "MELT", "DIE", "WEAR", "VAC", "VALVE", "NOISE", "STUCK_VALVE_SHARE"),
    *("_defect_logit", "_softplus", "_sigmoid", "_shots_since_maintenance"),
}
assert set(vars(factory)) >= CAUSE_NAMES, "the test names the generator's real names"
POC_MODULES = ("poc", "poc_fields", "poc_features", "poc_learners", "poc_judgement")


@pytest.mark.parametrize("module", POC_MODULES)
def test_the_poc_names_none_of_the_generators_cause(module):
    source = inspect.getsource(__import__(f"pocmvp.case.{module}", fromlist=["_"]))
    tree = ast.parse(source)
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not used & CAUSE_NAMES, f"{module} names the generator's cause"
    # No hand-written list of column pairs: interactions come from the search.
    columns = set(factory.SHIFT_LOG_COLUMNS + factory.MES_COLUMNS) | {"night"}

    def is_pair(node):
        values = [e.value for e in getattr(node, "elts", ()) if isinstance(e, ast.Constant)]
        return len(values) == 2 == len(node.elts) and set(values) <= columns

    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List) and node.elts:
            assert not all(is_pair(e) for e in node.elts), f"{module}: a list of pairs"
    for gone in ("INTERACTIONS", "SHIFT_LOG_INTERACTIONS", "MES_INTERACTIONS"):
        assert not hasattr(poc, gone)
