"""Stage 4 of the supplier-change month: engineering's list, and what a selection is worth."""

from __future__ import annotations

import numpy as np
import pytest

from pocmvp.case import engineering, factory, status_quo, upkeep


def test_value_per_month_against_todays_sample(fast_december):
    log = fast_december["log"]
    today = status_quo.every_nth_part(log)
    assert engineering.value_per_month(log, today, factory.HELD_OUT_MONTHS) == 0
    value = engineering.value_per_month(log, fast_december["flags"], factory.HELD_OUT_MONTHS)
    assert value > 0
    with pytest.raises(ValueError, match="no parts were cast"):
        engineering.value_per_month(log, fast_december["flags"], ("2024-01",))


def test_engineering_totals_are_computed_from_the_list():
    table = engineering.engineering_table()
    items = upkeep.ENGINEERING_WORK
    assert list(table.index) == [a.name for a in items] + ["total"]
    assert table.loc["total", "hours_saved_per_month"] == pytest.approx(
        sum(a.hours_per_month_before - a.hours_per_month_after for a in items)
    )
    body = table.drop(index="total")
    assert (
        body["hours_saved_per_month"]
        == body["hours_per_month_before"] - body["hours_per_month_after"]
    ).all()
    assert (body["lead_time_cut_days"] >= 0).all()
    assert np.isnan(table.loc["total", "lead_time_cut_days"]), "lead times of different things"
    one = engineering.engineering_table(items[:1])
    assert one.loc["total", "hours_per_month_before"] == items[0].hours_per_month_before
