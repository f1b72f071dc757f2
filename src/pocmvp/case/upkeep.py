"""The MVP's upkeep: the manual chores that keep the rule running, declared once.

The MVP ships with zero system changes because people do by hand what systems would do: the
quality lead writes the monthly report, copies the shift-log export, matches returns to part
ids, emails each shift its flags, refits the rule when it goes stale. Chapter 5 prices these
hours as the MVP's running cost; chapter 8's engineering group automates them. Both read this
one list, so the two chapters cannot disagree about what the MVP costs to keep alive.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Automation:
    """One piece of engineering's work: what it replaces, and what it saves."""

    name: str
    replaces: str
    hours_per_month_before: float
    hours_per_month_after: float
    lead_time_days_before: float
    lead_time_days_after: float
    lead_time_of: str

    @property
    def hours_saved_per_month(self) -> float:
        return self.hours_per_month_before - self.hours_per_month_after

    @property
    def lead_time_cut_days(self) -> float:
        return self.lead_time_days_before - self.lead_time_days_after


ENGINEERING_WORK: tuple[Automation, ...] = (
    Automation(
        "monthly report, scheduled",
        "the quality lead filtering the spreadsheet and writing the report email by hand",
        6.0,
        0.5,
        3,
        0,
        "month end to report in the inbox",
    ),
    Automation(
        "shift-log feed",
        "copying the shift-log export into the rule workbook every morning",
        5.0,
        0.5,
        1,
        0,
        "a cast part to its row in the sheet",
    ),
    Automation(
        "returns feed",
        "a monthly list of customer returns from sales, matched to part ids by hand",
        4.0,
        0.25,
        30,
        1,
        "a return booked to the catch rate that counts it",
    ),
    Automation(
        "flag write-back to the shift leads' sheet",
        "the quality lead filtering the flags and emailing each shift its list",
        8.0,
        0.5,
        1,
        0,
        "a rule change to the shift that acts on it",
    ),
    Automation(
        "weekly retrain and threshold job",
        "refitting the rule by hand when someone notices it has gone stale",
        3.0,
        0.5,
        14,
        7,
        "new outcomes to a model that has learnt from them",
    ),
)
"""Engineering's list (assumptions, declared here so every total is computed): hours of
people's time per month before and after, and the lead time each cuts."""


def mvp_hours_per_month(items: tuple[Automation, ...] = ENGINEERING_WORK) -> float:
    """People's hours a month to keep the MVP running before engineering automates it."""
    return float(sum(item.hours_per_month_before for item in items))


def automated_hours_per_month(items: tuple[Automation, ...] = ENGINEERING_WORK) -> float:
    """The same chores' hours a month once engineering has automated them."""
    return float(sum(item.hours_per_month_after for item in items))
