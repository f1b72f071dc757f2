"""The claims chapter 8 makes; see :mod:`pocmvp.case.story`.

Chapter 8 replays chapter 7's December, then counts what engineering's automations save,
sends every part of December through the water line to the shift leads' sheet, and runs a
season of unplanned requests for one team and for three groups of the same people.
"""

from __future__ import annotations

import math

from pocmvp.case import engineering, factory, fire, firefighting, water_line
from pocmvp.case.story.claims import Band, Claim, Story


def _december(story: Story) -> firefighting.December:
    # The same key as chapter 7's claims: one replay per story.
    return story.shared("ch07.december", lambda: firefighting.replay(story.shift_log, story.seed))


def engineering_hours_saved(story: Story) -> float:
    """Hours of people's time a month that engineering's automations save, in all."""
    return float(engineering.engineering_table().loc["total", "hours_saved_per_month"])


def water_line_delivers_every_part(story: Story) -> float:
    """December's rows in the shift leads' sheet over December's parts cast."""
    in_month = factory.month_of(story.shift_log) == factory.FIRE_MONTH
    flags = _december(story).patched_flags
    flow = water_line.water_line(story.shift_log, flags, factory.FIRE_MONTH)
    return float(flow["rows"].sum() / in_month.sum())


def _season(story: Story):
    return story.shared("ch08.season", lambda: fire.compare_designs(seed=story.seed))


def three_groups_faster_h(story: Story) -> float:
    """One team's median hours until a fire is out minus three groups'."""
    table = _season(story)
    return float(
        table.loc[fire.ONE_TEAM, "fire_response_median_h"]
        - table.loc[fire.THREE_GROUPS, "fire_response_median_h"]
    )


def three_groups_long_term_ratio(story: Story) -> float:
    """Three groups' long-term hours over one team's."""
    table = _season(story)
    return float(
        table.loc[fire.THREE_GROUPS, "long_term_hours"]
        / table.loc[fire.ONE_TEAM, "long_term_hours"]
    )


def same_requests(story: Story) -> float:
    """1 if both designs faced the same would-be fires and questions."""
    table = _season(story)
    return float(table["fire_requests"].nunique() == 1 and table["questions"].nunique() == 1)


CLAIMS = (
    Claim(
        "ch08.engineering_hours_saved",
        8,
        "engineering's automations save people's hours every month",
        engineering_hours_saved,
        Band(1, 1_000),
    ),
    Claim(
        "ch08.water_line_delivers_every_part",
        8,
        "the water line writes every part cast in December into the shift leads' sheet",
        water_line_delivers_every_part,
        Band(1, 1),
    ),
    Claim(
        "ch08.three_groups_faster_h",
        8,
        "three groups put fires out faster than one team",
        three_groups_faster_h,
        Band(0, math.inf),
    ),
    Claim(
        "ch08.three_groups_long_term_ratio",
        8,
        "and still do more long-term work",
        three_groups_long_term_ratio,
        Band(1, math.inf),
    ),
    Claim(
        "ch08.same_requests",
        8,
        "both designs face exactly the same requests",
        same_requests,
        Band(1, 1),
    ),
)
