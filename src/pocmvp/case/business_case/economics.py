"""The business case's declared economics: every figure with its reason, and the dates.

Nothing here is measured. Each figure is a declaration a plant controller would make, with
the reason written beside it (:func:`declared`), so a reader can disagree with one figure
and see, in chapter 5's boundaries, how far it would have to move to change a decision.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.case import bill, factory, returns, upkeep
from pocmvp.case.status_quo import ECONOMICS

DECIDED_ON = pd.Timestamp(f"{factory.YEAR}-08-31")
"""The choice between plans is made on the last day of the history, before the rule goes
live (1 September): only the history months are known."""
PRODUCT_END = pd.Timestamp(f"{factory.YEAR + 3}-08-31")
"""Declared: the housing's customer programme ends its series production three years after
the decision (the vehicle's facelift replaces the part). Nothing saved on this part counts
after that."""
HORIZON_MONTHS = round((PRODUCT_END - DECIDED_ON).days / 365.25 * 12)
"""The months over which the plans are compared: the product's remaining life, from the
decision to the end of its series production (36)."""
BREAK_EVEN_SEARCH_MONTHS = 120
"""How far :func:`break_even_month` looks before it says "no break-even"."""
WORKING_DAYS_PER_MONTH = 20
HOURS_PER_DAY = 8
DAY_RATE = bill.PERSON_WEEK_EUR / 5
"""Loaded cost of one person-day, the same rate the POC's production bill uses."""
DAYS_PER_MONTH = 365.25 / 12

EVIDENCE_MONTHS = 3.0
"""Months a step runs live before the next one is weighed: three monthly reports."""
EVIDENCE_FROM = factory.HELD_OUT_MONTHS[0]
"""The rule's first live month: its evidence starts here."""
EVIDENCE_LAST = factory.HELD_OUT_MONTHS[int(EVIDENCE_MONTHS) - 1]
"""The last month of the rule's evidence for the model step."""


def final_on(month: str, booking: returns.Booking = returns.AS_IT_HAPPENED) -> pd.Timestamp:
    """The first morning on which every return of ``month``'s parts is known: its last day
    plus the customer's longest delay (:data:`pocmvp.case.returns.CUSTOMER_DELAY`), booked as
    the plant books returns on that date."""
    last_day = pd.Timestamp(f"{month}-01") + pd.offsets.MonthEnd(0)
    arrived = last_day + pd.Timedelta(days=returns.CUSTOMER_DELAY.longest_days)
    return pd.Timestamp(booking.known_from(pd.DatetimeIndex([arrived]))[0])


MODEL_STEP_DECIDED_ON = final_on(EVIDENCE_LAST)
"""The first date on which the rule's three live months are final: the model step is
weighed on this date, with what is known on it."""
FINAL_LAG_MONTHS = (
    MODEL_STEP_DECIDED_ON - (pd.Timestamp(f"{EVIDENCE_LAST}-01") + pd.offsets.MonthEnd(0))
).days / DAYS_PER_MONTH
"""Months from the end of a step's evidence until its last returns are booked."""
STEP_WAIT_MONTHS = EVIDENCE_MONTHS + FINAL_LAG_MONTHS
"""Months a step runs live before the next is decided: its evidence, then its returns."""

# --- The chance of shipping, declared once ---------------------------------------------------

CHANCE_ANY_PROJECT_SHIPS = 0.95
"""Declared: even a project that changes nothing can be stopped (a new priority, a leaver)."""
CHANCE_PER_SYSTEM_CHANGED = 0.8
"""Declared: each IT system a step must change is one more owner, budget and test that can
stall it."""
CHANCE_PER_DEPARTMENT_RETRAINED = 0.85
"""Declared: each department that must learn a new way of working is one more way to stall."""


def chance_of_shipping(systems_changed: int, departments_retrained: int, *, first: bool) -> float:
    """The declared chance that a step ships, from what it must change.

    A plan's first step carries :data:`CHANCE_ANY_PROJECT_SHIPS`; a later step is attempted
    only once the plan is under way, so its chance is that of its changes alone.
    """
    if systems_changed < 0 or departments_retrained < 0:
        raise ValueError("systems_changed and departments_retrained must be >= 0")
    base = CHANCE_ANY_PROJECT_SHIPS if first else 1.0
    return float(
        base
        * CHANCE_PER_SYSTEM_CHANGED**systems_changed
        * CHANCE_PER_DEPARTMENT_RETRAINED**departments_retrained
    )


POC_CHANCE_OF_SHIPPING = chance_of_shipping(
    bill.systems_changed(), bill.departments_retrained(), first=True
)
"""The POC first: three systems changed and one department retrained (chapter 3's bill)."""


def _mes_feed() -> bill.SystemChange:
    return next(c for c in bill.CHANGES if c.system == "MES data feed")


def declared() -> pd.DataFrame:
    """Every economic figure the plans use, its value and the reason it is what it is."""
    feed = _mes_feed()
    rows = [
        (
            "cost of a customer return",
            ECONOMICS.cost_per_shipped_defect,
            "€ a part",
            "freight both ways, the customer's containment (a third party sorts the stock "
            "at the customer's plant), the credit note and the complaint's paperwork, spread "
            "over the returned parts; a die-caster's supplier contract charges these back",
        ),
        (
            "horizon",
            HORIZON_MONTHS,
            "months",
            f"the housing's remaining series life: its programme ends on "
            f"{PRODUCT_END:%d %B %Y}; a saving after that is no saving",
        ),
        (
            "MES integration",
            feed.one_off_cost_eur,
            "€ one-off",
            f"{feed.weeks:g} weeks of {feed.people} people at the bill's day rate plus "
            f"€{feed.outside_cost_eur:,.0f} of the MES vendor's interface licence and "
            "commissioning (the bill's MES data feed)",
        ),
        (
            "MES feed upkeep",
            feed.running_cost_per_month_eur,
            "€ a month",
            "the vendor's support contract and plant IT's watch over the buffer",
        ),
        (
            "a person-day",
            DAY_RATE,
            "€",
            "the loaded cost of an engineer or data scientist (the bill's person-week / 5)",
        ),
        (
            "the MVP's upkeep",
            upkeep.mvp_hours_per_month(),
            "hours a month",
            "the manual chores of chapter 8's engineering list, before they are automated",
        ),
        (
            "evidence before a later step",
            STEP_WAIT_MONTHS,
            "months",
            f"{EVIDENCE_MONTHS:g} monthly reports, then the customer's longest delay "
            f"({returns.CUSTOMER_DELAY.longest_days} days) until their returns are final",
        ),
        (
            "chance a project ships",
            CHANCE_ANY_PROJECT_SHIPS,
            "share",
            "a new priority or a leaver can stop even a project that changes nothing",
        ),
        (
            "chance per system changed",
            CHANCE_PER_SYSTEM_CHANGED,
            "share",
            "each system is one more owner, budget and acceptance test that can stall",
        ),
        (
            "chance per department retrained",
            CHANCE_PER_DEPARTMENT_RETRAINED,
            "share",
            "each department that must work differently is one more way to stall",
        ),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit", "reason"]).set_index("figure")
