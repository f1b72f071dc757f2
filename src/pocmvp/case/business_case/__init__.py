"""The business case: four plans to ship fewer defective parts, valued month by month.

By stage, one module each:

* :mod:`~pocmvp.case.business_case.economics`: the declared figures with their reasons, the
  horizon (the product's remaining life), the dates (the decision on 31 August, the model
  step once the rule's evidence is final), the chance of shipping;
* :mod:`~pocmvp.case.business_case.plans`: each step, what it delivers and what it takes;
* :mod:`~pocmvp.case.business_case.measure`: what each deliverable saves, at the decision
  (inside the history) and looking back (a labelled backtest), and the model step's evidence
  (both, every month final on its date that no option learned from);
* :mod:`~pocmvp.case.business_case.valuation`: value month by month, break-even, the plans;
* :mod:`~pocmvp.case.business_case.verdict`: where POC first (either way) would win, and
  where the model step is or is not built;
* :mod:`~pocmvp.case.business_case.footprint`: lines of code and dependencies.

The four plans (:func:`four_plans`):

* **POC first**: the whole production bill of chapter 3, then the POC's saving.
* **POC first, the cheap way**: the POC through the cheapest path that existed on the
  decision date: the MES feed and a scoring job writing where the X-ray cell already reads.
* **MVP only**: the spreadsheet rule, live in about a week.
* **MVP now, then the model**: the rule; once its evidence is final, a tuned shift-log model
  scored by a job that writes into the column the X-ray cell already reads; then the MES feed
  for the POC's model. A step is built only if it adds to the plan's value over the horizon.
"""

from pocmvp.case.business_case.economics import *  # noqa: F403
from pocmvp.case.business_case.footprint import *  # noqa: F403
from pocmvp.case.business_case.measure import *  # noqa: F403
from pocmvp.case.business_case.plans import *  # noqa: F403
from pocmvp.case.business_case.valuation import *  # noqa: F403
from pocmvp.case.business_case.verdict import *  # noqa: F403
