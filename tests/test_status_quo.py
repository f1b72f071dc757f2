import pandas as pd
import pytest

from pocmvp.case import factory, status_quo


def test_every_nth_part_uses_the_capacity(shift_log):
    tested = status_quo.every_nth_part(shift_log)
    share = tested.groupby(factory.month_of(shift_log)).mean()
    assert share.between(0.045, 0.0505).all()


def test_every_part_is_accounted_for(shift_log):
    tested = status_quo.every_nth_part(shift_log)
    table = status_quo.monthly_outcome(shift_log, tested)
    assert table["parts"].sum() == len(shift_log)
    assert (table["caught"] + table["shipped_defects"] == table["defects"]).all()
    assert (table["caught"] + table["false_alarms"] == table["tested"]).all()


def test_testing_every_part_ships_nothing(shift_log):
    everything = pd.Series(True, index=shift_log.index)
    table = status_quo.monthly_outcome(shift_log, everything)
    assert table["shipped_defects"].sum() == 0
    assert table["catch_rate"].eq(1).all()


def test_misaligned_selection_is_refused(shift_log):
    tested = status_quo.every_nth_part(shift_log).iloc[1:]
    with pytest.raises(ValueError, match="indexed like the shift log"):
        status_quo.monthly_outcome(shift_log, tested)


def test_baseline_cost_follows_the_price_of_a_return(shift_log):
    cheap = status_quo.baseline(shift_log, status_quo.PlantEconomics(cost_per_shipped_defect=100))
    dear = status_quo.baseline(shift_log, status_quo.PlantEconomics(cost_per_shipped_defect=200))
    assert dear.cost_per_year == pytest.approx(2 * cheap.cost_per_year)
    assert cheap.cost_per_month == pytest.approx(100 * cheap.shipped_defects_per_month)
    assert abs(cheap.catch_rate - 0.05) < 0.02


def test_capacity_rounds_down():
    assert status_quo.PlantEconomics(inspection_capacity_share=0.05).capacity(1_999) == 99
