"""The claims chapter 3 makes: what going live would take, and why it stalls."""

from __future__ import annotations

from pocmvp.case import baselines, bill, business_case, poc
from pocmvp.case.story.ch02 import risks, trained_poc
from pocmvp.case.story.claims import Band, Claim, Story


def poc_promise(story: Story) -> poc.Promise:
    """The POC's promise on the held-out months, from chapter 2's risks on its routing window
    (the POC's scores there, computed once for both chapters)."""

    def make():
        window = baselines.routing_window(story.shift_log)
        risk = risks(story)[baselines.POC_NAME]
        return poc.promise(story.shift_log, poc.decision_flags(window, risk))

    return story.shared("poc_promise", make)


def plant_saving(story: Story) -> float:
    """The POC's promised saving a month, scaled to the plant's size (fast mode has fewer)."""
    return poc_promise(story).saving_per_month() * business_case.scale_to_plant(story.shift_log)


def the_bill(story: Story) -> bill.Bill:
    return story.shared("bill", lambda: bill.production_bill(trained_poc(story)))


CLAIMS = (
    Claim(
        "bill_one_off_in_months_of_saving",
        3,
        "the one-off cost exceeds a year of the promised saving",
        lambda story: the_bill(story).one_off_cost / plant_saving(story),
        Band(12.0),
    ),
    Claim(
        "bill_payback_months",
        3,
        "the POC takes more than a year of live running to repay, if it ships",
        lambda story: the_bill(story).payback_months(plant_saving(story)),
        Band(12.0),
    ),
    Claim(
        "bill_unavailable_feature_share",
        3,
        "a sizeable share of the POC's features is not available when a part is routed",
        lambda story: the_bill(story).unavailable_feature_share,
        Band(0.1, 0.5),
    ),
)
