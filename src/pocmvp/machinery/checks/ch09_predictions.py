"""Chapter 9's predict-then-run questions, one per main section: another table, one command,
the leak check, the same functions from Python, against the truth, and a month not seen."""

from __future__ import annotations

import pandas as pd

from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, compared, prediction

# "About as many" tests as failures, and "about the best possible": within these shares.
ABOUT, NEAR_TRUTH = 0.2, 0.05
# A rule that catches more than this multiple of its share flagged beats a random sample.
SEVERAL = 1.5


@prediction(
    "9.1",
    a="more tests than failed bottles",
    b="about as many tests as failed bottles",
    c="fewer tests than failed bottles",
)
def tests_against_failures(failed: pd.Series, capacity: int) -> Verdict:
    failures = int(failed.sum())
    word = compared(capacity, failures, within=ABOUT)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    return Verdict(
        answer,
        f"The lab can test {num(capacity)} bottles and {num(failures)} failed their seal "
        f"test: {capacity / failures:.1f} tests for each failure. Yet a random sample of "
        f"{num(capacity)} bottles would catch only about {pct(capacity / len(failed), 0)} of "
        "the failures: what matters is which bottles are tested, not how many.",
    )


@prediction(
    "9.2",
    a="about the share of bottles it flags, as a random sample would",
    b="several times the share of bottles it flags",
    c="every failed seal",
)
def command_catch(score) -> Verdict:
    ratio = score.catch_rate / score.flagged_share
    answer = "c" if score.caught == score.defects else "b" if ratio > SEVERAL else "a"
    return Verdict(
        answer,
        f"The command's rule flags {pct(score.flagged_share)} of the bottles and catches "
        f"{num(score.caught)} of {num(score.defects)} failed seals ({pct(score.catch_rate)}), "
        f"{ratio:.1f} times its share. The same search that found the plant's rule finds "
        "this one, on columns it had never seen.",
    )


@prediction(
    "9.3",
    a="none of them",
    b="only the column written after the outcome",
    c="every column that separates the outcome well",
)
def left_out(found: list, written_after: list[str], kept: list[str]) -> Verdict:
    dropped = [leak.column for leak in found]
    answer = "a" if not dropped else "b" if set(dropped) <= set(written_after) else "c"
    return Verdict(
        answer,
        f"It leaves out {', '.join(f'`{c}`' for c in dropped) or 'no column'} and keeps "
        f"{len(kept)}: {', '.join(f'`{c}`' for c in kept)}. It drops a column only on "
        "evidence that it was written after the outcome; a column that merely separates "
        "the outcome well is what you hope to find, and it stays, with a warning to confirm.",
    )


@prediction(
    "9.4",
    a="the same rule, condition for condition",
    b="a slightly different rule",
)
def same_rule(agrees: bool, described: str) -> Verdict:
    return Verdict(
        "a" if agrees else "b",
        f"Python finds the rule the command wrote{'' if agrees else ' (not this time)'}: "
        f"{described} The command is a thin shell around the same functions, and the "
        "search tries every candidate in a fixed order: nothing in it is random.",
    )


@prediction(
    "9.5",
    a="above the best possible",
    b="below the best possible",
    c="about level with the best possible",
)
def against_truth(rule_rate: float, truth_rate: float, leak_rate: float) -> Verdict:
    word = compared(rule_rate, truth_rate, within=NEAR_TRUTH)
    answer = {"higher": "a", "lower": "b", "about the same": "c"}[word]
    gap = (
        "Two thresholds can only approximate a smooth cause with an interaction, so the "
        "truth stays ahead"
        if answer == "b"
        else "On this table two thresholds come close to the truth, and only chance can "
        "put them above it"
    )
    return Verdict(
        answer,
        f"The rule catches {pct(rule_rate)} of the failed seals; testing the bottles with the "
        f"highest true chance catches {pct(truth_rate)}. {gap}; the leaked QA hold "
        f"claims {pct(leak_rate)}, {'more' if leak_rate > truth_rate else 'no more'} than "
        "the truth allows, which is how a leak gives itself away.",
    )


@prediction(
    "9.6",
    a="more bottles than the lab can test",
    b="no more bottles than the lab can test",
)
def month_capacity(month) -> Verdict:
    answer = "a" if month.flagged > month.capacity else "b"
    return Verdict(
        answer,
        f"In the month it had not seen, the rule flags {num(month.flagged)} of "
        f"{num(month.rows)} bottles for {num(month.capacity)} tests "
        f"({pct(month.capacity_used, 0)} of the capacity); the lab tests {num(month.tested)}. "
        "A rule fitted to the capacity on the history uses a new month's capacity only "
        "roughly, which is why the report shows the capacity used every month.",
    )
