"""Write the example table the report notebook runs on by default, and its approved rule.

Run once (``.venv/bin/python tools/make_report_example.py``): a shop's orders over four
months (``example_orders.csv``, whether each order was fraud is known when the report runs)
and the rule chosen on its first two months at a 5 % review capacity, live from September
(``example_rule.json``), both beside ``src/pocmvp/toolkit/report_notebook/monthly_report.ipynb``.
The report notebook reports this table unless told otherwise: the toolkit's report needs no
case to run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pocmvp.toolkit import report, routing, rule, rulefile

CAPACITY = 0.05


def orders(n: int = 2400, seed: int = 11) -> pd.DataFrame:
    """Orders, their amount and the customer's account age, and whether they were fraud."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2025-07-01") + pd.to_timedelta(
        np.sort(rng.uniform(0, 123, n)), unit="D"
    )
    amount = rng.gamma(2.0, 60.0, n).round(2)
    account_days = rng.integers(0, 2000, n)
    risk = 0.01 + 0.15 * (amount > 280) + 0.08 * (account_days < 30)
    return pd.DataFrame(
        {
            "order_id": [f"o{i:05d}" for i in range(1, n + 1)],
            "created": created.strftime("%Y-%m-%d %H:%M"),
            "amount": amount,
            "account_days": account_days,
            "fraud": rng.random(n) < risk,
        }
    )


def main() -> None:
    table = orders()
    table.to_csv(report.EXAMPLE_TABLE, index=False)
    months = routing.month_labels(pd.to_datetime(table["created"]))
    history = table[(months <= "2025-08").to_numpy()]
    chosen = rule.find_rule(history, "fraud", CAPACITY, ["amount", "account_days"])
    approved = rulefile.RuleFile(
        rule=chosen,
        capacity=CAPACITY,
        target="fraud",
        id="order_id",
        time="created",
        chosen_on={"data": report.EXAMPLE_TABLE.name, "history_until": "2025-08"},
        live_from=dt.date(2025, 9, 1),
    )
    approved.save(report.EXAMPLE_RULE)
    print(f"wrote {report.EXAMPLE_TABLE} and {report.EXAMPLE_RULE}: {chosen.describe()}")


if __name__ == "__main__":
    main()
