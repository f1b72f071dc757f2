"""Checks for chapter 2's exercises: the overbuilt proof of concept."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import baselines, factory, poc
from pocmvp.machinery.selfcheck import Feedback, check_choice, check_number


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
    flags = _melt_flags(shift_log).reindex(held_out.index)
    expected = poc.recall_at_capacity(held_out, flags)
    return check_number(
        "2.2",
        answer,
        expected,
        hint="flag the hot melts with poc.decision_flags on the routing window (each "
        "month's threshold comes from the month before), route the held-out months with "
        "poc.routed, and divide the defects caught by all held-out defects.",
    )


def melt_reduction(answer: object, shift_log: pd.DataFrame) -> Feedback:
    expected = poc.promise(shift_log, _melt_flags(shift_log)).reduction
    return check_number(
        "2.3",
        answer,
        expected,
        rel_tol=0.02,
        hint="poc.promise compares any flags with today's sample on the held-out months; "
        "give a share (0.1 for 10 %), not a count.",
    )


def _melt_flags(shift_log: pd.DataFrame) -> pd.Series:
    window = baselines.routing_window(shift_log)
    return poc.decision_flags(window, window["melt_temp_c"])
