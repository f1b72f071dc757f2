"""The claims chapter 7 makes; see :mod:`pocmvp.case.story`.

Chapter 7 looks back from late January 2026, when every December return is in: what the
plant could see and when (returns booked by the monthly list, then by the returns feed), how
soon each check noticed the fall, the patch that followed the first alarm, and preemption's
model, judged over December and the months after. Chapter 8's claims (engineering, the water
line, the season of unplanned requests) are in :mod:`pocmvp.case.story.ch08`.
"""

from __future__ import annotations

import math

import pandas as pd

from pocmvp.case import factory, firefighting, preemption, returns
from pocmvp.case.detection import CHANGE_DATE, before_and_after
from pocmvp.case.rapid_response import compare_at_capacity
from pocmvp.case.story.claims import Band, Claim, Story


def _december(story: Story) -> firefighting.December:
    return story.shared("ch07.december", lambda: firefighting.replay(story.shift_log, story.seed))


def _before_and_after(story: Story):
    return story.shared(
        "ch07.before_and_after",
        lambda: before_and_after(story.shift_log, _december(story).tested),
    )


def december_catch_rate_ratio(story: Story) -> float:
    """December's catch rate over the live months' before the change (final figures)."""
    table = _before_and_after(story)
    return float(table["catch_rate"].iloc[1] / table["catch_rate"].iloc[0])


def xray_hit_rate_ratio(story: Story) -> float:
    """December's X-ray hit rate over the live months': what the X-ray log showed."""
    table = _before_and_after(story)
    return float(table["hit_rate"].iloc[1] / table["hit_rate"].iloc[0])


def days_to_first_alarm(story: Story) -> float:
    """Days from the supplier change until the first check rang, as it happened."""
    return float((_december(story).alarm_on - CHANGE_DATE).days)


def days_gained_by_the_feed(story: Story) -> float:
    """How many days sooner the first check rang with the returns feed than it would have
    with the monthly list only (never noticed counts as the list's first report after)."""
    december = _december(story)
    without = december.detection["noticed_on"].xs(returns.MONTHLY_LIST.name, level="booking")
    first_without = without.min()
    if pd.isna(first_without):
        return math.inf
    return float((first_without - december.alarm_on).days)


def alarm_before_production_ends(story: Story) -> float:
    """Production days left in December after the patch goes live (its parts to protect)."""
    december = _december(story)
    cast = story.shift_log["cast_at"]
    left = cast[(cast >= december.patch_day) & (factory.month_of(story.shift_log) == "2025-12")]
    return float(left.dt.normalize().nunique())


def _from_patch_day(story: Story):
    def make():
        december = _december(story)
        return compare_at_capacity(
            story.shift_log,
            {"rule in force": december.flags, "with the patch": december.patched_flags},
            december.patch_day,
        )

    return story.shared("ch07.from_patch_day", make)


def patch_gain(story: Story) -> float:
    """From the patch day on: the patch's catch rate minus the stale rule's."""
    table = _from_patch_day(story)
    return float(
        table.loc["with the patch", "catch_rate"] - table.loc["rule in force", "catch_rate"]
    )


def patch_looks_for_cold_melts(story: Story) -> float:
    """1 if the patch has a condition on a cold melt reading."""
    patch = _december(story).patch
    cold = any(c.column == "melt_temp_c" and c.operator in ("<", "<=") for c in patch.conditions)
    return float(cold)


def _long_term(story: Story) -> preemption.LongTerm:
    return story.shared(
        "ch07.long_term", lambda: preemption.long_term(story.plant, _december(story))
    )


def preemption_fewer_shipped_share(story: Story) -> float:
    """From the patch day to June 2026: the share of the patch's shipped defects that the
    durable fix does not ship (same parts, capacity and routing)."""
    return _long_term(story).fewer_shipped_share()


def preemption_hours_saved(story: Story) -> float:
    """Rapid response's hours on fires over the same months: with only the patch minus with
    the durable fix."""
    return _long_term(story).hours_saved()


CLAIMS = (
    Claim(
        "ch07.december_catch_rate_ratio",
        7,
        "the catch rate falls after the supplier change",
        december_catch_rate_ratio,
        Band(0, 0.75),
        fast_band=Band(0, 0.85),
    ),
    Claim(
        "ch07.xray_hit_rate_ratio",
        7,
        "the X-ray log cannot show the fall: its hit rate does not fall with the catch rate",
        xray_hit_rate_ratio,
        Band(0.8, math.inf),
        fast_band=Band(0.5, math.inf),  # a quarter of the tests: a few defects found a month
    ),
    Claim(
        "ch07.days_to_first_alarm",
        7,
        "with the returns feed, a check notices the fall within December",
        days_to_first_alarm,
        Band(1, 22),
    ),
    Claim(
        "ch07.days_gained_by_the_feed",
        7,
        "without the returns feed, the first alarm would have come later",
        days_gained_by_the_feed,
        Band(1, math.inf),
    ),
    Claim(
        "ch07.production_days_after_patch",
        7,
        "the patch is live while December's production still runs",
        alarm_before_production_ends,
        Band(1, math.inf),
    ),
    Claim(
        "ch07.patch_looks_for_cold_melts",
        7,
        "the patch looks for cold melts",
        patch_looks_for_cold_melts,
        Band(1, 1),
        # A quarter of the parts knows too few December outcomes on the alarm's morning:
        # reported, not asserted.
        fast_band=Band(),
    ),
    Claim(
        "ch07.patch_gain",
        7,
        "from the patch day on, the patch catches clearly more than the stale rule",
        patch_gain,
        Band(0.05, 1),
        fast_band=Band(),  # reported at the fast size, as the patch's columns are
    ),
    Claim(
        "ch07.preemption_beats_patch_long_term",
        7,
        "the preemption fix beats the patch over the long term: fewer defective housings "
        "shipped from the patch day to June 2026, the next supplier change included",
        preemption_fewer_shipped_share,
        Band(0.03, 1),
        # Measured on seeds 1-20 (the sheet for a supplier the model has not learnt, the
        # month's plan left): 5.6 % to 13.2 % fewer at the default size; 0.4 % to 9.6 % at
        # the fast size, where a quarter of the parts teaches the model less (seed 9: 5
        # housings out of 1,247): fewer on every seed, with a thin margin there.
        fast_band=Band(0.001, 1),
    ),
    Claim(
        "ch07.preemption_hours_saved",
        7,
        "over the same months the preemption fix never costs rapid response more hours on "
        "fires than the patch alone, and saves some on many seeds",
        preemption_hours_saved,
        # Measured on seeds 1-20: 0 to 2.5 hours saved at the default size (a saving on 8
        # seeds), 0 to 7.5 at the fast size (on 12). A saving on every seed cannot be
        # asserted: on the others the patch alone has no fire after the reopening either,
        # or both worlds fight the same ones (the next supplier's first weeks, when the
        # model has not learnt it yet and the same sheet flags its parts).
        Band(0, math.inf),
    ),
)
