"""Checks for chapter 3's exercises: the production bill."""

from __future__ import annotations

import dataclasses

from pocmvp.case import bill
from pocmvp.machinery.selfcheck import Feedback, check_choice, check_number

# The change exercise 3.1 prices: auditors want to know why a part was or was not X-rayed.
TRACEABILITY = bill.SystemChange(
    system="quality system",
    owner="quality department and IT",
    work="store each part's risk score and routing with its record",
    weeks=4,
    people=1,
    outside_cost_eur=3_000,
    running_cost_per_month_eur=100,
    waits_for=("model service",),
)
SLOW_FEED_WEEKS = 20


def one_off_cost_with_traceability(answer: object) -> Feedback:
    expected = bill.one_off_cost((*bill.CHANGES, TRACEABILITY))
    return check_number(
        "3.1",
        answer,
        expected,
        hint="declare the change as a bill.SystemChange, add it to bill.CHANGES, and pass "
        "the longer tuple to bill.one_off_cost (the retraining still counts).",
    )


def months_with_slow_feed(answer: object) -> Feedback:
    feed, *rest = bill.CHANGES
    slower = (dataclasses.replace(feed, weeks=SLOW_FEED_WEEKS), *rest)
    return check_number(
        "3.2",
        answer,
        bill.months_to_go_live(slower),
        hint="dataclasses.replace makes a copy of the feed with more weeks; everything that "
        "waits for it moves too. The answer is in months, not weeks.",
    )


def never_available(answer: object) -> Feedback:
    groups = [i.group for i in bill.POC_INPUTS]
    later = [i.group for i in bill.POC_INPUTS if not i.known_at_decision and i.unlocked_by is None]
    return check_choice(
        "3.3",
        answer,
        later[0],
        options=groups,
        hint="look for the input that is not known at decision time and that no change in "
        "bill.CHANGES makes available.",
    )
