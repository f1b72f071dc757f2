import pandas as pd

from pocmvp.case import business_case as bc
from pocmvp.case import factory, returns
from pocmvp.case.status_quo import ECONOMICS


def test_every_declared_figure_has_a_reason():
    declared = bc.declared()
    assert declared["reason"].str.len().min() > 20
    assert declared.loc["cost of a customer return", "value"] == ECONOMICS.cost_per_shipped_defect
    assert declared.loc["horizon", "value"] == bc.HORIZON_MONTHS
    assert declared.loc["MES integration", "value"] > declared.loc["MES feed upkeep", "value"]


def test_the_horizon_is_the_products_remaining_life():
    assert pd.Timestamp(f"{factory.YEAR}-08-31") == bc.DECIDED_ON
    assert bc.DECIDED_ON.strftime("%Y-%m") == factory.TRAIN_MONTHS[-1], "the history's last day"
    assert bc.HORIZON_MONTHS == 36 and bc.PRODUCT_END > bc.DECIDED_ON


def test_the_model_step_is_decided_when_its_evidence_is_final():
    last_day = pd.Timestamp(f"{bc.EVIDENCE_LAST}-01") + pd.offsets.MonthEnd(0)
    arrived = last_day + pd.Timedelta(days=returns.CUSTOMER_DELAY.longest_days)
    assert arrived < bc.MODEL_STEP_DECIDED_ON, "a return is booked after it arrives"
    assert pd.Timestamp(f"{factory.YEAR}-12-29") == bc.MODEL_STEP_DECIDED_ON
    assert bc.final_on(bc.EVIDENCE_LAST, returns.MONTHLY_LIST) > bc.MODEL_STEP_DECIDED_ON
    assert factory.HELD_OUT_MONTHS[0] == bc.EVIDENCE_FROM
    assert 0.9 < bc.FINAL_LAG_MONTHS < 1.0
    assert bc.STEP_WAIT_MONTHS == bc.EVIDENCE_MONTHS + bc.FINAL_LAG_MONTHS
