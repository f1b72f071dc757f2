"""Checks for chapter 3's exercises: the production bill.

Every expected value comes from the declared lists in :mod:`pocmvp.case.bill`, so changing
one line of the lists changes the exercises' answers with the chapter's figures.
"""

from __future__ import annotations

import dataclasses

from pocmvp.case import bill
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_choice,
    check_number,
)
from pocmvp.machinery.stretch_note import check_note

# The change exercise 3.3 prices: auditors want to know why a part was or was not X-rayed.
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
"""The MES vendor's new estimate for the data feed, in weeks (exercise 3.4)."""

FEED = "MES data feed"
MODEL_SERVICE = "model service"


def _change(system: str) -> bill.SystemChange:
    return next(c for c in bill.CHANGES if c.system == system)


def shift_log_only_bill() -> tuple[tuple[bill.SystemChange, ...], tuple[bill.Retraining, ...]]:
    """The bill of a model that reads the shift log only (exercise 3.5): no MES data feed
    and no change to the X-ray station's software. The model service stays and waits for
    nothing; the inspectors still retrain, once the model service scores parts."""
    service = dataclasses.replace(_change(MODEL_SERVICE), waits_for=())
    retraining = tuple(dataclasses.replace(r, waits_for=(MODEL_SERVICE,)) for r in bill.RETRAINING)
    return (service,), retraining


def unavailable_share(answer: object) -> Feedback:
    groups = len(bill.POC_INPUTS)
    missing = bill.unavailable_inputs()
    after_feed = [i for i in bill.POC_INPUTS if not i.known_at_decision and i.unlocked_by is None]
    expected = len(missing) / groups
    return check_number(
        "3.1",
        answer,
        expected,
        tier="check",
        hints=(
            "a share is the feature groups not known when the part is routed, divided by all "
            "the POC's feature groups.",
            "count the rows of bill.inputs_table() whose 'known when the part is routed' is "
            "'no', and divide by the number of rows.",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "a count",
                len(missing),
                "that is a count of feature groups; the question asks for a share of them.",
            ),
            Misconception(
                "the known share",
                (groups - len(missing)) / groups,
                "that is the share of feature groups known when the part is routed. The "
                "question asks for those not known.",
            ),
            Misconception(
                "after the feed",
                len(after_feed) / groups,
                "that is the share still missing once the MES data feed is built. The "
                "question asks about today's systems.",
            ),
        ],
    )


def never_available(answer: object) -> Feedback:
    groups = [i.group for i in bill.POC_INPUTS]
    never = [i.group for i in bill.POC_INPUTS if not i.known_at_decision and i.unlocked_by is None]
    by_feed = [i.group for i in bill.POC_INPUTS if i.unlocked_by == FEED]
    known = [i.group for i in bill.POC_INPUTS if i.known_at_decision]
    explanations = {
        g: f"{g} is known when the part is routed, with today's systems." for g in known
    }
    explanations |= {
        g: f"the MES data feed makes {g} known when the part is routed." for g in by_feed
    }
    return check_choice(
        "3.2",
        answer,
        never[0],
        options=groups,
        tier="check",
        hints=(
            "the group is not known at decision time today, and building the feed does not "
            "change that: ask when its value is written.",
            "in bill.inputs_table(), look for the input that is not known when the part is "
            "routed and that no change makes available.",
        ),
        misconceptions=[
            Misconception(
                "unlocked by the feed",
                by_feed[0],
                "that group comes from the MES. The plant pays for the feed in this "
                "exercise, so it would be known in time.",
            ),
            Misconception(
                "known today",
                known[0],
                "that group is already known when the part is routed, even without the feed.",
            ),
        ],
        explanations=explanations,
    )


def one_off_cost_with_traceability(answer: object) -> Feedback:
    longer = (*bill.CHANGES, TRACEABILITY)
    expected = bill.one_off_cost(longer)
    return check_number(
        "3.3",
        answer,
        expected,
        tier="apply",
        hints=(
            "the one-off cost of going live covers every change, the new one included, and the "
            "retraining too.",
            "declare the change as a bill.SystemChange, add it to bill.CHANGES, and pass the "
            "longer tuple to bill.one_off_cost.",
        ),
        misconceptions=[
            Misconception(
                "one system",
                TRACEABILITY.one_off_cost_eur,
                "that is the cost of the new change alone. The question asks for the whole "
                "one-off cost of going live.",
            ),
            Misconception(
                "the old bill",
                bill.one_off_cost(),
                "that is the bill without the new change. Add it to the list first.",
            ),
            Misconception(
                "no retraining",
                bill.one_off_cost(longer, ()),
                "that leaves out the retraining. Going live still needs the inspectors retrained.",
            ),
            Misconception(
                "a month",
                bill.running_cost_per_month(longer),
                "that is the running cost per month. The question asks for the one-off cost.",
            ),
        ],
    )


def months_with_slow_feed(answer: object) -> Feedback:
    feed, *rest = bill.CHANGES
    slower = (dataclasses.replace(feed, weeks=SLOW_FEED_WEEKS), *rest)
    weeks = bill.weeks_to_go_live(slower)
    return check_number(
        "3.4",
        answer,
        bill.months_to_go_live(slower),
        tier="apply",
        hints=(
            "everything that waits for the feed moves when the feed takes longer; the answer "
            "is the end of the whole schedule, in months.",
            "dataclasses.replace makes a copy of the feed with more weeks; pass the new tuple "
            "to bill.months_to_go_live.",
        ),
        misconceptions=[
            Misconception(
                "weeks",
                weeks,
                "that looks like weeks. Give the answer in months.",
            ),
            Misconception(
                "today's feed",
                bill.months_to_go_live(),
                "that is the date with today's estimate for the feed. Use the vendor's new one.",
            ),
            Misconception(
                "the feed alone",
                SLOW_FEED_WEEKS / bill.WEEKS_PER_MONTH,
                "that is the feed alone. The changes that wait for it, and the retraining, "
                "come after it.",
            ),
            Misconception(
                "four weeks a month",
                weeks / 4,
                "that counts four weeks a month. A month is a little longer: use "
                "bill.WEEKS_PER_MONTH.",
            ),
            Misconception(
                "the delay only",
                (SLOW_FEED_WEEKS - feed.weeks) / bill.WEEKS_PER_MONTH,
                "that is only the delay. The question asks when the POC could go live.",
            ),
        ],
    )


def shift_log_only_note(answer: object) -> Feedback:
    """Stretch: a note that prices the bill of a shift-log-only model and argues whether it
    is worth it. The check reads the figure the note quotes; the rubric of the argument is
    in the teaching notes."""
    changes, retraining = shift_log_only_bill()
    expected = bill.one_off_cost(changes, retraining)
    wrong_figures = {
        "the full bill": bill.one_off_cost(),
        "no retraining": bill.one_off_cost(changes, ()),
        "the saving": bill.one_off_cost() - expected,
        "a month": bill.running_cost_per_month(changes),
    }
    feedback = {
        "the full bill": "the note quotes the one-off cost of the full POC's bill. Price the "
        "shift-log-only bill.",
        "no retraining": "the note leaves out the retraining: the inspectors still learn to "
        "work from risk scores.",
        "the saving": "the note quotes what the smaller bill saves against the full one. "
        "Quote the smaller bill's own one-off cost.",
        "a month": "the note quotes a running cost per month. Quote the one-off cost.",
    }
    return check_note(
        "3.5",
        answer,
        expected,
        wrong={name: (figure, feedback[name]) for name, figure in wrong_figures.items()},
        argue="what the smaller bill gives up and whether it is worth it",
        missing="the note does not quote the one-off cost of the shift-log-only bill, in euros.",
        hints=(
            "a shift-log-only model drops the MES data feed and the station software's change, "
            "but it still needs the model service and the retraining.",
            "keep the model service (with dataclasses.replace, waiting for nothing), keep "
            "bill.RETRAINING, pass both to bill.one_off_cost, and quote the result in the note.",
        ),
    )
