"""The claims chapter 5 makes: three plans on the same held-out months, and the verdict.

Every value comes from the package alone: the POC with fixed parameters (no search), the
baselines, the rule found on the history, each routed the one way on the held-out months
(:func:`pocmvp.case.business_case.measure`), then valued as plans over 24 months.
"""

from __future__ import annotations

from pocmvp.case import business_case, poc
from pocmvp.case.story.ch02 import fitted_baselines, trained_poc
from pocmvp.case.story.ch04 import mvp_rule
from pocmvp.case.story.claims import Band, Claim, Story
from pocmvp.toolkit.timing import median_seconds

SPEED_PARTS = 20_000
"""Parts scored to compare the rule's speed with the POC's (a per-part ratio)."""


def measurement(story: Story) -> business_case.Measurement:
    return story.shared(
        "ch05 measurement",
        lambda: business_case.measure(
            story.plant, trained_poc(story), fitted_baselines(story), found=mvp_rule(story)
        ),
    )


def savings(story: Story) -> dict[str, float]:
    return measurement(story).savings()


def plans(story: Story) -> dict[str, business_case.Plan]:
    return story.shared("ch05 plans", lambda: business_case.three_plans(savings(story)))


def value(story: Story, plan: str) -> float:
    return business_case.value_at(plans(story)[plan])


def mvp_first_margin(story: Story) -> float:
    """MVP now, then the model, minus POC first over 24 months (euros)."""
    return value(story, business_case.MVP_THEN_MODEL) - value(story, business_case.POC_FIRST)


def mvp_only_margin(story: Story) -> float:
    return value(story, business_case.MVP_ONLY) - value(story, business_case.POC_FIRST)


def poc_sure_to_ship_margin(story: Story) -> float:
    """MVP first minus POC first at the bill's months, if the POC were sure to ship."""
    return business_case.margin(savings(story), poc_chance=1.0)


def best_case_margin(story: Story) -> float:
    """MVP first minus POC first if the POC went live at once and were sure to ship."""
    return business_case.margin(savings(story), poc_months_to_go_live=0.0, poc_chance=1.0)


def verdict_margin(story: Story) -> float:
    """The smallest margin of MVP first over POC first over the declared range."""
    return business_case.verdict_over(savings(story)).smallest_margin


def costless_margin(story: Story) -> float:
    """MVP first minus POC first as declared, if building and running cost nothing."""
    return business_case.margin(savings(story), cost_scale=0.0)


def fewer_systems(story: Story) -> float:
    """Systems the model steps would change (all of them built) minus POC first's."""
    poc_first = plans(story)[business_case.POC_FIRST]
    return len(business_case.model_systems()) - len(poc_first.systems_changed)


def rule_speed_up(story: Story) -> float:
    """How many times faster the rule flags parts than the POC scores them."""
    parts = poc.replicated_parts(story.plant, SPEED_PARTS)
    found = measurement(story).rule
    poc_seconds = poc.time_scoring(trained_poc(story), parts)
    rule_seconds = median_seconds(lambda: found.flag(parts), runs=3)
    return poc_seconds / rule_seconds


CLAIMS = (
    Claim(
        "rule_share_of_poc",
        5,
        "the rule captures roughly half to four fifths of the POC's promised reduction",
        lambda story: measurement(story).share_of_poc(business_case.RULE),
        Band(0.5, 0.85),
        fast_band=Band(0.2, 1.5),  # a quarter of the parts: a few defects move the ratio
    ),
    Claim(
        "poc_first_value",
        5,
        "POC first has not repaid its bill after 24 months: its expected value is below zero",
        lambda story: value(story, business_case.POC_FIRST),
        Band(high=0.0),
    ),
    Claim(
        "poc_sure_to_ship_margin",
        5,
        "even sure to ship, POC first is behind MVP first after 24 months (euros behind)",
        poc_sure_to_ship_margin,
        Band(low=0.0),
    ),
    Claim(
        "mvp_only_value",
        5,
        "the MVP alone is worth more than it costs over 24 months",
        lambda story: value(story, business_case.MVP_ONLY),
        Band(low=0.0),
    ),
    Claim(
        "mvp_break_even_month",
        5,
        "the MVP breaks even within its first two months",
        lambda story: business_case.months_to_break_even(plans(story)[business_case.MVP_ONLY]),
        Band(1.0, 2.0),
        # A quarter of the parts measures the rule's saving coarsely; it still repays in a year.
        fast_band=Band(1.0, 12.0),
    ),
    Claim(
        "mvp_first_margin",
        5,
        "MVP now, then the model, beats POC first over 24 months (euros ahead)",
        mvp_first_margin,
        Band(low=0.0),
    ),
    Claim(
        "mvp_only_margin",
        5,
        "even the MVP alone beats POC first over 24 months (euros ahead)",
        mvp_only_margin,
        Band(low=0.0),
    ),
    Claim(
        "best_case_margin",
        5,
        "POC first loses even if it went live at once and were sure to ship (euros behind)",
        best_case_margin,
        Band(low=0.0),
    ),
    Claim(
        "verdict_margin",
        5,
        "MVP first beats POC first everywhere in the declared range of assumptions",
        verdict_margin,
        Band(low=0.0),
    ),
    Claim(
        "costless_margin",
        5,
        "POC first as declared loses even if building and running cost nothing (euros behind)",
        costless_margin,
        Band(low=0.0),
    ),
    Claim(
        "fewer_systems",
        5,
        "the model after the MVP changes fewer systems than the POC's bill",
        fewer_systems,
        Band(high=-1.0),
    ),
    Claim(
        "rule_speed_up",
        5,
        "the rule scores parts orders of magnitude faster than the POC",
        rule_speed_up,
        Band(low=100.0),
    ),
)
