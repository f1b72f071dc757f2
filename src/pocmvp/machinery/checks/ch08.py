"""Checks for chapter 8's exercises: organise for unplanned work."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pandas as pd

from pocmvp.case import engineering, fire, upkeep
from pocmvp.case.season import measures
from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import Season
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    check_choice,
    check_number,
    check_with,
    quotes,
    word_count,
)


def engineering_hours_saved(answer: object) -> Feedback:
    """Check: the hours of people's time a month engineering's automations save in all."""
    table = engineering.engineering_table()
    total = table.loc["total"]
    expected = float(total["hours_saved_per_month"])
    return check_number(
        "8.1",
        answer,
        expected,
        rel_tol=0.01,
        tier="check",
        hints=(
            "each automation saves its hours before minus its hours after; the table's "
            "last row adds them up.",
            "read the column hours_saved_per_month of the row 'total' of "
            "engineering.engineering_table().",
        ),
        misconceptions=[
            Misconception(
                "the hours after",
                float(total["hours_per_month_after"]),
                "that is what the chores still take once automated. The question asks "
                "for the hours saved.",
            ),
            Misconception(
                "the hours before",
                upkeep.mvp_hours_per_month(),
                "that is what the chores take by hand, chapter 5's running cost. Take away "
                "what they still take once automated.",
            ),
            Misconception(
                "a year",
                12 * expected,
                "this looks like hours a year. Give the hours a month.",
            ),
            Misconception(
                "one automation",
                float(table.loc["returns feed", "hours_saved_per_month"]),
                "that is one automation, the returns feed. Add up every automation's saving.",
            ),
        ],
    )


NINE = 9
"""8.2's team: between the chapter's 6 and 15 people."""


@lru_cache(maxsize=8)
def team_at(seed: int, people: int) -> pd.DataFrame:
    """Every design for a team of ``people``, requests growing with the team: the rows of
    ``measures.team_sizes`` for that size, one per design."""
    return measures.team_sizes(seed, sizes=(people,)).xs(people, level="people")


def _gap(table: pd.DataFrame, faster: str = staff.THREE_GROUPS, column="fire_response_median_h"):
    return float(table.loc[staff.ONE_TEAM, column] - table.loc[faster, column])


def faster_with_nine_people(answer: object, seed: int) -> Feedback:
    """Check: at nine people (requests growing with the team), one team's median hours until
    a fire is out minus the dedicated three groups'."""
    nine = team_at(seed, NINE)
    expected = _gap(nine)
    unscaled = fire.compare_designs(seed=seed, people=NINE)
    return check_number(
        "8.2",
        answer,
        expected,
        rel_tol=0.02,
        tier="apply",
        hints=(
            "a bigger team serves a bigger organisation: run the season for nine people "
            "with the requests grown to match, as the chapter's three sizes do.",
            f"measures.team_sizes(seed, sizes=[{NINE}]) gives one row per design; subtract "
            "the three groups' fire_response_median_h from one team's.",
        ),
        misconceptions=[
            Misconception(
                "the wrong way round",
                -expected,
                "the sign is the wrong way round: subtract the three groups' hours from "
                "one team's, so that a positive number means three groups are faster.",
            ),
            Misconception(
                "six people",
                _gap(team_at(seed, 6)),
                "that is the chapter's six-person season. The question is about nine people.",
            ),
            Misconception(
                "the same requests",
                _gap(unscaled),
                "that is nine people facing six people's requests. Let the requests grow "
                "with the team (measures.team_sizes does), so only the organisation differs.",
            ),
            Misconception(
                "the rotation",
                _gap(nine, staff.ROTATION),
                "that compares one team with the rotation. The question asks about the "
                "dedicated three groups.",
            ),
        ],
    )


ABOUT_THE_SAME = "about the same"
"""8.3's fourth option: the top two designs' long-term hours within 1 % of each other."""

DESIGNS = staff.DESIGNS
"""8.3's designs: one team, the rotation and the dedicated three groups."""


def _most_long_term_work(hours: pd.Series) -> str:
    top = hours.sort_values(ascending=False)
    if top.iloc[0] - top.iloc[1] < 0.01 * top.iloc[0]:
        return ABOUT_THE_SAME
    return str(top.index[0])


@lru_cache(maxsize=8)
def _long_term_hours(seed: int, refocus_hours: float) -> pd.Series:
    season = replace(Season(), refocus_hours=refocus_hours)
    return fire.compare_designs(seed=seed, season=season, designs=DESIGNS)["long_term_hours"]


def more_long_term_work_without_refocus(answer: object, seed: int) -> Feedback:
    """Check: if refocusing cost nothing, the design that does the most long-term work."""
    free = _long_term_hours(seed, 0.0)
    today = _long_term_hours(seed, Season().refocus_hours)
    fastest = fire.compare_designs(
        seed=seed, season=replace(Season(), refocus_hours=0.0), designs=DESIGNS
    )["fire_response_median_h"].idxmin()
    options = (*DESIGNS, ABOUT_THE_SAME)
    return check_choice(
        "8.3",
        answer,
        _most_long_term_work(free),
        options=options,
        tier="apply",
        hints=(
            "refocusing is what an interruption costs someone in deep work. Ask who is "
            "interrupted in each design, then run all three designs to see the long-term hours.",
            "pass season=Season(refocus_hours=0.0) and designs=staff.DESIGNS to "
            "fire.compare_designs and compare the long_term_hours column (the top two within "
            "1 % count as about the same).",
        ),
        misconceptions=[
            Misconception(
                "the chapter's season",
                _most_long_term_work(today),
                "that design does the most long-term work in the chapter's season, where "
                "refocusing costs time. The question sets that cost to nothing.",
            ),
            Misconception(
                "faster fires",
                str(fastest),
                "that design puts fires out fastest. The question asks about long-term work.",
            ),
        ],
        explanations={
            design: f"{design} does not do the most long-term work when refocusing is free."
            for design in DESIGNS
        }
        | {ABOUT_THE_SAME: "the top two designs' long-term hours differ by more than 1 %."},
    )


# ----------------------------------------------------------------------------- the stretch

START_UP_PEOPLE = 3
"""The start-up's data team: the on-call seat wears two hats (rapid response and preemption)."""

NOTE_WORDS = 40
"""The fewest words the note may argue in."""

TWO_HATS = "two hats"


def start_up_season(seed: int) -> pd.DataFrame:
    """Every design at :data:`START_UP_PEOPLE` people, as the chapter's ``findings.sizes``."""
    return team_at(seed, START_UP_PEOPLE)


def favoured(table: pd.DataFrame) -> str:
    """The design that puts a fire out fastest at the median in ``table``."""
    return str(table["fire_response_median_h"].idxmin())


def quotable(table: pd.DataFrame) -> list[float]:
    """The figures a note may quote from ``table``: long-term hours per person and the
    loaded share of person-weeks (in %), of any design. Hours until a fire is out are too
    close across sizes to tell which run a note read."""
    return [*table["long_term_hours_per_person"], *(100 * table["loaded_share"])]


def _note(design: str, figure: float, words: int = NOTE_WORDS, hats: bool = True) -> str:
    """A note that names ``design`` and quotes ``figure`` in ``words`` words (the examples a
    declared mistake carries, for the tests)."""
    start = f"I would pick {design} with {TWO_HATS}:" if hats else f"I would pick {design}:"
    filler = " ".join(["because"] * max(0, words - len(start.split()) - 2))
    return f"{start} {figure:,.0f} hours {filler}".strip()


def _names(text: object, phrase: str) -> bool:
    return phrase in " ".join(str(text).lower().replace("-", " ").split())


def three_groups_for_a_start_up(answer: object, seed: int) -> Feedback:
    """Stretch: a note of at least :data:`NOTE_WORDS` words for or against three groups in a
    start-up of :data:`START_UP_PEOPLE`. The check reads what it can: the note names the
    design the three-person run puts fires out fastest with, says how the design is tweaked
    (the on-call seat wears two hats) and quotes a figure of that run (long-term hours per
    person or the loaded share). The rubric of the argument is in the teaching notes."""
    small = start_up_season(seed)
    chapter = team_at(seed, 6)
    best = favoured(small)
    other = next(d for d in staff.DESIGNS if d != best)

    def quotes_run(text: object) -> bool:
        return any(quotes(text, h) for h in quotable(small))

    six_people = Misconception(
        "six people",
        _note(best, float(chapter.loc[best, "long_term_hours_per_person"])),
        "the note quotes the chapter's six-person team. Read the rows for "
        f"{START_UP_PEOPLE} people and quote that run.",
    )
    other_design = Misconception(
        "the other design",
        _note(other, float(small.loc[other, "long_term_hours_per_person"])),
        "the note does not name the design the three-person run puts fires out fastest "
        "with (compare its fire_response_median_h). Name it, even if you argue against it.",
    )
    no_argument = Misconception(
        "no argument",
        _note(best, float(small.loc[best, "long_term_hours_per_person"]), words=10),
        f"the note quotes the run but argues too little: say in at least {NOTE_WORDS} words "
        "why the design does or does not suit three people.",
    )

    def right(text: object) -> bool:
        return (
            quotes_run(text)
            and _names(text, best)
            and _names(text, TWO_HATS)
            and word_count(text) >= NOTE_WORDS
        )

    def diagnose(text: object) -> Misconception | str:
        if not quotes_run(text):
            if any(quotes(text, h) for h in quotable(chapter)):
                return six_people
            return (
                "the note quotes no figure of the three-person run: quote the long-term "
                "hours per person or the loaded share your argument rests on."
            )
        if not _names(text, best):
            return other_design
        if not _names(text, TWO_HATS):
            return (
                "the note does not say how the design is tweaked at three people: who wears "
                f"{TWO_HATS}? Say it in those words."
            )
        return no_argument

    return check_with(
        "8.4",
        answer,
        right,
        diagnose=diagnose,
        misconceptions=[six_people, other_design, no_argument],
        tier="stretch",
        hints=(
            "with three people each group would be one person: who puts out a fire, who "
            "fixes causes, and who is interrupted in each design?",
            f"measures.team_sizes(seed, sizes=[{START_UP_PEOPLE}]): name the design with the "
            "lowest fire_response_median_h, say who wears two hats, quote its long-term hours "
            "per person, then argue for or against in your own words.",
        ),
    )
