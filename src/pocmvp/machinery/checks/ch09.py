"""Checks for chapter 9's exercises: the toolkit on your own data (the bottling table)."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import bottling
from pocmvp.case.story import ch09 as story_ch09
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_number,
    check_with,
    word_count,
)
from pocmvp.machinery.stretch_note import ARGUMENT_WORDS
from pocmvp.toolkit import leaks, schema

FORCED_COLUMNS = (bottling.QA_HOLD, bottling.CAP_TORQUE)
BIGGER_LAB = 0.08
NEXT_MONTH = "2025-10"


def forced_catch_rate(answer: object, export: pd.DataFrame) -> Feedback:
    """The catch rate the command prints when ``--columns`` names the leaked QA hold."""
    forced = story_ch09.fit(export, story_ch09.CAPACITY, list(FORCED_COLUMNS))
    default = story_ch09.fit(export)
    return check_number(
        "9.1",
        answer,
        forced.score.catch_rate,
        tier="check",
        hints=(
            "the command keeps a column you name with --columns even when the leak check "
            "would leave it out; its second line gives the catch rate.",
            'run pocmvp rule on seal_tests.csv with --columns "QA hold (h),Cap torque [N·m]" '
            "(comma-separated, in quotes) and read the catch rate on its second line; give it "
            "as a share (12.3 % is 0.123).",
        ),
        misconceptions=[
            as_percentage(forced.score.catch_rate),
            Misconception(
                "without the leak",
                default.score.catch_rate,
                "that is the catch rate of the rule without the QA hold (the command's default "
                "columns). Name the columns with --columns.",
            ),
            Misconception(
                "share flagged",
                forced.score.flagged_share,
                "that is the share of bottles flagged. The catch rate is the share of the "
                "failed seals that are flagged.",
            ),
        ],
    )


def flagged_share_at(answer: object, export: pd.DataFrame) -> Feedback:
    """The share of bottles the rule found at an 8 % capacity flags."""
    bigger = story_ch09.fit(export, BIGGER_LAB)
    return check_number(
        "9.2",
        answer,
        bigger.score.flagged_share,
        rel_tol=0.02,
        tier="check",
        hints=(
            "the rule never flags more than the capacity, and rarely exactly it: read what "
            "the command says it flags.",
            "run pocmvp rule with --capacity 0.08 and read 'share flagged' on its second "
            "line, as a share.",
        ),
        misconceptions=[
            as_percentage(bigger.score.flagged_share),
            Misconception(
                "the capacity",
                BIGGER_LAB,
                "that is the capacity, what the rule may flag at most. Run the command and read "
                "what it does flag.",
            ),
            Misconception(
                "catch rate",
                bigger.score.catch_rate,
                "that is the catch rate. The question asks for the share of bottles flagged.",
            ),
        ],
    )


def next_month_catch_rate(answer: object, with_time: pd.DataFrame) -> Feedback:
    """The share of October's failed seals the lab's tests catch with the history's rule."""
    history = with_time[bottling.months(with_time) <= story_ch09.HISTORY_UNTIL]
    history_fit = story_ch09.fit(history)
    chosen = history_fit.rule
    october = story_ch09.month_after(with_time, chosen, NEXT_MONTH)
    september = story_ch09.month_after(with_time, chosen, story_ch09.REPORT_MONTH)
    flagged_in_october = october.flagged / october.rows
    return check_number(
        "9.3",
        answer,
        october.catch_rate,
        tier="apply",
        misconceptions=[
            as_percentage(october.catch_rate),
            Misconception(
                "the history",
                history_fit.score.catch_rate,
                "that is the rule's catch rate on the history it was fitted on. Judge it on "
                "October, a month it had not seen.",
            ),
            Misconception(
                "another month",
                september.catch_rate,
                "that is September's catch rate, the first month after the history. The "
                "question asks for October.",
            ),
            Misconception(
                "share flagged",
                flagged_in_october,
                "that is the share of October's bottles the rule flags, not the share of "
                "failed seals the tests caught.",
            ),
        ],
        hints=(
            "a rule fitted on the history is judged on a later month: the report counts only "
            "the bottles the lab can test within its capacity.",
            "load the rule file the command wrote with --history-until 2025-08 "
            "(rulefile.load) and pass its rule and the month '2025-10' to "
            "story_ch09.month_after with the table that has the time column; its catch_rate "
            "counts only the bottles the lab can test.",
        ),
    )


def _argument(columns: list[str], words: int = ARGUMENT_WORDS) -> str:
    """An argument that names ``columns`` (the tests' examples)."""
    named = ", ".join(columns) or "nothing"
    filler = " ".join(["because"] * max(0, words - 3 - len(named.split())))
    return f"Leave out {named} {filler}".strip()


def columns_left_out(
    answer: object,
    table: pd.DataFrame,
    target: str,
    id: str | None = None,  # noqa: A002
) -> Feedback:
    """Stretch: on a table of the learner's choice, the columns to leave out of the rule's
    search and the argument for each. ``answer`` is ``(columns_to_leave_out, argument)``.

    The check reads what the toolkit can tell: every column the leak check finds is left
    out, every column named is the table's and not its target, a column is left for the
    search, and the argument names each column it leaves out. Whether a column is known
    before the decision is the learner's argument; the rubric is in the teaching notes."""
    candidates = list(schema.infer_schema(table, target, None, id=id).candidates)
    found = [leak.column for leak in leaks.find_leaks(table, target, candidates)]
    right_out = list(found)
    mistakes = {
        "unknown column": Misconception(
            "unknown column",
            ([*right_out, "no such column"], _argument([*right_out, "no such column"])),
            "a column you leave out is not in the table: check its spelling (units, "
            "spaces and accents count).",
        ),
        "the target": Misconception(
            "the target",
            ([*right_out, target], _argument([*right_out, target])),
            "the target is the outcome itself, never a column the rule searches: leave "
            "out only candidate columns.",
        ),
        "nothing left": Misconception(
            "nothing left",
            (candidates, _argument(candidates)),
            "every candidate column is left out, so the search has nothing to try.",
        ),
        "not argued": Misconception(
            "not argued",
            (right_out, _argument([])),
            "the argument does not name every column it leaves out: give each its reason.",
        ),
    }
    if found:
        mistakes["a leak kept"] = Misconception(
            "a leak kept",
            (right_out[1:], _argument(right_out[1:])),
            "the toolkit's leak check finds a column you keep: read its evidence (is it "
            "written after the outcome?) and leave it out.",
        )

    def problem(answer_: object) -> Misconception | str | None:
        out, text = answer_  # type: ignore[misc]
        out = [out] if isinstance(out, str) else list(out)
        if set(out) - set(table.columns):
            return mistakes["unknown column"]
        if target in out:
            return mistakes["the target"]
        if not set(candidates) - set(out):
            return mistakes["nothing left"]
        if set(found) - set(out):
            return mistakes["a leak kept"]
        if any(column not in str(text) for column in out):
            return mistakes["not argued"]
        if word_count(text) < ARGUMENT_WORDS:
            return f"argue in at least {ARGUMENT_WORDS} words why each column goes."
        return None

    return check_with(
        "9.4",
        answer,
        lambda answer_: problem(answer_) is None,
        diagnose=problem,
        misconceptions=list(mistakes.values()),
        tier="stretch",
        hints=(
            "a column goes when it is written after the outcome, or is not known when the "
            "decision is made: the leak check finds some, your knowledge of the table the rest.",
            "run leaks.find_leaks(table, target, candidates) with the candidates of "
            "schema.infer_schema, leave out each column it finds, and name every column you "
            "leave out in the argument, with its reason.",
        ),
    )
