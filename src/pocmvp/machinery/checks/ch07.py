"""Checks for chapter 7's exercises: when fires start (chapter 8's, on organising for
unplanned work, are in :mod:`pocmvp.machinery.checks.ch08`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pocmvp.case import factory, firefighting, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.detection import CHANGE_DATE, days_to_notice, rule_in_force
from pocmvp.case.rapid_response import new_supplier_outcomes
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.machinery.checks.memo import by_content
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    check_number,
    check_with,
)

AFTER_THE_FACT = (factory.TARGET, "defect_type", factory.LEAKING_FIELD)
"""The columns written only after a part is tested or returned: a same-day alert cannot
read them."""


_replay = by_content(firefighting.replay)
"""December replayed once per shift log and seed: each attempt reads the same replay."""


def weekly_days_without_the_feed(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    december = _replay(shift_log, seed)

    def days(cadence: str, booking: returns.Booking) -> float:
        return days_to_notice(shift_log, december.tested, december.seen, cadence, booking)

    expected = days("weekly check", returns.MONTHLY_LIST)
    return check_number(
        "7.1",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.5,
        tier="check",
        hints=(
            "without the feed, a return is known only when sales' monthly list comes in, "
            "and the weekly check looks only once a week.",
            "call detection.days_to_notice with the parts tested, the returns, the "
            "cadence 'weekly check' and booking=returns.MONTHLY_LIST.",
        ),
        misconceptions=[
            Misconception(
                "with the feed",
                days("weekly check", returns.AS_IT_HAPPENED),
                "that is the weekly check with the returns feed, as it happened. The "
                "question takes the feed away: book returns by the monthly list only.",
            ),
            Misconception(
                "the list's day",
                days("monthly report", returns.MONTHLY_LIST),
                "that is the day the monthly list comes in. The weekly check sees it only "
                "when its week is over.",
            ),
            Misconception(
                "weeks, not days",
                expected / 7,
                "this looks like a number of weeks. Give the days from the supplier change.",
            ),
        ],
    )


def _patch_share(threshold: float, parts: pd.DataFrame) -> float:
    return float(rule.Rule.of(("melt_temp_c", "<", threshold)).flag(parts).mean())


def patch_threshold(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    """Right when ``melt_temp_c < answer`` flags between 80 % and 100 % of the capacity share
    of the NordAlloy parts known on the alarm's morning. The feedback's direction (too high
    / too low) is that of the share flagged, which grows with the threshold."""
    capacity = ECONOMICS.inspection_capacity_share
    december = _replay(shift_log, seed)
    parts = new_supplier_outcomes(shift_log, december.tested, december.seen, december.alarm_on)
    melt = parts["melt_temp_c"]
    live = rule_in_force(shift_log, december.alarm_on)
    hot = next(c.threshold for c in live.conditions if c.column == "melt_temp_c")

    def number(answer: object) -> float:
        value = float(answer)  # type: ignore[arg-type]
        if math.isnan(value):
            raise ValueError("expected a temperature in °C, got NaN")
        return value

    def right(answer: object) -> bool:
        share = _patch_share(number(answer), parts)
        return 0.8 * capacity - 1e-9 <= share <= capacity + 1e-9

    candidates = [
        Misconception(
            "the hot end",
            float(melt.quantile(1 - 0.9 * capacity)),
            "that threshold leaves the capacity share of the parts *above* it. The patch "
            "sends the parts *below* T: the new defects come from cold melts.",
        ),
        Misconception(
            "the live rule's threshold",
            float(hot),
            "that is the rule in force's threshold for hot melts. The new alloy fails when "
            "the melt runs cold, so the patch needs its own threshold, read from the "
            "NordAlloy parts.",
        ),
    ]
    known = [m for m in candidates if not right(m.answer)]

    def diagnose(answer: object) -> Misconception | str:
        value = number(answer)
        for mistake in known:
            if math.isclose(value, float(mistake.answer), abs_tol=0.05):  # type: ignore[arg-type]
                return mistake
        if _patch_share(value, parts) > capacity:
            return "too high: the patch flags more parts than the X-ray cell can test."
        return "too low: the patch leaves more than a fifth of the X-ray capacity unused."

    return check_with(
        "7.2",
        answer,
        right,
        diagnose=diagnose,
        misconceptions=known,
        tier="apply",
        hints=(
            "the share of parts flagged grows with T: look for the T whose share of the "
            "NordAlloy parts known that morning is just under the capacity share.",
            "take a quantile of known_new['melt_temp_c'] a little below capacity_share, "
            "and check the share of parts whose melt is below it.",
        ),
    )


# ----------------------------------------------------------------------------- the stretch

ALERT_MISTAKES = {
    "not a function": "the answer must be a function alert(day, before) that returns "
    "True (raise the alert) or False.",
    "known only later": "it reads a column written only after a part is tested or returned. "
    "On the day a part is cast nobody knows its outcome: use the columns known then.",
    "not a yes or no": "it returns one value per part. The alert answers once for the whole "
    "day: True or False (pandas' .any() or .all() turns a column into one answer).",
    "false alarms": "it fires on days before the supplier change, when nothing had changed. "
    "An alert that cries wolf is soon ignored.",
    "silent": "it does not fire on the day the new supplier's parts are cast.",
}


LOOKBACK_DAYS = 7
"""The alert compares a day's parts with those of the days just before it."""


def alert_days(shift_log: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.DataFrame, pd.DataFrame]]:
    """The days the alert is judged on: every day of the live months before the change,
    then the change's day. Each comes with its parts and those of the
    :data:`LOOKBACK_DAYS` days before it, with only the columns known when a part is cast."""
    known = shift_log.drop(columns=list(AFTER_THE_FACT)).sort_values("cast_at", kind="stable")
    cast = known["cast_at"].to_numpy()
    day = known["cast_at"].dt.normalize()
    months = factory.month_of(known)
    judged = months.isin(factory.HELD_OUT_MONTHS) | (day == CHANGE_DATE)
    found = []
    for today in sorted(day[judged].unique()):
        today = pd.Timestamp(today)
        start = today - pd.Timedelta(days=LOOKBACK_DAYS)
        end = today + pd.Timedelta(days=1)
        a, b, c = cast.searchsorted(
            [start.to_datetime64(), today.to_datetime64(), end.to_datetime64()]
        )
        found.append((today, known.iloc[b:c], known.iloc[a:b]))
    return found


def _verdicts(alert: object, shift_log: pd.DataFrame) -> dict[pd.Timestamp, object] | str:
    """What the alert says on each judged day, or the name of the mistake that stopped it."""
    if not callable(alert):
        return "not a function"
    said: dict[pd.Timestamp, object] = {}
    for today, parts, before in alert_days(shift_log):
        try:
            verdict = alert(parts.copy(), before.copy())
        except KeyError as error:
            if any(column in str(error) for column in AFTER_THE_FACT):
                return "known only later"
            raise
        if isinstance(verdict, pd.Series | pd.DataFrame | np.ndarray) and np.size(verdict) > 1:
            return "not a yes or no"
        said[today] = bool(verdict)
    return said


def _judge(alert: object, shift_log: pd.DataFrame) -> str | None:
    """None when the alert is right, else the name of its mistake."""
    said = _verdicts(alert, shift_log)
    if isinstance(said, str):
        return said
    if any(v for day, v in said.items() if day < CHANGE_DATE):
        return "false alarms"
    if not said.get(CHANGE_DATE, False):
        return "silent"
    return None


def _alert_examples() -> list[Misconception]:
    """An answer that shows each mistake (for the tests and pocmvp grade)."""

    def reads_outcome(day: pd.DataFrame, before: pd.DataFrame) -> bool:
        return bool(day[factory.TARGET].mean() > 0.1)

    def per_part(day: pd.DataFrame, before: pd.DataFrame) -> pd.Series:
        return day["melt_temp_c"] < before["melt_temp_c"].median()

    def always(day: pd.DataFrame, before: pd.DataFrame) -> bool:
        return True

    def never(day: pd.DataFrame, before: pd.DataFrame) -> bool:
        return False

    examples: dict[str, object] = {
        "not a function": 680.0,
        "known only later": reads_outcome,
        "not a yes or no": per_part,
        "false alarms": always,
        "silent": never,
    }
    return [Misconception(name, examples[name], ALERT_MISTAKES[name]) for name in examples]


def same_day_alert(answer: object, shift_log: pd.DataFrame) -> Feedback:
    """Stretch: a function ``alert(day, before)`` that fires the day the new supplier's
    parts are cast and on no day of the live months before. ``day`` holds one day's parts,
    ``before`` those of the :data:`LOOKBACK_DAYS` days before it; neither has a column
    written after casting. The rubric of
    the design is in the teaching notes."""
    examples = _alert_examples()
    found: dict[str, str | None] = {}

    def right(alert: object) -> bool:
        found["mistake"] = _judge(alert, shift_log)
        return found["mistake"] is None

    def diagnose(alert: object) -> Misconception | str:
        name = found.get("mistake")
        if name in ALERT_MISTAKES:
            return Misconception(name, alert, ALERT_MISTAKES[name])
        return "it does not fire on the day of the change and only then."

    return check_with(
        "7.3",
        answer,
        right,
        diagnose=diagnose,
        misconceptions=examples,
        tier="stretch",
        hints=(
            "on the day of the change no outcome is known yet: what in the day's own "
            "parts, known the moment they are cast, differs from the days before?",
            "compare a column of the day's parts that describes the material with the "
            "values seen in `before`, and return one True or False for the day.",
        ),
    )
