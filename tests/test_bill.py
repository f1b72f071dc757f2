import dataclasses
import math

import pytest

from pocmvp.case import bill, factory, poc

QUICK_PARAMS = poc.STORED_PARAMS


@pytest.fixture(scope="module")
def model(fast_plant):
    return poc.train_poc(fast_plant, params=QUICK_PARAMS, show_progress=False)


def test_the_declared_lists_give_the_cases_totals():
    assert bill.systems_changed() == 3
    assert bill.departments_retrained() == 1
    expected = sum(
        c.weeks * c.people * bill.PERSON_WEEK_EUR + c.outside_cost_eur for c in bill.CHANGES
    ) + sum(r.headcount * r.days_each * r.cost_per_person_day_eur for r in bill.RETRAINING)
    assert bill.one_off_cost() == pytest.approx(expected)
    assert bill.running_cost_per_month() == sum(c.running_cost_per_month_eur for c in bill.CHANGES)


def test_every_item_starts_when_what_it_waits_for_is_done():
    plan = bill.schedule()
    assert len(plan) == len(bill.CHANGES) + len(bill.RETRAINING)
    for change in bill.CHANGES:
        for dependency in change.waits_for:
            assert plan.loc[change.system, "start_week"] >= plan.loc[dependency, "end_week"]
    assert (plan["end_week"] - plan["start_week"] == plan["weeks"]).all()
    # The station software waits for the model service, which waits for the MES feed.
    assert plan.loc["inspection station software", "start_week"] == pytest.approx(
        plan.loc["model service", "end_week"]
    )
    assert bill.months_to_go_live() == pytest.approx(bill.weeks_to_go_live() * 12 / 52)


def test_a_longer_change_on_the_critical_path_delays_going_live():
    feed, *rest = bill.CHANGES
    slower = (dataclasses.replace(feed, weeks=feed.weeks + 6), *rest)
    assert bill.weeks_to_go_live(slower) == bill.weeks_to_go_live() + 6


def test_a_parallel_change_adds_cost_but_not_time():
    audit = bill.SystemChange("audit log", "IT", "keep scores", 4, 1, 1_000, 50)
    more = (*bill.CHANGES, audit)
    assert bill.weeks_to_go_live(more) == bill.weeks_to_go_live()
    assert bill.systems_changed(more) == 4
    assert bill.one_off_cost(more) == bill.one_off_cost() + 4 * bill.PERSON_WEEK_EUR + 1_000
    assert bill.running_cost_per_month(more) == bill.running_cost_per_month() + 50


def test_unknown_and_circular_dependencies_are_refused():
    feed, service, station = bill.CHANGES
    with pytest.raises(ValueError, match="not a declared change"):
        bill.schedule((service, station))
    loop = (dataclasses.replace(feed, waits_for=("inspection station software",)), service, station)
    with pytest.raises(ValueError, match="circular"):
        bill.schedule(loop)


def test_declared_inputs_match_the_pocs_feature_groups_and_their_sources():
    declared = {i.group: i for i in bill.POC_INPUTS}
    assert set(declared) == set(poc.FEATURE_GROUPS)
    source = {f.name: f.source for f in factory.SHIFT_LOG_FIELDS + factory.MES_FIELDS}
    for group, columns in poc.FEATURE_GROUPS.items():
        item = declared[group]
        if group == poc.LEAK_GROUP:
            assert item.systems == (bill.INSPECTION_RECORDS,)
            assert not item.known_at_decision and item.unlocked_by is None
            continue
        assert {source[c] for c in columns} == set(item.systems), group
        # Anything read from the MES waits for the feed; the shift log is there today.
        assert item.known_at_decision == (bill.MES not in item.systems), group
        if not item.known_at_decision:
            assert item.unlocked_by in {c.system for c in bill.CHANGES}


def test_unavailable_features_are_the_mes_ones_and_the_leak(model, fast_plant):
    names = bill.unavailable_features(model)
    groups = model.feature_groups
    # The search may keep no MES pair on a small plant: then the group is absent.
    mes_groups = ("MES signals", "MES interactions", "shot physics", "anomaly score")
    assert set(names) == {name for group in mes_groups for name in groups.get(group, [])}
    leaky = poc.train_poc(fast_plant, with_leak=True, params=QUICK_PARAMS, show_progress=False)
    assert factory.LEAKING_FIELD in bill.unavailable_features(leaky)
    assert bill.unavailable_inputs()[-1] == poc.LEAK_GROUP


def test_a_feature_group_without_a_declared_source_is_refused(model):
    with pytest.raises(ValueError, match="no declared source"):
        bill.unavailable_features(model, bill.POC_INPUTS[1:])


def test_the_bill_adds_up(model):
    total = bill.production_bill(model, scoring_seconds_per_million=12.0)
    assert total.systems_changed == 3 and total.departments_retrained == 1
    assert total.people_retrained == 12 and total.engineers == 5
    assert total.features == len(model.feature_names)
    assert 0 < total.unavailable_feature_share < 1
    assert total.model_size_bytes == poc.model_size_bytes(model)
    assert total.scoring_seconds_per_million == 12.0
    saving = total.running_cost_per_month + 1_000
    assert total.payback_months(saving) == pytest.approx(total.one_off_cost / 1_000)
    assert math.isinf(total.payback_months(total.running_cost_per_month / 2))


def test_tables_list_every_item():
    assert len(bill.inputs_table()) == len(bill.POC_INPUTS)
    table = bill.changes_table()
    assert len(table) == len(bill.CHANGES) + len(bill.RETRAINING)
    assert table["one-off cost (€)"].sum() == pytest.approx(bill.one_off_cost())
