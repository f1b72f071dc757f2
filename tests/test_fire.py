from dataclasses import replace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from pocmvp.case import fire
from pocmvp.machinery.display import PALETTE

SEEDS = [*range(10), 2026]


@pytest.fixture(scope="module")
def tables() -> dict[int, pd.DataFrame]:
    return {seed: fire.compare_designs(seed=seed) for seed in SEEDS}


@pytest.fixture
def close_figures():
    yield
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("seed", SEEDS)
def test_three_groups_answer_fires_faster_and_build_more(tables, seed):
    one, three = tables[seed].loc[fire.ONE_TEAM], tables[seed].loc[fire.THREE_GROUPS]
    assert three["fire_response_median_h"] < one["fire_response_median_h"]
    assert three["long_term_hours"] > one["long_term_hours"]
    assert three["recurring_fires_second_half"] < one["recurring_fires_second_half"]
    assert three["switching_hours"] < one["switching_hours"], "one team thrashes"


def test_the_slowest_fires_are_faster_too(tables):
    p90 = pd.DataFrame({seed: table["fire_response_p90_h"] for seed, table in tables.items()})
    assert (p90.loc[fire.THREE_GROUPS] < p90.loc[fire.ONE_TEAM]).mean() >= 0.9
    assert p90.loc[fire.THREE_GROUPS].mean() < p90.loc[fire.ONE_TEAM].mean()


def test_the_table_has_the_figures_chapter_7_needs(tables):
    table = tables[2026]
    assert list(table.index) == list(fire.DESIGNS)
    assert table.index.name == "design"
    for column in (
        "fire_response_median_h",
        "fire_response_p90_h",
        "long_term_hours",
        "fixes_shipped",
        "tools_shipped",
        "fires_per_week_start",
        "fires_per_week_end",
    ):
        assert table[column].notna().all(), column
    assert (table["fires_per_week_end"] < table["fires_per_week_start"]).all()
    assert table["questions"].nunique() == 1, "both designs see the same questions"


def test_same_seed_same_season_other_seed_other_season(tables):
    pd.testing.assert_frame_equal(fire.compare_designs(seed=2026), tables[2026])
    assert not tables[0].equals(tables[1])


def test_without_refocus_costs_one_team_builds_more():
    """The result is not assumed: it turns on what an interruption costs."""
    table = fire.sweep("refocus_hours", [0.0, 1.5])
    hours = table["long_term_hours"].unstack("design")
    assert hours.loc[0.0, fire.ONE_TEAM] > hours.loc[0.0, fire.THREE_GROUPS]
    assert hours.loc[1.5, fire.ONE_TEAM] < hours.loc[1.5, fire.THREE_GROUPS]
    assert table.index.names == ["refocus_hours", "design"]


def test_a_quiet_season_is_all_long_term_work():
    season = fire.Season(weeks=4, fires_per_week=0, questions_per_week=0)
    for design in fire.DESIGNS:
        result = fire.simulate(design, season, seed=1)
        assert result.fires.empty and result.questions.empty
        assert result.switching_hours == 0
        assert result.long_term_hours == pytest.approx(season.people * 4 * 40)
        summary = fire.summarise(result)
        assert np.isnan(summary["fire_response_median_h"])


def test_every_fire_is_answered_and_fixes_make_fires_rarer():
    result = fire.simulate(fire.THREE_GROUPS, fire.Season(), seed=3)
    started = result.fires[result.fires["started"]]
    assert started["out_after_h"].notna().all() and (started["out_after_h"] > 0).all()
    assert np.all(np.diff(result.fires["arrived_h"]) >= 0)
    first, last = np.histogram(started["arrived_h"], bins=[0, 160, 880, 1040])[0][[0, 2]]
    assert last < first, "fewer fires in the last four weeks than in the first four"
    no_fixes = fire.Season(fix_effect=0.0)
    result = fire.simulate(fire.THREE_GROUPS, no_fixes, seed=3)
    assert fire.summarise(result)["fires_per_week_end"] == no_fixes.fires_per_week
    assert result.fires["started"].all()


def test_one_offs_stay_whatever_is_fixed():
    season = fire.Season(fix_effect=1.0, fix_hours=8, tool_hours=8)
    summary = fire.summarise(fire.simulate(fire.THREE_GROUPS, season, seed=1))
    assert summary["fires_per_week_end"] == pytest.approx(season.fires_per_week * 0.2)


@pytest.mark.parametrize("people", range(3, 13))
def test_groups_use_everyone(people):
    groups = fire.Season(people=people).groups()
    assert sum(groups.values()) == people
    assert min(groups.values()) >= 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="at least 3 people"):
        fire.Season(people=2)
    with pytest.raises(ValueError, match="at least one week"):
        fire.Season(weeks=0)
    with pytest.raises(ValueError, match="design must be one of"):
        fire.simulate("two teams")
    with pytest.raises(ValueError, match="not a Season parameter"):
        fire.sweep("coffee", [1])


def test_weeks_and_people_arguments_win_over_the_season():
    table = fire.compare_designs(seed=1, weeks=8, people=9, season=replace(fire.Season(), weeks=2))
    quiet = fire.compare_designs(seed=1, weeks=8, people=9)
    pd.testing.assert_frame_equal(table, quiet)
    assert table["questions"].iloc[0] < fire.compare_designs(seed=1)["questions"].iloc[0]


def test_plot_has_three_panels_palette_colours_and_alt_text(tables, close_figures):
    figure, alt = fire.plot_designs(tables[2026])
    assert len(figure.axes) == 3
    assert figure._suptitle.get_text() == "Three groups answer fires faster and still build more"
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in figure.axes[1].patches}
    assert colours == {PALETTE["status_quo"].lower(), PALETTE["mvp"].lower()}
    for ax in figure.axes:
        assert ax.get_ylabel() and ax.get_title()
    one = tables[2026].loc[fire.ONE_TEAM]
    assert f"{one['fire_response_median_h']:.1f} hours at the median" in alt
    assert f"{int(one['fixes_shipped'])} durable fixes" in alt
    assert alt.startswith("Three bar charts")
    assert "would-be fires" in alt


def test_plot_title_never_claims_more_than_the_table(close_figures):
    table = fire.sweep("refocus_hours", [0.0]).droplevel("refocus_hours")
    figure, _ = fire.plot_designs(table)
    assert figure._suptitle.get_text() == "Three groups answer fires faster, but build less"


@pytest.mark.parametrize("seed", SEEDS)
def test_both_designs_face_the_same_requests(tables, seed):
    table = tables[seed]
    assert table["fire_requests"].nunique() == 1 and table["questions"].nunique() == 1
    for design in fire.DESIGNS:
        row = table.loc[design]
        assert row["fires"] + row["fires_prevented"] == row["fire_requests"]
    three, one = table.loc[fire.THREE_GROUPS], table.loc[fire.ONE_TEAM]
    assert three["fires_prevented"] >= one["fires_prevented"], "more fixes prevent more fires"
