"""Chapter 8's predict-then-run questions, one per main section: what the returns feed
saves against engineering's other automations, what an accidental rerun of the water line
changes, and how three groups fare against one team."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import fire, water_line
from pocmvp.machinery.display import num
from pocmvp.machinery.predictions import Verdict, direction, prediction

RETURNS_FEED = "returns feed"
"""The automation the question asks about (a row of engineering's table)."""

SAME_HOURS = 0.1
"""The returns feed saves "about as many" hours as each other automation within this share."""


@prediction(
    "8.1",
    a="more hours than most of the others",
    b="fewer hours than most of the others",
    c="about as many as each of the others",
)
def returns_feed_hours(engineering: pd.DataFrame) -> Verdict:
    saved = engineering["hours_saved_per_month"].drop("total")
    feed = saved[RETURNS_FEED]
    others = saved.drop(RETURNS_FEED)
    if ((others - feed).abs() <= SAME_HOURS * feed).all():
        answer = "c"
    else:
        answer = "a" if (others < feed).sum() > len(others) / 2 else "b"
    more = int((others > feed).sum())
    return Verdict(
        answer,
        f"The returns feed saves {feed:.2f} hours a month; {more} of the other "
        f"{len(others)} automations save more. Its worth is not in hours: it cuts the wait "
        f"for a return from up to {engineering.loc[RETURNS_FEED, 'lead_time_days_before']:.0f} "
        f"days to {engineering.loc[RETURNS_FEED, 'lead_time_days_after']:.0f}, and a check "
        "is only as fast as the returns it can see. Judge engineering's list by lead times "
        "as well as hours.",
    )


@prediction(
    "8.2",
    a="none: it adds and changes nothing",
    b="a few rows",
    c="every row of the day again",
)
def rerun(rerun: water_line.WriteBack, patched: water_line.WriteBack) -> Verdict:
    touched = rerun.added + rerun.updated
    answer = "a" if touched == 0 else "c" if touched >= rerun.received else "b"
    return Verdict(
        answer,
        f"The rerun received {num(rerun.received)} rows and added {num(rerun.added)}, "
        f"updated {num(rerun.updated)}, left {num(rerun.unchanged)} as they were. Each row "
        "is keyed by its part id and written only if its flag or version differs, so a job "
        "run twice does no harm; the run before it, with the patch, changed "
        f"{num(patched.flags_changed)} flags in place.",
    )


@prediction(
    "8.3",
    a="one team, on both",
    b="three groups, on both",
    c="each design wins one of the two",
)
def one_team_or_three_groups(designs: pd.DataFrame) -> Verdict:
    one, three = designs.loc[fire.ONE_TEAM], designs.loc[fire.THREE_GROUPS]
    faster = three["fire_response_median_h"] < one["fire_response_median_h"]
    more = three["long_term_hours"] > one["long_term_hours"]
    slower = three["fire_response_median_h"] > one["fire_response_median_h"]
    less = three["long_term_hours"] < one["long_term_hours"]
    answer = "b" if faster and more else "a" if slower and less else "c"
    return Verdict(
        answer,
        f"Three groups put a fire out in {three['fire_response_median_h']:.1f} hours at the "
        f"median (one team: {one['fire_response_median_h']:.1f}) and did "
        f"{num(three['long_term_hours'])} hours of long-term work, "
        f"{direction(three['long_term_hours'], one['long_term_hours'], 'more', 'less', 'as much')}"
        f" than one team's {num(one['long_term_hours'])}. Rapid response is never more than "
        "a short slice from a fire, and the others' deep work is no longer interrupted: "
        f"one team lost {num(one['switching_hours'])} hours to switching, three groups "
        f"{num(three['switching_hours'])}.",
    )
