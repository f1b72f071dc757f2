"""Every figure chapter 8's simulation section quotes, and the checks its words rest on.

:func:`findings` runs every comparison once for one seed (the loop, the people, the team
sizes, the water line, free refocusing; 15 seasons, each run once and shared);
:func:`claim_checks` turns it into named checks with a direction word ("fall", "fewer",
"more") that can fail. ``story.ch08`` declares the same checks as the story's
claims.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from pocmvp.case.season import measures
from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import Season

WITH_LOOP, WITHOUT_LOOP = measures.WITH_LOOP, measures.WITHOUT_LOOP


def season_for(fast_mode: bool = False) -> Season:
    """The chapter's season. The fast mode keeps all 26 weeks: a season runs in a fraction
    of a second, and with half the weeks too few durable fixes land for recurring fires to
    fall on every seed (measured on seeds 1 to 20), so a shorter season would tell a
    different story rather than the same one faster."""
    return Season()


@dataclass
class Findings:
    """The tables and figures of one seed's comparisons (see :func:`findings`)."""

    seed: int
    season: Season
    designs: pd.DataFrame
    """Every design at the chapter's size (6 people), the columns of ``measures.summarise``."""
    loop: pd.DataFrame
    """Three groups with and without the loop, and one team: the same columns."""
    weekly: pd.DataFrame
    """Recurring fires a week for the three runs of ``loop``, and the stream's would-be
    recurring fires (``measures.NOTHING_FIXED``)."""
    quarters: pd.DataFrame
    sizes: pd.DataFrame
    water_line: pd.DataFrame
    no_refocus: pd.DataFrame
    """One team and three groups when getting back into deep work costs nothing."""
    figures: dict


def findings(seed: int = 2026, fast_mode: bool = False) -> Findings:
    """Every comparison of the chapter for one seed."""
    season = season_for(fast_mode)
    run = measures.runner(seed, season)
    size = season.people
    designs = measures.table({d: run(d, size) for d in staff.DESIGNS})
    loop_runs = {
        WITH_LOOP: run(staff.THREE_GROUPS, size),
        WITHOUT_LOOP: run(staff.THREE_GROUPS, size, loop=False),
        staff.ONE_TEAM: run(staff.ONE_TEAM, size),
    }
    weekly = measures.weekly_recurring(loop_runs)
    sizes = measures.team_sizes(seed, season.weeks, season=season, run=run)
    water = measures.water_line(seed, season, run=run)
    free = measures.runner(seed, replace(season, refocus_hours=0.0))
    no_refocus = measures.table({d: free(d, size) for d in (staff.ONE_TEAM, staff.THREE_GROUPS)})
    result = Findings(
        seed=seed,
        season=season,
        designs=designs,
        loop=measures.table(loop_runs),
        weekly=weekly,
        quarters=measures.quarter_means(weekly),
        sizes=sizes,
        water_line=water,
        no_refocus=no_refocus,
        figures={},
    )
    result.figures = _figures(result)
    return result


def _figures(f: Findings) -> dict:
    """The numbers the prose quotes, by name (plain floats and ints)."""
    one, rota, three = (
        f.designs.loc[d] for d in (staff.ONE_TEAM, staff.ROTATION, staff.THREE_GROUPS)
    )
    water = f.water_line.xs(staff.THREE_GROUPS)
    figures = {
        "recurring_second_half": f.loop["recurring_fires_second_half"].to_dict(),
        "recurring_first_quarter_per_week": f.quarters["first quarter"].to_dict(),
        "recurring_last_quarter_per_week": f.quarters["last quarter"].to_dict(),
        "loaded_person_weeks": f.designs["loaded_person_weeks"].to_dict(),
        "loaded_share": f.designs["loaded_share"].to_dict(),
        "unenjoyed_share": f.designs["unenjoyed_share"].to_dict(),
        "reluctant_on_call_weeks": f.designs["reluctant_on_call_weeks"].to_dict(),
        "most_on_call_weeks": f.designs["most_on_call_weeks"].to_dict(),
        "long_term_hours": f.designs["long_term_hours"].to_dict(),
        "fire_response_median_h": f.designs["fire_response_median_h"].to_dict(),
        "routine_hours": {str(k): v for k, v in water["routine_hours"].items()},
        "fire_hours": {str(k): v for k, v in water["fire_hours"].items()},
        "water_line_share": f.season.water_line_share,
        "people_who_enjoy_interrupts": round(f.season.interrupt_lovers_share * f.season.people),
        "people": f.season.people,
        "weeks": f.season.weeks,
    }
    figures["no_refocus_long_term_hours"] = f.no_refocus["long_term_hours"].to_dict()
    figures["three_groups_vs_one_team_long_term_ratio"] = (
        three["long_term_hours"] / one["long_term_hours"]
    )
    figures["rotation_unenjoyed_minus_dedicated"] = (
        rota["unenjoyed_share"] - three["unenjoyed_share"]
    )
    return figures


@dataclass(frozen=True)
class Check:
    """One sentence of the chapter as a check: what it says, the value, and whether it holds."""

    name: str
    says: str
    value: float
    holds: bool


def claim_checks(f: Findings) -> list[Check]:
    """The chapter's direction words as checks on one seed's findings (see
    ``story.ch08`` for the same checks over seeds 1 to 20)."""
    from pocmvp.case.story import ch08

    return [
        Check(c.name, c.says, value, c.band.holds(value))
        for c in ch08.SEASON_CLAIMS
        for value in [ch08.value_of(c.name, f)]
    ]
