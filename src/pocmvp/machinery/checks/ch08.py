"""Checks for chapter 8's exercises: organise for unplanned work."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import engineering, fire, upkeep
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


def faster_with_nine_people(answer: object, seed: int) -> Feedback:
    nine = fire.compare_designs(seed=seed, people=9)
    six = fire.compare_designs(seed=seed)

    def gap(table: pd.DataFrame, column: str = "fire_response_median_h") -> float:
        return float(table.loc[fire.ONE_TEAM, column] - table.loc[fire.THREE_GROUPS, column])

    expected = gap(nine)
    return check_number(
        "8.2",
        answer,
        expected,
        rel_tol=0.02,
        tier="apply",
        hints=(
            "compare the same column, the median hours until a fire is out, for the two "
            "designs of a nine-person season.",
            "run fire.compare_designs with people=9 and subtract the three groups' "
            "fire_response_median_h from one team's.",
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
                gap(six),
                "that is the chapter's six-person season. The question is about nine people.",
            ),
            Misconception(
                "the slow fires",
                gap(nine, "fire_response_p90_h"),
                "that compares the 90th percentile, the slow fires. The question asks "
                "about the median.",
            ),
        ],
    )


ABOUT_THE_SAME = "about the same"
"""8.3's third option: the two designs' long-term hours within 1 % of each other."""


def _most_long_term_work(table: pd.DataFrame) -> str:
    hours = table["long_term_hours"]
    if hours.max() - hours.min() < 0.01 * hours.max():
        return ABOUT_THE_SAME
    return str(hours.idxmax())


def more_long_term_work_without_refocus(answer: object, seed: int) -> Feedback:
    no_refocus = fire.compare_designs(seed=seed, season=fire.Season(refocus_hours=0.0))
    today = fire.compare_designs(seed=seed)
    options = (*fire.DESIGNS, ABOUT_THE_SAME)
    return check_choice(
        "8.3",
        answer,
        _most_long_term_work(no_refocus),
        options=options,
        tier="apply",
        hints=(
            "refocusing is what an interruption costs someone in deep work. Ask who is "
            "interrupted in each design, then run the simulation to see the long-term hours.",
            "pass season=fire.Season(refocus_hours=0.0) to fire.compare_designs and compare "
            "the long_term_hours column (within 1 % counts as about the same).",
        ),
        misconceptions=[
            Misconception(
                "the chapter's season",
                _most_long_term_work(today),
                "that design does more long-term work in the chapter's season, where "
                "refocusing costs time. The question sets that cost to nothing.",
            ),
            Misconception(
                "faster fires",
                str(no_refocus["fire_response_median_h"].idxmin()),
                "that design puts fires out faster. The question asks about long-term work.",
            ),
        ],
        explanations={
            fire.ONE_TEAM: "one team does not do the most long-term work when refocusing is free.",
            fire.THREE_GROUPS: "three groups do not do the most long-term work when "
            "refocusing is free.",
            ABOUT_THE_SAME: "the two designs' long-term hours differ by more than 1 %.",
        },
    )


# ----------------------------------------------------------------------------- the stretch

START_UP_PEOPLE = 3
"""The start-up's data team: three groups of one person each."""

NOTE_WORDS = 40
"""The fewest words the note may argue in."""


def start_up_season(seed: int) -> pd.DataFrame:
    """Both designs on a season for :data:`START_UP_PEOPLE` people."""
    return fire.compare_designs(seed=seed, people=START_UP_PEOPLE)


def favoured(table: pd.DataFrame) -> str:
    """The design that does more long-term work in ``table`` (the one the run favours)."""
    return str(table["long_term_hours"].idxmax())


def _note(design: str, figure: float, words: int = NOTE_WORDS) -> str:
    """A note that names ``design`` and quotes ``figure`` in ``words`` words (the examples a
    declared mistake carries, for the tests)."""
    filler = " ".join(["because"] * max(0, words - 7))
    return f"I would pick {design}: {figure:,.0f} hours {filler}".strip()


def _names(text: object, design: str) -> bool:
    return design in " ".join(str(text).lower().split())


def three_groups_for_a_start_up(answer: object, seed: int) -> Feedback:
    """Stretch: a note of at least :data:`NOTE_WORDS` words for or against three groups in a
    start-up of :data:`START_UP_PEOPLE`. The check reads what it can: the note names the
    design the three-person run favours on long-term work and quotes the long-term hours of
    a design in that run. The rubric of the argument is in the teaching notes."""
    small = start_up_season(seed)
    chapter = fire.compare_designs(seed=seed)
    best = favoured(small)
    other = next(d for d in fire.DESIGNS if d != best)
    hours = [float(h) for h in small["long_term_hours"]]

    def quotes_run(text: object) -> bool:
        return any(quotes(text, h) for h in hours)

    six_people = Misconception(
        "six people",
        _note(best, float(chapter.loc[best, "long_term_hours"])),
        "the note quotes the long-term hours of the chapter's six-person season. Run the "
        f"season for {START_UP_PEOPLE} people and quote that run.",
    )
    other_design = Misconception(
        "the other design",
        _note(other, float(small.loc[other, "long_term_hours"])),
        "the note does not name the design the three-person run favours on long-term work "
        "(compare its long_term_hours). Name it, even if you argue against it.",
    )
    no_argument = Misconception(
        "no argument",
        _note(best, float(small.loc[best, "long_term_hours"]), words=8),
        f"the note quotes the run but argues too little: say in at least {NOTE_WORDS} words "
        "why the split does or does not suit three people.",
    )

    def right(text: object) -> bool:
        return quotes_run(text) and _names(text, best) and word_count(text) >= NOTE_WORDS

    def diagnose(text: object) -> Misconception | str:
        if not quotes_run(text):
            if any(quotes(text, float(h)) for h in chapter["long_term_hours"]):
                return six_people
            return (
                "the note quotes no long-term hours of the three-person run: quote the "
                "figure your argument rests on."
            )
        if not _names(text, best):
            return other_design
        return no_argument

    return check_with(
        "8.4",
        answer,
        right,
        diagnose=diagnose,
        misconceptions=[six_people, other_design, no_argument],
        tier="stretch",
        hints=(
            "with three people each group is one person: who puts out a fire while the "
            "rapid-response person is ill, and who is interrupted in each design?",
            f"run fire.compare_designs(seed=seed, people={START_UP_PEOPLE}), name the "
            "design with more long_term_hours, quote its hours, then argue for or against "
            "the split in your own words.",
        ),
    )
