"""Stage 2 of the supplier-change month: rapid response's patch, judged at capacity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, rapid_response
from pocmvp.case.detection import CHANGE_DATE


def test_known_outcomes_are_what_was_known_that_morning(fast_december):
    log, tested, seen = fast_december["log"], fast_december["tested"], fast_december["seen"]
    on = fast_december["alarm_on"]
    known = rapid_response.known_outcomes(log, tested, seen, on)
    assert known["cast_at"].max() < on and len(known) == (log["cast_at"] < on).sum()
    truth = log.loc[known.index, "defect"]
    assert (known["defect"] <= truth).all(), "a part is never known defective when it is good"
    assert known["defect"].sum() < truth.sum(), "returns still out count as good"
    caught = tested[known.index] & truth
    assert known["defect"][caught].all(), "every X-ray result is known"
    new = rapid_response.new_supplier_outcomes(log, tested, seen, on)
    assert (new["supplier"] == factory.SUPPLIER_AFTER).all()
    assert new["cast_at"].min() >= CHANGE_DATE


def test_the_patch_fits_the_capacity_on_what_it_learnt_from(fast_december):
    log, fitted = fast_december["log"], fast_december["patch"]
    learnt_on = rapid_response.new_supplier_outcomes(
        log, fast_december["tested"], fast_december["seen"], fast_december["alarm_on"]
    )
    assert fitted.flag(learnt_on).sum() <= np.floor(0.05 * len(learnt_on))


def test_no_patch_before_any_new_outcome_is_known(fast_december):
    with pytest.raises(ValueError, match="no NordAlloy defects are known"):
        rapid_response.find_patch(
            fast_december["log"], fast_december["tested"], fast_december["seen"], CHANGE_DATE
        )


def test_hand_over_switches_on_the_day_for_the_new_supplier_only():
    log = pd.DataFrame(
        {
            "cast_at": pd.to_datetime(["2025-12-14", "2025-12-15", "2025-12-15", "2025-12-16"]),
            "supplier": ["NordAlloy", "NordAlloy", "Alucast", "NordAlloy"],
        },
        index=[10, 11, 12, 13],
    )
    before = pd.Series([False, False, False, False], index=log.index)
    after = pd.Series([True, True, True, True], index=log.index)
    day = pd.Timestamp("2025-12-15")
    assert rapid_response.hand_over(log, before, after, day).tolist() == [False, True, False, True]
    everyone = rapid_response.hand_over(log, before, after, day, supplier=None)
    assert everyone.tolist() == [False, True, True, True]
    with pytest.raises(ValueError, match="indexed like the shift log"):
        rapid_response.hand_over(log, before.reset_index(drop=True), after, day)


def test_compare_at_capacity_counts_add_up_and_never_exceed_the_capacity(fast_december):
    log, day = fast_december["log"], fast_december["day"]
    patched = rapid_response.hand_over(
        log, fast_december["flags"], fast_december["patch"].flag(log), day
    )
    everything = pd.Series(True, index=log.index)
    table = rapid_response.compare_at_capacity(
        log, {"rule": fast_december["flags"], "patch": patched, "everything": everything}, day
    )
    assert list(table.index) == ["rule", "patch", "everything"]
    assert (table["tested"] <= table["capacity"]).all()
    assert table.loc["everything", "tested"] == table.loc["everything", "capacity"]
    assert (table["caught"] + table["shipped_defects"] == table["defects"]).all()
    assert (table["caught"] + table["false_alarms"] == table["tested"]).all()
    assert (table["cost_of_shipped_defects"] == 250 * table["shipped_defects"]).all()
    with pytest.raises(ValueError, match="indexed like the shift log"):
        rapid_response.compare_at_capacity(log, {"x": patched.set_axis(patched.index + 1)}, day)


def test_defect_rate_by_melt_counts_every_part_with_a_reading(fast_december):
    known = rapid_response.known_outcomes(
        fast_december["log"],
        fast_december["tested"],
        fast_december["seen"],
        fast_december["alarm_on"],
    )
    table = rapid_response.defect_rate_by_melt(known)
    assert table[("parts", "Alucast")].sum() + table[("parts", "NordAlloy")].sum() == (
        known["melt_temp_c"].notna().sum()
    )
    everything = rapid_response.defect_rate_by_melt(fast_december["log"])
    coldest = everything.index[0]
    assert (
        everything.loc[coldest, ("defect_rate", "NordAlloy")]
        > everything.loc[coldest, ("defect_rate", "Alucast")]
    ), "looking back, the new alloy's defects are at the cold end"
