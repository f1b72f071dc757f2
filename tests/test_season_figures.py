import matplotlib
import pytest

from pocmvp.case.season import figures, findings
from pocmvp.case.season import people as staff
from pocmvp.machinery.display import PALETTE


@pytest.fixture(scope="module")
def default():
    return findings.findings(2026)


@pytest.fixture
def close_figures():
    yield
    matplotlib.pyplot.close("all")


def test_pictures_have_palette_colours_and_computed_alt_text(default, close_figures):
    fig, alt = figures.plot_recurring(default.weekly)
    colours = {matplotlib.colors.to_hex(line.get_color()) for line in fig.axes[0].lines}
    assert colours == {PALETTE["mvp"].lower(), PALETTE["status_quo"].lower(), "#000000"}
    assert "most at the end: one team" in fig.axes[0].get_title()
    first = default.quarters.loc[staff.ONE_TEAM, "first quarter"]
    assert f"{first:.1f} a week in the first 6 weeks" in alt
    fig, alt = figures.plot_load(default.designs)
    assert f"{int(default.designs.loc[staff.ONE_TEAM, 'loaded_person_weeks'])} person-weeks" in alt
    assert len(fig.axes) == 2 and all(ax.get_ylabel() for ax in fig.axes)
    fig, alt = figures.plot_sizes(default.sizes)
    assert alt.count("at ") >= 3 and "15 people" in alt
    fig, alt = figures.plot_water_line(default.water_line)
    assert fig.axes[0].get_title() == "The water line takes routine questions off the team"
    assert "with it" in alt and "without it" in alt


def test_titles_name_ties_and_never_claim_more_than_the_table(default, close_figures):
    designs = default.designs.copy()
    designs["loaded_share"] = 0.1
    fig, _ = figures.plot_load(designs)
    assert fig._suptitle.get_text() == (
        "Fewest loaded weeks: one team and rotation and three groups; "
        "most: one team and rotation and three groups"
    )
    flat = default.weekly.copy()
    flat[:] = 2
    fig, _ = figures.plot_recurring(flat)
    assert fig.axes[0].get_title() == "Recurring fires over the season"
    water = default.water_line.copy()
    water["routine_hours"] = 100.0
    fig, _ = figures.plot_water_line(water)
    assert fig.axes[0].get_title() == "Routine questions without and with the water line"
