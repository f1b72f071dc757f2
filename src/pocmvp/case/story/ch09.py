"""The claims chapter 9 makes: the toolkit on a table that is not the plant's.

The table is the bottling line's seal-test export (:mod:`pocmvp.case.bottling`), generated
for the story's seed and size. The claims are computed with the toolkit's functions, the
ones the ``pocmvp rule`` command calls (read the table's schema, find the leaks, search the
columns that are left), never by running the command.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.case import bottling
from pocmvp.case.story.claims import Band, Claim, Story
from pocmvp.toolkit import leaks, routing, rule, schema, search

CAPACITY = 0.05
"""The lab's capacity: it can pressure-test 5 % of the bottles."""
HISTORY_UNTIL = "2025-08"
"""The last month the rule with a time column is fitted on."""
REPORT_MONTH = "2025-09"
"""The first month after the history: the month the chapter reports."""


@dataclass(frozen=True)
class Fitted:
    """What the toolkit makes of a table: the leaks it found, the columns it searched, the
    rule, and the rule's figures on the rows it was fitted on."""

    leaks: tuple[leaks.Leak, ...]
    searched: tuple[str, ...]
    rule: rule.Rule
    score: rule.RuleScore


def fit(
    table: pd.DataFrame,
    capacity: float = CAPACITY,
    columns: list[str] | None = None,
    target: str = bottling.TARGET,
) -> Fitted:
    """The toolkit's steps on a table: candidates from its schema (or ``columns``), the leak
    check, the search on what is left (a named leaked column stays), the rule's score."""
    candidates = schema.infer_schema(table, target, columns, id=bottling.BOTTLE_ID).candidates
    found = leaks.find_leaks(table, target, candidates)
    searched = leaks.usable_columns(candidates, found, named=columns)
    chosen = search.find_rule(table, target, capacity, searched).rule
    return Fitted(
        tuple(found), tuple(searched), chosen, rule.score(table, chosen.flag(table), target)
    )


def line(story: Story) -> bottling.BottlingLine:
    return story.shared(
        "ch09.line",
        lambda: bottling.generate_bottling(bottling.bottles_for(story.fast_mode), story.seed),
    )


def fitted(story: Story) -> Fitted:
    return story.shared("ch09.fitted", lambda: fit(line(story).export()))


def truth_catch_rate(probability: pd.Series, failed: pd.Series, capacity: float) -> float:
    """The share of failures caught by testing the bottles with the highest true chance:
    the best any rule or model could do on this table at this capacity."""
    tests = int(np.floor(capacity * len(failed) + 1e-9))
    best = np.argsort(-probability.to_numpy(), kind="stable")[:tests]
    return float(failed.to_numpy()[best].sum() / failed.sum())


def share_of_truth(story: Story) -> float:
    """The rule's catch rate as a share of the truth's, at the same capacity."""
    bottles = line(story)
    best = truth_catch_rate(bottles.probability, bottling.failed(bottles.table), CAPACITY)
    return fitted(story).score.catch_rate / best


def times_random(score: rule.RuleScore) -> float:
    """How many times a random sample of the same size's expected catch rate (its share)."""
    return score.catch_rate / score.flagged_share


def leak_auc(found: tuple[leaks.Leak, ...], column: str = bottling.QA_HOLD) -> float:
    """The leaked column's separation (ROC AUC, either direction); 0 if it was not found."""
    aucs = [max(leak.auc, 1 - leak.auc) for leak in found if leak.column == column]
    return aucs[0] if aucs else 0.0


@dataclass(frozen=True)
class Month:
    """A month after the history, as the monthly report counts it."""

    rows: int
    flagged: int
    capacity: int
    tested: int
    positives: int
    caught: int

    @property
    def capacity_used(self) -> float:
        return self.flagged / self.capacity

    @property
    def catch_rate(self) -> float:
        return self.caught / self.positives


def month_after(table: pd.DataFrame, chosen: rule.Rule, month: str = REPORT_MONTH) -> Month:
    """The month's rows, flags, tests within the capacity (the one routing) and catches."""
    rows = table[bottling.months(table) == month]
    flagged = chosen.flag(rows)
    tested = rule.within_capacity(rows, flagged, CAPACITY, time=bottling.TIME).astype(bool)
    positive = bottling.failed(rows)
    return Month(
        rows=len(rows),
        flagged=int(flagged.sum()),
        capacity=routing.monthly_capacity(len(rows), CAPACITY),
        tested=int(tested.sum()),
        positives=int(positive.sum()),
        caught=int((tested & positive).sum()),
    )


def history_fitted(story: Story) -> Fitted:
    def make():
        table = line(story).export(with_time=True)
        return fit(table[bottling.months(table) <= HISTORY_UNTIL])

    return story.shared("ch09.history_fitted", make)


def first_month(story: Story) -> Month:
    return story.shared(
        "ch09.first_month",
        lambda: month_after(line(story).export(with_time=True), history_fitted(story).rule),
    )


CLAIMS = (
    Claim(
        "ch09.leak_auc",
        9,
        "the leak check finds the QA hold: alone it separates failed seals almost perfectly",
        lambda story: leak_auc(fitted(story).leaks),
        Band(0.95),
    ),
    Claim(
        "ch09.rule_catch_rate",
        9,
        "the rule catches about half the failed seals with the lab's 5 % of tests",
        lambda story: fitted(story).score.catch_rate,
        Band(0.4, 0.7),
    ),
    Claim(
        "ch09.rule_capacity_used",
        9,
        "the rule flags just under the lab's capacity on the table it was fitted on",
        lambda story: fitted(story).score.flagged_share / CAPACITY,
        Band(0.9, 1.0),
    ),
    Claim(
        "ch09.rule_times_random",
        9,
        "the rule catches many times what a random sample of the same size would",
        lambda story: times_random(fitted(story).score),
        Band(6.0),
    ),
    Claim(
        "ch09.rule_share_of_truth",
        9,
        "the rule catches a good part of what the truth itself could, never all of it",
        share_of_truth,
        Band(0.6, 0.95),
    ),
    Claim(
        "ch09.month_capacity_used",
        9,
        "in the first month after the history the rule flags about the lab's capacity",
        lambda story: first_month(story).capacity_used,
        Band(0.65, 1.35),
    ),
    Claim(
        "ch09.month_catch_rate",
        9,
        "in the first month after the history the lab's tests catch a good share of failures",
        lambda story: first_month(story).catch_rate,
        Band(0.3, 0.7),
        fast_band=Band(0.2, 0.8),
    ),
)
