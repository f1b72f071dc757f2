import pytest

from pocmvp.case import bill, upkeep
from pocmvp.case import business_case as bc


def test_the_chance_of_shipping_falls_with_every_change():
    assert bc.chance_of_shipping(0, 0, first=True) == bc.CHANCE_ANY_PROJECT_SHIPS
    assert bc.chance_of_shipping(1, 0, first=False) == bc.CHANCE_PER_SYSTEM_CHANGED
    assert bc.chance_of_shipping(3, 1, first=True) < bc.chance_of_shipping(1, 0, first=True)
    assert (
        bc.chance_of_shipping(bill.systems_changed(), bill.departments_retrained(), first=True)
        == bc.POC_CHANCE_OF_SHIPPING
    )
    with pytest.raises(ValueError, match="systems_changed"):
        bc.chance_of_shipping(-1, 0, first=True)


def test_the_mvp_goes_live_in_about_a_week_changes_no_system_and_costs_its_upkeep():
    mvp = bc.mvp_step(5_000.0)
    assert 0.1 < mvp.months_to_go_live <= 0.25
    assert mvp.systems_changed == () and bc.systems_changed(bc.MVP_TASKS) == []
    assert mvp.one_off_cost == pytest.approx(sum(t.person_days for t in bc.MVP_TASKS) * bc.DAY_RATE)
    hours = upkeep.mvp_hours_per_month()
    assert mvp.running_cost_per_month == pytest.approx(hours / bc.HOURS_PER_DAY * bc.DAY_RATE)
    assert bc.break_even_month(bc.mvp_only(5_000.0)) <= 2


def test_poc_first_is_the_production_bill():
    poc_step = bc.poc_first(8_000.0).steps[0]
    assert poc_step.months_to_go_live == bill.months_to_go_live()
    assert poc_step.one_off_cost == bill.one_off_cost()
    assert poc_step.running_cost_per_month == bill.running_cost_per_month()
    assert len(poc_step.systems_changed) == bill.systems_changed()
    assert poc_step.people_retrained == sum(r.headcount for r in bill.RETRAINING)
    assert poc_step.chance_of_shipping == bc.POC_CHANCE_OF_SHIPPING
    faster = bc.poc_first(8_000.0, months_to_go_live=2.0, chance=1.0).steps[0]
    assert (faster.months_to_go_live, faster.chance_of_shipping) == (2.0, 1.0)


def test_a_model_step_does_not_build_a_system_twice():
    mes_step = bc.THEN_THE_MODEL[1]
    alone = bc.model_step(mes_step, 8_000.0)
    after = bc.model_step(mes_step, 8_000.0, built={"scoring job"})
    assert set(alone.systems_changed) == {"scoring job", "MES data feed"}
    assert after.systems_changed == ("MES data feed",)
    assert after.one_off_cost == bill.one_off_cost(
        tuple(c for c in bill.CHANGES if c.system == "MES data feed"), ()
    )
    assert after.one_off_cost < alone.one_off_cost
    assert after.chance_of_shipping > alone.chance_of_shipping
    assert len(bc.model_systems()) < bill.systems_changed()


def test_costs_can_be_scaled_away():
    free = bc.mvp_only(5_000.0, cost_scale=0.0)
    assert free.steps[0].one_off_cost == 0 and free.steps[0].running_cost_per_month == 0
    with pytest.raises(ValueError, match="cost_scale"):
        bc.scaled_costs(bc.mvp_step(5_000.0), -1.0)


def test_the_cheap_poc_skips_the_station_software_and_the_retraining():
    cheap = bc.poc_cheap(8_000.0).steps[0]
    whole = bc.poc_first(8_000.0).steps[0]
    assert set(cheap.systems_changed) == {"MES data feed", "scoring job"}
    assert cheap.people_retrained == 0 < whole.people_retrained
    assert cheap.months_to_go_live < whole.months_to_go_live
    assert cheap.one_off_cost < whole.one_off_cost
    assert whole.chance_of_shipping < cheap.chance_of_shipping < bc.MVP_CHANCE_OF_SHIPPING
    assert cheap.one_off_cost == bill.one_off_cost(bc.CHEAPEST_POC_PATH, ())
