"""The claims chapter 6 makes; see :mod:`pocmvp.case.story`.

Chapter 6 stands on 1 December 2025: three reports have gone out (September to November,
rule v1 in force), the X-ray cell's complaint came in November, and v2 goes live that day.
Every claim uses only what was known then, or says when it became known.
"""

from __future__ import annotations

import math

from pocmvp.case import factory, iteration, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.story.claims import Band, Claim, Story
from pocmvp.toolkit import report

FIRST, SECOND = factory.HELD_OUT_MONTHS[:2]
V2_LIVE_FROM = iteration.RELEASES[1].live_from


def _versions(story: Story) -> dict:
    return story.shared("versions", lambda: iteration.rule_versions(story.shift_log))


def _first_month(story: Story):
    """The first live month's parts, tested by v1, and their returns."""

    def make():
        parts = factory.in_months(story.shift_log, (FIRST,))
        v1 = _versions(story)["v1"]
        tested = rule.within_capacity(parts, v1.flag(parts))
        seen = returns.returns_of(story.shift_log, story.seed).for_parts(parts.index)
        return parts, tested, seen

    return story.shared("ch06.first_month", make)


def first_report_share_so_far(story: Story) -> float:
    """Of the first live month's shipped defects, the share booked by its report's morning."""
    parts, tested, seen = _first_month(story)
    booked = seen.booked_returns(tested, parts[factory.TARGET])
    shipped = booked.notna().sum()
    known = (booked <= report.report_morning(FIRST)).sum()
    return float(known / shipped) if shipped else math.nan


def first_month_final_in_next_report(story: Story) -> float:
    """1 if every return of the first live month is in by the next report's morning."""
    parts, _, seen = _first_month(story)
    return float(seen.final_on(parts["cast_at"]) <= report.report_morning(SECOND))


def _feedback(story: Story):
    return story.shared(
        "ch06.feedback", lambda: iteration.shift_breakdown(story.held_out, _versions(story)["v1"])
    )


def night_false_alarm_excess(story: Story) -> float:
    """v1 on the live months: the night shift's share of the false alarms minus its share
    of the parts (X-ray results, known at once)."""
    night = _feedback(story).loc[iteration.NIGHT]
    return float(night["share_of_false_alarms"] - night["share_of_parts"])


def night_reading_offset(story: Story) -> float:
    return iteration.reading_offset(story.history)


def final_live_months(story: Story) -> tuple[str, ...]:
    """The live months whose returns were all in when v2 went live."""
    seen = returns.returns_of(story.shift_log, story.seed)
    return returns.final_months(story.shift_log, seen, V2_LIVE_FROM, factory.HELD_OUT_MONTHS)


def _v1_against_v2(story: Story):
    def make():
        judged = factory.in_months(story.shift_log, final_live_months(story))
        return iteration.compare_by_shift(judged, _versions(story))

    return story.shared("ch06.v1_against_v2", make)


def v2_night_false_alarm_cut(story: Story) -> float:
    """At equal tests, the share of the night shift's false alarms v2 removes."""
    alarms = _v1_against_v2(story)["false_alarms"].loc[iteration.NIGHT]
    return float(1 - alarms["v2"] / alarms["v1"]) if alarms["v1"] else math.nan


def v2_found_change(story: Story) -> float:
    """At equal tests, v2's defects found over v1's, minus one."""
    found = _v1_against_v2(story)["found"].loc[iteration.ALL_SHIFTS]
    return float(found["v2"] / found["v1"] - 1) if found["v1"] else math.nan


def v1_value_per_final_month(story: Story) -> float:
    """Euros a month v1 captured beyond today's sample, over the final live months."""
    judged = factory.in_months(story.shift_log, final_live_months(story))
    value = iteration.value_captured(judged, _versions(story)["v1"])
    return float(value["value_eur"].mean())


CLAIMS = (
    Claim(
        "ch06.first_report_share_so_far",
        6,
        "the first report knows only part of its month's shipped defects",
        first_report_share_so_far,
        Band(0.2, 0.9),
    ),
    Claim(
        "ch06.first_month_final_next_report",
        6,
        "the report for October states September's shipped defects final",
        first_month_final_in_next_report,
        Band(1, 1),
    ),
    Claim(
        "ch06.night_false_alarm_excess",
        6,
        "v1 gives the night shift more than its share of the false alarms",
        night_false_alarm_excess,
        Band(0.05, 1),
    ),
    Claim(
        "ch06.night_reading_offset_c",
        6,
        "the night crew reads the melt about 6 °C high",
        night_reading_offset,
        Band(4, 8),
    ),
    Claim(
        "ch06.v2_night_false_alarm_cut",
        6,
        "at equal tests, v2 cuts the night shift's false alarms materially",
        v2_night_false_alarm_cut,
        Band(0.15, 1),
        fast_band=Band(-0.1, 1),
    ),
    Claim(
        "ch06.v2_found_change",
        6,
        "at equal tests, v2 finds about as many defects as v1, or more",
        v2_found_change,
        Band(-0.1, math.inf),
        fast_band=Band(-0.25, math.inf),
    ),
    Claim(
        "ch06.v1_value_per_month_eur",
        6,
        "the live rule captures value beyond today's sample every month",
        v1_value_per_final_month,
        Band(0, math.inf),
    ),
)
