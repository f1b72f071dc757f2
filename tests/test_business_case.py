import pytest

from pocmvp import business_case as bc


def option(**changes):
    base = dict(
        name="x",
        monthly_saving=10_000.0,
        months_to_go_live=2.0,
        one_off_cost=20_000.0,
        running_cost_per_month=1_000.0,
        chance_of_shipping=1.0,
    )
    return bc.Option(**{**base, **changes})


def test_saving_is_fewer_shipped_defects_times_return_cost():
    assert bc.monthly_saving(200, 170, 250.0) == 7_500.0


def test_cost_is_spent_while_building_and_value_comes_after():
    values = bc.monthly_value(option())
    assert list(values.iloc[:2]) == [-10_000.0, -10_000.0]
    assert (values.iloc[2:] == 9_000.0).all()
    assert bc.cumulative_value(option()).iloc[-1] == pytest.approx(-20_000 + 10 * 9_000)


def test_a_week_to_go_live_loses_a_quarter_of_the_first_month():
    fast = option(months_to_go_live=0.25, one_off_cost=0.0, running_cost_per_month=0.0)
    assert bc.monthly_value(fast).iloc[0] == pytest.approx(7_500.0)


def test_chance_of_never_shipping_scales_benefit_not_build_cost():
    risky = option(chance_of_shipping=0.5)
    values = bc.monthly_value(risky)
    assert values.iloc[0] == -10_000.0
    assert values.iloc[5] == pytest.approx(4_500.0)


def test_break_even_month():
    assert bc.break_even_month(option()) == 5  # -20k, then +9k a month: positive in month 5
    assert bc.break_even_month(option(monthly_saving=0.0)) is None


def test_compare_has_one_row_per_option():
    table = bc.compare([option(name="a"), option(name="b", chance_of_shipping=0.4)])
    assert list(table.index) == ["a", "b"]
    net = table["expected net value over 12 months (€)"]
    assert net["a"] > net["b"]


@pytest.mark.parametrize("bad", [dict(chance_of_shipping=1.5), dict(months_to_go_live=-1)])
def test_impossible_options_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        option(**bad)


def test_lines_of_code_skip_blank_comments_and_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc\nstring."""\n\n# comment\nimport numpy\n\n\n'
        'def f():\n    """Doc."""\n    return 1\n'
    )
    assert bc.lines_of_code(module) == 3


def test_third_party_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nimport numpy as np\nfrom sklearn.ensemble import X\n"
        "from pocmvp import y\nfrom . import z\n"
    )
    assert bc.third_party_imports(module) == ["numpy", "sklearn"]


def test_mvp_goes_live_in_about_a_week_and_changes_no_system():
    mvp = bc.mvp_option(5_000.0)
    assert 0.1 < mvp.months_to_go_live <= 0.25
    assert bc.systems_changed(bc.MVP_TASKS) == []
    assert mvp.one_off_cost == pytest.approx(sum(t.person_days for t in bc.MVP_TASKS) * bc.DAY_RATE)
    assert bc.break_even_month(mvp) <= 2


def test_systems_changed_are_distinct():
    tasks = (bc.Task("a", 1, "MES"), bc.Task("b", 1, "MES"), bc.Task("c", 1, "station"))
    assert bc.systems_changed(tasks) == ["MES", "station"]


def test_lines_of_code_of_functions():
    def sample():
        """Doc."""
        # comment
        return 1

    assert bc.lines_of_code_of([sample]) == 2


def test_head_to_head_accounts_for_every_defect(shift_log):
    import pandas as pd

    from pocmvp import status_quo

    parts = shift_log.iloc[:3000]
    everything = pd.Series(True, index=parts.index)
    result = bc.head_to_head(
        parts,
        {"today": status_quo.every_nth_part(parts), "POC": everything, "MVP": everything},
        minutes_per_test=4.0,
    )
    assert result.table.loc["POC", "shipped_defects"] == 0
    assert result.reduction("POC") == 1.0 and result.share_of_promise == 1.0
    assert result.table.loc["MVP", "inspection_hours"] == 3000 * 4 / 60
    assert result.months == parts["cast_at"].dt.month.nunique()
