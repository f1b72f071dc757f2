"""Checks for chapter 2's exercises: the overbuilt proof of concept."""

from __future__ import annotations

import pandas as pd

from pocmvp import factory, poc
from pocmvp.selfcheck import Feedback, check_choice, check_number


def leaking_field(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    auc = poc.single_field_auc(history)
    return check_choice(
        "2.1",
        answer,
        auc.idxmax(),
        options=auc.index,
        hint="score the history's parts by each field alone and compare the ROC-AUCs; "
        "a field that predicts in the wrong direction counts too (use max(auc, 1 - auc)).",
    )


def melt_recall_at_capacity(answer: object, shift_log: pd.DataFrame) -> Feedback:
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    expected = poc.recall_at_capacity(held_out, held_out["melt_temp_c"])
    return check_number(
        "2.2",
        answer,
        expected,
        hint="use the held-out months only, send each month's hottest melts to the X-ray "
        "with poc.route_top_share, and divide the defects caught by all defects.",
    )


def melt_reduction(answer: object, shift_log: pd.DataFrame) -> Feedback:
    expected = poc.promise(shift_log, shift_log["melt_temp_c"]).reduction
    return check_number(
        "2.3",
        answer,
        expected,
        rel_tol=0.02,
        hint="poc.promise compares any score with today's sample on the held-out months; "
        "give a share (0.1 for 10 %), not a count.",
    )
