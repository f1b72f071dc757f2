"""The business case: two ways to ship fewer defective parts, valued month by month.

An option saves money only once it is live. Its expected value counts the months it takes
to go live, its one-off and running costs, and the chance it never ships at all (its build
cost is spent either way). The same held-out months feed both options, so the comparison is
like for like.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp import upkeep
from pocmvp.bill import PERSON_WEEK_EUR
from pocmvp.factory import month_of

HORIZON_MONTHS = 12
WORKING_DAYS_PER_MONTH = 20
DAY_RATE = PERSON_WEEK_EUR / 5
"""Loaded cost of one person-day, the same rate the POC's production bill uses."""
POC_CHANCE_OF_SHIPPING = 0.4
"""Declared, not measured: the chance that a project needing three system changes and a
retrained department goes live at all. Chapter 5 shows how the verdict moves with it."""


@dataclass(frozen=True)
class Task:
    """One piece of work to put an option live, in person-days."""

    name: str
    person_days: float
    system_changed: str | None = None
    """The IT system this task changes, if any (the MVP changes none)."""


MVP_TASKS: tuple[Task, ...] = (
    Task("find the rule on the history and check it against the held-out months", 2.0),
    Task("write the rule into the quality lead's workbook as a formula column", 1.0),
    Task("set up the monthly report email", 1.0),
    Task("walk the quality lead and the X-ray operators through it", 0.5),
)
MVP_RUNNING_HOURS_PER_MONTH = upkeep.mvp_hours_per_month()
"""The manual chores that keep the MVP alive (:data:`pocmvp.upkeep.ENGINEERING_WORK`, before
engineering automates them): the same hours chapter 7 counts."""
MVP_CHANCE_OF_SHIPPING = 0.95
"""Declared: it touches no system and no one's job changes, so little can stop it."""


@dataclass(frozen=True)
class Option:
    """One way to route parts to the X-ray test, as a business decision."""

    name: str
    monthly_saving: float
    """Euros saved per live month: fewer defective parts shipped times the cost of a return."""
    months_to_go_live: float
    one_off_cost: float
    """Spent evenly over the months it takes to go live (or at once if that is under a month)."""
    running_cost_per_month: float
    chance_of_shipping: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.chance_of_shipping <= 1:
            raise ValueError(f"chance_of_shipping must be in [0, 1], got {self.chance_of_shipping}")
        if self.months_to_go_live < 0:
            raise ValueError(f"months_to_go_live must be >= 0, got {self.months_to_go_live}")


def mvp_option(saving_per_month: float) -> Option:
    """The spreadsheet rule as an option, from its declared tasks (no system changes)."""
    days = sum(task.person_days for task in MVP_TASKS)
    return Option(
        name="MVP: spreadsheet rule",
        monthly_saving=saving_per_month,
        months_to_go_live=days / WORKING_DAYS_PER_MONTH,
        one_off_cost=days * DAY_RATE,
        running_cost_per_month=MVP_RUNNING_HOURS_PER_MONTH / 8 * DAY_RATE,
        chance_of_shipping=MVP_CHANCE_OF_SHIPPING,
    )


def systems_changed(tasks: tuple[Task, ...]) -> list[str]:
    """The distinct IT systems a list of tasks changes."""
    return sorted({t.system_changed for t in tasks if t.system_changed})


def monthly_saving(
    shipped_today: float, shipped_with_option: float, cost_per_shipped_defect: float
) -> float:
    """Euros a month saved by shipping fewer defective parts."""
    return (shipped_today - shipped_with_option) * cost_per_shipped_defect


def monthly_value(option: Option, horizon: int = HORIZON_MONTHS) -> pd.Series:
    """Expected net value in each month 1..horizon (euros)."""
    month = np.arange(1, horizon + 1)
    # Share of each month the option is live: 0 before go-live, a fraction in that month.
    live = np.clip(month - option.months_to_go_live, 0, 1)
    build_months = max(option.months_to_go_live, 1.0)
    building = np.clip(build_months - (month - 1), 0, 1)
    spend = option.one_off_cost * building / build_months
    benefit = (
        option.chance_of_shipping * live * (option.monthly_saving - option.running_cost_per_month)
    )
    return pd.Series(benefit - spend, index=pd.Index(month, name="month"), name=option.name)


def cumulative_value(option: Option, horizon: int = HORIZON_MONTHS) -> pd.Series:
    """Expected cumulative net value at the end of each month."""
    return monthly_value(option, horizon).cumsum()


def break_even_month(option: Option, horizon: int = 60) -> int | None:
    """The first month whose cumulative value is positive, or None within ``horizon``."""
    cumulative = cumulative_value(option, horizon)
    positive = cumulative[cumulative > 0]
    return int(positive.index[0]) if len(positive) else None


def compare(options: list[Option], horizon: int = HORIZON_MONTHS) -> pd.DataFrame:
    """Side by side: saving, go-live, costs, chance, net value over the horizon, break-even."""
    rows = []
    for option in options:
        rows.append(
            {
                "option": option.name,
                "monthly saving when live (€)": option.monthly_saving,
                "months to go live": option.months_to_go_live,
                "one-off cost (€)": option.one_off_cost,
                "running cost per month (€)": option.running_cost_per_month,
                "chance of shipping": option.chance_of_shipping,
                f"expected net value over {horizon} months (€)": cumulative_value(
                    option, horizon
                ).iloc[-1],
                "break-even month": break_even_month(option),
            }
        )
    return pd.DataFrame(rows).set_index("option")


def lines_of_code(path: Path) -> int:
    """Lines of Python in a file that are neither blank, comments nor docstrings."""
    return count_code_lines(Path(path).read_text(encoding="utf-8"))


def count_code_lines(source: str) -> int:
    """Lines of Python source that are neither blank, comments nor docstrings."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    docstring_lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and number not in docstring_lines:
            count += 1
    return count


def third_party_imports(path: Path) -> list[str]:
    """Top-level packages a module imports, excluding the standard library and pocmvp."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    return sorted(n for n in names if n not in stdlib and n != "pocmvp")


# --- Head to head on the same held-out months ---------------------------------------------

OUTCOME_COLUMNS = ("tested", "caught", "false_alarms", "shipped_defects")


@dataclass(frozen=True)
class HeadToHead:
    """Today's sample, the POC and the MVP routing the same parts at the same capacity."""

    table: pd.DataFrame
    """One row per option: parts tested, defects caught, false alarms, defective parts
    shipped, inspection hours, catch rate."""
    monthly_shipped: pd.DataFrame
    """Defective parts shipped per month and option."""
    months: int

    def fewer_shipped(self, option: str) -> int:
        """Defective parts shipped fewer than today over the months compared."""
        shipped = self.table["shipped_defects"]
        return int(shipped["today"] - shipped[option])

    def reduction(self, option: str) -> float:
        """Share fewer defective parts shipped than today."""
        return self.fewer_shipped(option) / float(self.table.loc["today", "shipped_defects"])

    @property
    def share_of_promise(self) -> float:
        """How much of the POC's reduction the MVP delivers."""
        return self.fewer_shipped("MVP") / self.fewer_shipped("POC")

    def saving_per_month(self, option: str, cost_per_shipped_defect: float) -> float:
        return monthly_saving(self.fewer_shipped(option) / self.months, 0, cost_per_shipped_defect)


def head_to_head(
    parts: pd.DataFrame,
    tested: dict[str, pd.Series],
    minutes_per_test: float,
) -> HeadToHead:
    """Compare routings of the same ``parts``: ``tested`` maps an option's name ("today",
    "POC", "MVP", ...) to its boolean tested Series. Every part is counted in every option."""
    from pocmvp.status_quo import monthly_outcome

    rows, monthly = {}, {}
    for name, selection in tested.items():
        outcome = monthly_outcome(parts, selection)
        totals = outcome[list(OUTCOME_COLUMNS)].sum().astype(float)
        if totals["caught"] + totals["shipped_defects"] != outcome["defects"].sum():
            raise AssertionError(f"{name}: caught and shipped do not add up to the defects")
        totals["inspection_hours"] = totals["tested"] * minutes_per_test / 60
        totals["catch_rate"] = totals["caught"] / outcome["defects"].sum()
        rows[name] = totals
        monthly[name] = outcome["shipped_defects"]
    table = pd.DataFrame(rows).T
    months = month_of(parts).nunique()
    return HeadToHead(table=table, monthly_shipped=pd.DataFrame(monthly), months=months)


def lines_of_code_of(objects: list) -> int:
    """Lines of code (counted as :func:`count_code_lines` does) of functions and classes."""
    return sum(count_code_lines(inspect.getsource(obj)) for obj in objects)
