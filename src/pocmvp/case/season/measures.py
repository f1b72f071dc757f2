"""What a season achieved: the summary of one run, recurring fires week by week, the load
measure, the team sizes and the water line, each as one tidy table.

**The load measure.** A person-week is *loaded* when its person was pulled off long-term
work by a request more than :attr:`Season.interruptions_over` times (on-call chores do not
count: they are meant to be put down; a two-hatted person's durable fix does). Beside it:
the share of person-weeks spent mostly on work the person does not enjoy, and the on-call
weeks served by people who did not choose interrupt work. The essay the chapter teaches
(*Is your data team stuck fighting fires? Maybe they should be*, Towards Data Science)
claims that people who enjoy firefighting should do it; these measures show what a design
asks of people who do not.

Their limits: an interruption is counted, not felt (a two-minute question and a four-hour
fire count the same); preference is one yes-or-no per person and never changes; nobody
gets faster or slower with enjoyment, practice or fatigue; a week on call is counted as
enjoyed by whoever likes interrupts however heavy it is, so the measures cannot see the
burnout of a willing firefighter; and the threshold is a choice.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import CAUSES, ONE_OFF, ONE_OFF_SHARE, Season, scaled_for
from pocmvp.case.season.simulate import FIX, TOOL, Run, simulate

SIZES = (3, 6, 15)
"""A start-up's data person and two colleagues, a medium team, a larger company's team."""


def fires_per_week_end(run: Run) -> float:
    """The expected fire rate once the season's durable fixes are in (one-offs stay)."""
    fixed = {name for kind, name in _shipped(run) if kind == FIX}
    season = run.season
    left = ONE_OFF_SHARE + sum(
        c.share * ((1 - season.fix_effect) if c.name in fixed else 1.0) for c in CAUSES
    )
    total = ONE_OFF_SHARE + sum(c.share for c in CAUSES)
    return season.fires_per_week * left / total


def _shipped(run: Run) -> list[tuple[str, str]]:
    """(kind, name) of each thing the run shipped, in order."""
    return list(zip(run.shipped["kind"].tolist(), run.shipped["name"].tolist(), strict=True))


def summarise(run: Run) -> dict:
    """One run's season in the figures the chapter compares.

    Counted on the tables' arrays (a run is summarised for several tables, and a pandas
    operation on these small tables costs more than the figure it gives); the medians and
    sums are pandas' own, on the same values."""
    fires, questions, weeks = run.fires, run.questions, run.person_weeks
    started = fires["started"].to_numpy(dtype=bool)
    out = fires["out_after_h"][started]
    half = run.season.weeks // 2
    interruptions = weeks["interruptions"].to_numpy()
    loaded = interruptions > run.season.interruptions_over
    on_call = (weeks["role"] == staff.RAPID).to_numpy(dtype=bool)
    enjoys_interrupts = weeks["enjoys_interrupts"].to_numpy(dtype=bool)
    unenjoyed = [
        not staff.enjoys(staff.Person(0, bool(e)), i, lt)
        for e, i, lt in zip(
            enjoys_interrupts.tolist(),
            weeks["interrupt_hours"].tolist(),
            weeks["long_term_hours"].tolist(),
            strict=True,
        )
    ]
    shipped = _shipped(run)
    fixes = [name for kind, name in shipped if kind == FIX]
    recurring = fires["recurring"].to_numpy(dtype=bool) & started
    second_half = fires["week"].to_numpy() >= half
    routine = questions["routine"].to_numpy(dtype=bool)
    question_hours = questions["hours"].to_numpy(dtype=float)
    person = weeks["person"].to_numpy()
    return {
        "fire_requests": len(fires),
        "fires_prevented": int((~started).sum()),
        "fires": int(started.sum()),
        "questions": len(questions),
        "fire_response_median_h": float(out.median()) if len(out) else np.nan,
        "fire_response_p90_h": float(out.quantile(0.9)) if len(out) else np.nan,
        "long_term_hours": run.long_term_hours,
        # A durable fix removes a recurring cause; one aimed at a one-off removes nothing.
        "fixes_shipped": sum(name != ONE_OFF for name in fixes),
        "fixes_on_one_offs": sum(name == ONE_OFF for name in fixes),
        "tools_shipped": sum(kind == TOOL for kind, _ in shipped),
        "switching_hours": run.switching_hours,
        "fires_per_week_start": run.season.fires_per_week,
        "fires_per_week_end": fires_per_week_end(run),
        "recurring_fires": int(recurring.sum()),
        "recurring_fires_second_half": int((recurring & second_half).sum()),
        "loaded_person_weeks": int(loaded.sum()),
        "loaded_share": float(loaded.mean()),
        "unenjoyed_share": float(np.mean(unenjoyed)),
        "reluctant_on_call_weeks": int((on_call & ~enjoys_interrupts).sum()),
        "most_on_call_weeks": int(np.bincount(person[on_call], minlength=person.max() + 1).max()),
        "fire_hours": float(np.nansum(fires["hours"].to_numpy(dtype=float))),
        "routine_hours": float(np.nansum(question_hours[routine])),
        "other_question_hours": float(np.nansum(question_hours[~routine])),
        "answered_by_water_line": int(questions["by_water_line"].to_numpy(dtype=bool).sum()),
    }


def table(runs: dict[str, Run]) -> pd.DataFrame:
    """One row per labelled run, the columns of :func:`summarise`."""
    rows = {label: summarise(run) for label, run in runs.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("design")


NOTHING_FIXED = "if nothing were fixed"
WITH_LOOP = "three groups, with the loop"
WITHOUT_LOOP = "three groups, without the loop"


def weekly_recurring(runs: dict[str, Run]) -> pd.DataFrame:
    """Recurring fires that started, week by week: one column per labelled run, and
    :data:`NOTHING_FIXED`, the recurring would-be fires of the stream (the same for every
    run): what a team that never fixed anything would face. Early weeks have few recurring
    fires in any column, as most causes have not been seen yet."""
    first = next(iter(runs.values()))
    would_be = first.fires[first.fires["recurring"]].groupby("week").size()
    columns = {NOTHING_FIXED: would_be.reindex(range(first.season.weeks), fill_value=0)}
    for label, run in runs.items():
        fires = run.fires[run.fires["started"] & run.fires["recurring"]]
        counts = fires.groupby("week").size()
        columns[label] = counts.reindex(range(run.season.weeks), fill_value=0)
    return pd.DataFrame(columns).rename_axis("week")


def quarter_means(weekly: pd.DataFrame) -> pd.DataFrame:
    """Mean recurring fires a week in the season's first and last quarter, per column."""
    quarter = max(1, len(weekly) // 4)
    return pd.DataFrame(
        {
            "first quarter": weekly.iloc[:quarter].mean(),
            "last quarter": weekly.iloc[-quarter:].mean(),
        }
    )


def loop_runs(season: Season, seed: int) -> dict[str, Run]:
    """The same requests three ways: three groups with the loop, three groups without it,
    and one team (which has none)."""
    return {
        WITH_LOOP: simulate(staff.THREE_GROUPS, season, seed, loop=True),
        WITHOUT_LOOP: simulate(staff.THREE_GROUPS, season, seed, loop=False),
        staff.ONE_TEAM: simulate(staff.ONE_TEAM, season, seed),
    }


def runner(seed: int, season: Season | None = None):
    """``run(design, people, loop=None, water_line=False)``: one season of ``people``
    (requests scaled to the team, :func:`~pocmvp.case.season.requests.scaled_for`),
    each combination simulated once and then remembered."""
    season = season or Season()
    memo: dict[tuple, Run] = {}

    def run(design: str, people: int, *, loop=None, water_line=False) -> Run:
        key = (design, people, loop, water_line)
        if key not in memo:
            sized = scaled_for(people, season)
            memo[key] = simulate(design, sized, seed, loop=loop, water_line=water_line)
        return memo[key]

    return run


def team_sizes(
    seed: int, weeks: int = 26, sizes=SIZES, season: Season | None = None, run=None
) -> pd.DataFrame:
    """Every design at every team size, requests growing with the team: one row per
    (size, design). ``run`` (from :func:`runner`) shares seasons with other tables.

    Columns: median hours until a fire is out, long-term hours per person, the loaded
    share of person-weeks, recurring fires per person, the unenjoyed share of
    person-weeks, the most on-call weeks one person served, and whether the on-call seat
    wears two hats at that size.
    """
    run = run or runner(seed, replace(season or Season(), weeks=weeks))
    rows = []
    for people in sizes:
        for design in staff.DESIGNS:
            s = summarise(run(design, people))
            rows.append(
                {
                    "people": people,
                    "design": design,
                    "fire_response_median_h": s["fire_response_median_h"],
                    "long_term_hours_per_person": s["long_term_hours"] / people,
                    "loaded_share": s["loaded_share"],
                    "recurring_fires_per_person": s["recurring_fires"] / people,
                    "unenjoyed_share": s["unenjoyed_share"],
                    "most_on_call_weeks": s["most_on_call_weeks"],
                    "two_hats": design != staff.ONE_TEAM and people <= Season().two_hats_up_to,
                }
            )
    return pd.DataFrame(rows).set_index(["people", "design"])


WATER_LINE_COLUMNS = (
    "routine_hours",
    "other_question_hours",
    "fire_hours",
    "answered_by_water_line",
    "long_term_hours",
)


def water_line(
    seed: int, season: Season | None = None, designs=staff.DESIGNS, run=None
) -> pd.DataFrame:
    """Each design without and with the water line: one row per (design, water line).

    Columns: hours on routine questions, on the other questions and on fires, routine
    questions the water line answered, and long-term hours. The water line touches only
    routine questions; fires change only as far as the hours it frees change the fixes.
    """
    season = season or Season()
    run = run or runner(seed, season)
    rows = []
    for design in designs:
        for on in (False, True):
            s = summarise(run(design, season.people, water_line=on))
            rows.append(
                {"design": design, "water_line": on} | {k: s[k] for k in WATER_LINE_COLUMNS}
            )
    return pd.DataFrame(rows).set_index(["design", "water_line"])
