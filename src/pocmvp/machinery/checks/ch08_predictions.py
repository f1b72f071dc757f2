"""Chapter 8's predict-then-run questions, one per main section: what the returns feed
saves against engineering's other automations, what an accidental rerun of the water line
changes, which design has fewer recurring fires once the groups feed each other, and who
spends more weeks on work they do not enjoy, a rotation or a dedicated group."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import water_line
from pocmvp.case.season.findings import WITH_LOOP
from pocmvp.case.season.people import ONE_TEAM, ROTATION, THREE_GROUPS
from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, prediction

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


ABOUT_AS_MANY = 2
"""8.3: second-half recurring fires within this many of each other count as "about as many"."""


@prediction(
    "8.3",
    a="three groups, clearly",
    b="one team, clearly",
    c="about as many (within 2 fires)",
)
def fewer_recurring_fires(loop: pd.DataFrame) -> Verdict:
    second = loop["recurring_fires_second_half"]
    three, one = second[WITH_LOOP], second[ONE_TEAM]
    answer = "c" if abs(three - one) <= ABOUT_AS_MANY else "a" if three < one else "b"
    return Verdict(
        answer,
        f"In the season's second half three groups had {num(three)} recurring fires, one team "
        f"{num(one)}. Both fix causes, but one team fixes the cause of the latest fire, a "
        f"one-off perhaps ({num(loop.loc[ONE_TEAM, 'fixes_on_one_offs'])} of its fixes were), "
        "and builds between interruptions; preemption reads the fire log and fixes the "
        "cause that recurs most and costs most.",
    )


SAME_SHARE = 0.05
"""8.4: unenjoyed shares within 5 points of each other count as "about the same"."""


@prediction(
    "8.4",
    a="the rotation",
    b="the dedicated group",
    c="about the same (within 5 points)",
)
def more_weeks_unenjoyed(designs: pd.DataFrame) -> Verdict:
    share = designs["unenjoyed_share"]
    rota, dedicated = share[ROTATION], share[THREE_GROUPS]
    answer = "c" if abs(rota - dedicated) <= SAME_SHARE else "a" if rota > dedicated else "b"
    return Verdict(
        answer,
        f"The rotation spent {pct(rota, 0)} of person-weeks mostly on work the person does not "
        f"enjoy, the dedicated group {pct(dedicated, 0)}. A rota puts everyone on call in "
        f"turn: {num(designs.loc[ROTATION, 'reluctant_on_call_weeks'])} on-call weeks went to "
        "people who did not choose interrupt work. The dedicated group spares them, and "
        "puts every on-call week on those who did.",
    )
