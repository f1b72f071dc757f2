"""Fires: a season of unplanned requests, handled by one team or by three groups.

The names chapter 7 (and then chapter 8) has always called, kept in one place; the
simulation itself lives in the package :mod:`pocmvp.case.season`, one module per stage:
the request stream and its causes (:mod:`~pocmvp.case.season.requests`), the people and
their preferences (:mod:`~pocmvp.case.season.people`), the loop that makes the groups feed
each other (:mod:`~pocmvp.case.season.backlogs`), the event loop
(:mod:`~pocmvp.case.season.simulate`), the measures (:mod:`~pocmvp.case.season.measures`),
the pictures (:mod:`~pocmvp.case.season.figures`) and every figure the chapter quotes
(:mod:`~pocmvp.case.season.findings`).

Here :data:`DESIGNS` are the two designs chapter 7 compares; the rotation (an on-call rota
through everyone) is :data:`pocmvp.case.season.people.ROTATION`. Every design faces exactly
the same stream of requests (the same draws from ``numpy.random.default_rng(seed)``).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pocmvp.case.season.figures import DESIGN_COLOURS, plot_designs
from pocmvp.case.season.measures import summarise
from pocmvp.case.season.people import ONE_TEAM, ROTATION, THREE_GROUPS
from pocmvp.case.season.requests import Season
from pocmvp.case.season.simulate import Run, simulate

DESIGNS = (ONE_TEAM, THREE_GROUPS)
"""One team is how work is organised today; three groups is the essay's proposal."""

__all__ = [
    "DESIGNS",
    "DESIGN_COLOURS",
    "ONE_TEAM",
    "ROTATION",
    "THREE_GROUPS",
    "Run",
    "Season",
    "compare_designs",
    "plot_designs",
    "simulate",
    "summarise",
    "sweep",
]


def compare_designs(
    seed: int = 2026,
    weeks: int = 26,
    people: int = 6,
    season: Season | None = None,
    designs: tuple[str, ...] = DESIGNS,
) -> pd.DataFrame:
    """The designs on the same season of requests: one row per design.

    Columns: the would-be fires in the request stream (the same for all), those a durable
    fix prevented, the fires that started and were put out, the questions, median and
    90th-percentile hours from a fire's start until it is out, long-term hours worked,
    durable fixes and tools shipped, hours lost to switching, the fire rate (per week) at
    the start and the end of the season, and the measures of
    :func:`pocmvp.case.season.measures.summarise` (recurring fires, the load measure, the
    hours on routine questions and on fires). ``season`` overrides any other assumption
    (its weeks and people are replaced by the arguments).
    """
    season = replace(season or Season(), weeks=weeks, people=people)
    rows = {design: summarise(simulate(design, season, seed)) for design in designs}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("design")


def sweep(
    parameter: str, values: list, *, seed: int = 2026, season: Season | None = None
) -> pd.DataFrame:
    """Both designs for each value of one :class:`Season` parameter: when does the
    contest turn? One row per (value, design), with the columns of :func:`compare_designs`."""
    season = season or Season()
    if parameter not in Season.__dataclass_fields__:
        raise ValueError(f"{parameter!r} is not a Season parameter")
    frames = []
    for value in values:
        changed = replace(season, **{parameter: value})
        table = compare_designs(seed, changed.weeks, changed.people, changed)
        frames.append(table.reset_index().assign(**{parameter: value}))
    return pd.concat(frames, ignore_index=True).set_index([parameter, "design"])


def _benchmark(runs: int) -> dict:
    """For ``pocmvp bench``: the wall time of one default comparison and of every
    comparison chapter 8 makes (never asserted)."""
    from pocmvp.case.season.findings import findings
    from pocmvp.toolkit.timing import median_seconds

    return {
        "compare_designs_seconds": median_seconds(compare_designs, runs),
        "season_findings_seconds": median_seconds(findings, runs),
    }


BENCHMARKS = {"fire_simulation": _benchmark}
