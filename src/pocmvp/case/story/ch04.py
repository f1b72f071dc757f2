"""The claims chapter 4 makes: the spreadsheet rule, under the capacity, on new months."""

from __future__ import annotations

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.case.story.claims import Band, Claim, Story


def mvp_rule(story: Story) -> rule.Rule:
    """Chapter 4's rule: the best one or two conditions on the history, under the capacity."""
    return story.shared(
        "rule_v1",
        lambda: (
            rule.find_rule(story.history, factory.TARGET, ECONOMICS.inspection_capacity_share).rule
        ),
    )


def held_out_totals(story: Story):
    def make():
        table = rule.compare_with_today(story.held_out, mvp_rule(story), ECONOMICS)
        return table.sum(numeric_only=True)

    return story.shared("rule_v1_held_out", make)


def catch_multiple(totals) -> float:
    """How many times as many defects the rule catches as today's sample, same tests."""
    return float(totals["rule_caught"] / totals["today_caught"])


def capacity_used(totals) -> float:
    return float(totals["flagged"] / totals["capacity"])


def shipped_reduction(totals) -> float:
    """Share fewer defective parts shipped than today on the held-out months."""
    return float(1 - totals["rule_shipped_defects"] / totals["today_shipped_defects"])


CLAIMS = (
    Claim(
        "rule_catch_multiple",
        4,
        "the rule catches several times as many defects as today's sample with the same tests",
        lambda story: catch_multiple(held_out_totals(story)),
        Band(2.0),
        fast_band=Band(1.2),
    ),
    Claim(
        "rule_capacity_used",
        4,
        "on new months the rule flags about the X-ray cell's capacity",
        lambda story: capacity_used(held_out_totals(story)),
        Band(0.75, 1.25),
        fast_band=Band(0.7, 1.3),
    ),
    Claim(
        "rule_reduction",
        4,
        "the rule ships clearly fewer defective parts than today",
        lambda story: shipped_reduction(held_out_totals(story)),
        Band(0.05, 0.17),
        fast_band=Band(0.02, 0.2),
    ),
)
