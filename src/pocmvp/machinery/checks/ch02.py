"""Checks for chapter 2's exercises: the overbuilt proof of concept."""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import roc_auc_score

from pocmvp.case import baselines, factory, poc, status_quo
from pocmvp.machinery.checks.memo import by_content
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_choice,
    check_number,
)
from pocmvp.machinery.stretch_note import check_note


def _history(shift_log: pd.DataFrame) -> pd.DataFrame:
    return factory.in_months(shift_log, factory.TRAIN_MONTHS)


def _held_out(shift_log: pd.DataFrame) -> pd.DataFrame:
    return factory.in_months(shift_log, factory.HELD_OUT_MONTHS)


def _every_month(shift_log: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(factory.month_of(shift_log).unique()))


def _raw_auc(table: pd.DataFrame) -> pd.Series:
    """Each field's ROC-AUC alone, not flipped: below 0.5 predicts the other way."""
    truth = table[factory.TARGET].astype(bool)
    fields = poc.single_field_auc(table).index
    return pd.Series({f: roc_auc_score(truth, table[f].fillna(table[f].median())) for f in fields})


@by_content
def _field_aucs(shift_log: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each field's ROC-AUC alone on the history: flipped (poc.single_field_auc), and not."""
    history = _history(shift_log)
    return poc.single_field_auc(history), _raw_auc(history)


def leaking_field(answer: object, shift_log: pd.DataFrame) -> Feedback:
    auc, raw_auc = _field_aucs(shift_log)
    expected = auc.idxmax()
    return check_choice(
        "2.1",
        answer,
        expected,
        options=auc.index,
        tier="check",
        hints=(
            "a leak is not merely the best field: it is far better than every other one, "
            "because it was written after the outcome.",
            "score the history's parts by each field alone, keep max(auc, 1 - auc) for each, "
            "and look for the field that stands far above the rest.",
        ),
        misconceptions=[
            Misconception(
                "the best honest field",
                auc.drop(index=expected).idxmax(),
                "that field is the best of the honest ones. The suspect stands far above "
                "every field, this one included.",
            ),
            Misconception(
                "without flipping",
                raw_auc.idxmin(),
                "that field's ROC-AUC is below 0.5 because it predicts in the other direction. "
                "Flip it with max(auc, 1 - auc): it is then an ordinary field.",
            ),
            Misconception(
                "a coin toss",
                auc.idxmin(),
                "that field is the closest to a coin toss. The question asks for the field "
                "that is suspiciously good.",
            ),
        ],
        explanations={
            f: f"alone, {f} does not stand out from the other fields of the history."
            for f in auc.index
        },
    )


def _melt_flags(table: pd.DataFrame) -> pd.Series:
    return poc.decision_flags(table, table["melt_temp_c"])


@by_content
def _recall_figures(shift_log: pd.DataFrame) -> dict[str, float]:
    """The melt routing's recall on the held-out months, and its misconceptions' values."""
    history = _history(shift_log)
    held_out = _held_out(shift_log)
    window = baselines.routing_window(shift_log)
    flags = _melt_flags(window).reindex(held_out.index)
    tested = poc.routed(held_out, flags)
    caught = int((held_out[factory.TARGET] & tested).sum())
    cold = poc.decision_flags(window, -window["melt_temp_c"]).reindex(held_out.index)
    return {
        "expected": poc.recall_at_capacity(held_out, flags),
        "caught": caught,
        "precision": caught / tested.sum(),
        "cold": poc.recall_at_capacity(held_out, cold),
        "history": poc.recall_at_capacity(history, _melt_flags(history)),
    }


def melt_recall_at_capacity(answer: object, shift_log: pd.DataFrame) -> Feedback:
    figures = _recall_figures(shift_log)
    expected = figures["expected"]
    caught = figures["caught"]
    return check_number(
        "2.2",
        answer,
        expected,
        tier="check",
        hints=(
            "recall is the defects the X-ray cell catches divided by all the defects, on the "
            "held-out months only.",
            "flag the hot melts with poc.decision_flags on the routing window, route the "
            "held-out months with poc.routed, then divide the defects among the tested parts "
            "by all held-out defects.",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "a count",
                caught,
                "that is a count of defects caught. The question asks for a share of all "
                "held-out defects.",
            ),
            Misconception(
                "precision",
                figures["precision"],
                "that is the share of tested parts that are defective (precision). Recall "
                "divides the defects caught by all the defects.",
            ),
            Misconception(
                "the coldest melts",
                figures["cold"],
                "that routes the coldest melts. The question asks for the hottest readings.",
            ),
            Misconception(
                "the history",
                figures["history"],
                "that is computed on the history. Judge on the held-out months (`held_out`).",
            ),
        ],
    )


@by_content
def _melt_promise(shift_log: pd.DataFrame) -> poc.Promise:
    return poc.promise(shift_log, _melt_flags(baselines.routing_window(shift_log)))


@by_content
def _reduction_figures(shift_log: pd.DataFrame) -> dict[str, float]:
    """The melt routing's cut in shipped defects, and its misconceptions' values."""
    whole = _melt_flags(shift_log)
    return {
        "recall": _recall_figures(shift_log)["expected"],
        "every month": poc.promise(shift_log, whole, _every_month(shift_log)).reduction,
        "history": poc.promise(shift_log, whole, factory.TRAIN_MONTHS).reduction,
    }


def melt_reduction(answer: object, shift_log: pd.DataFrame) -> Feedback:
    promised = _melt_promise(shift_log)
    expected = promised.reduction
    figures = _reduction_figures(shift_log)
    recall = figures["recall"]
    return check_number(
        "2.3",
        answer,
        expected,
        rel_tol=0.02,
        tier="apply",
        hints=(
            "the cut is how many fewer defective parts are shipped than with today's sample, "
            "divided by what today's sample ships, on the held-out months.",
            "pass the melt flags of the routing window to poc.promise with the whole shift "
            "log, and read the share it reports (not the parts it counts).",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "a count",
                promised.fewer_shipped,
                "that is a number of defective parts. The question asks for a share of what "
                "today's sample ships.",
            ),
            Misconception(
                "what is still shipped",
                promised.shipped_with_score / promised.shipped_today,
                "that is the share still shipped. The question asks by how much the routing "
                "cuts it.",
            ),
            Misconception(
                "recall",
                recall,
                "that is the share of defects the X-ray cell catches (exercise 2.2). The cut "
                "compares the defective parts shipped with today's sample's.",
            ),
            Misconception(
                "every month",
                figures["every month"],
                "that counts every month of the shift log. The promise is judged on the "
                "held-out months.",
            ),
            Misconception(
                "the history",
                figures["history"],
                "that is computed on the history. The promise is judged on the held-out months.",
            ),
        ],
    )


def melt_saving_note(answer: object, shift_log: pd.DataFrame) -> Feedback:
    """Stretch: a note to the plant manager that prices, per month, what routing by the melt
    reading alone would save in returns, and argues what it means for the POC. The check
    reads the figure the note quotes; the rubric of the argument is in the teaching notes."""
    promised = _melt_promise(shift_log)
    months = len(promised.months)
    price = status_quo.ECONOMICS.cost_per_shipped_defect
    saving = promised.saving_per_month()
    wrong_figures = {
        "the whole period": saving * months,
        "today's cost": promised.shipped_today / months * price,
        "a count": promised.fewer_shipped / months,
    }
    feedback = {
        "the whole period": "the note quotes the saving over all the held-out months. The "
        "task asks for one month.",
        "today's cost": "the note quotes what the shipped defects cost a month with today's "
        "sample. The task asks what the melt routing saves.",
        "a count": "the note quotes defective parts, not euros: price them.",
    }
    return check_note(
        "2.4",
        answer,
        saving,
        wrong={name: (figure, feedback[name]) for name, figure in wrong_figures.items()},
        argue="what it means for the POC",
        missing="the note does not quote the month's saving of the melt routing, in euros.",
        exact=("a count",),
        hints=(
            "the saving is the defective parts the melt routing ships fewer than today, per "
            "held-out month, times the price of a return.",
            "build the promise as in exercise 2.3 and quote its saving_per_month() in the note, "
            "in euros.",
        ),
    )
