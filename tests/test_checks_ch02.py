"""Chapter 2's exercises three ways, in fast mode: blank (not answered), with the right
answer (correct), and with each misconception its check declares (that misconception's
feedback, never the expected value). The right answers are computed here a second way:
scikit-learn and pandas on the shift log, and the routing toolkit called directly, not the
package calls the checks make."""

import pytest
from sklearn.metrics import roc_auc_score
from test_exercise_feedback import three_ways

from pocmvp.case import factory, status_quo
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch02
from pocmvp.toolkit import routing

SHARE = status_quo.ECONOMICS.inspection_capacity_share
NUMERIC = [
    "shots_since_maintenance",
    "melt_temp_c",
    "die_temp_c",
    "cycle_time_s",
    "scrap_share_pct",
    "humidity_pct",
    "rework_minutes",
]


def _in(log, months):
    return log[log["cast_at"].dt.strftime("%Y-%m").isin(months)]


@pytest.fixture(scope="module")
def history(log):
    return _in(log, factory.TRAIN_MONTHS)


@pytest.fixture(scope="module")
def routed_melt(log):
    """The held-out parts, and which ones the X-ray cell tests today and by the melt reading
    (thresholds from the month before each held-out month)."""
    window = _in(log, (factory.TRAIN_MONTHS[-1], *factory.HELD_OUT_MONTHS))
    held_out = _in(log, factory.HELD_OUT_MONTHS)
    flags = routing.flags_with_monthly_threshold(
        window["melt_temp_c"], window["cast_at"], SHARE
    ).reindex(held_out.index)
    by_melt = routing.route(held_out, flags.fillna(False).astype(bool), SHARE, time="cast_at")
    today = routing.route(held_out, None, SHARE, time="cast_at")
    return held_out, today, by_melt


def _never_tells(feedback, value, digits=3):
    assert f"{value:.{digits}f}" not in feedback.message


def test_2_1_leaking_field(log, history):
    auc = {}
    for field in NUMERIC:
        score = roc_auc_score(history["defect"], history[field].fillna(history[field].median()))
        auc[field] = max(score, 1 - score)
    right = max(auc, key=auc.get)
    declared = three_ways(ch02.leaking_field, right, log, tier="check", at_least=2)
    assert "the best honest field" in {m.name for m in declared.misconceptions}
    for mistake in declared.misconceptions:
        selfcheck.reset()
        assert right not in ch02.leaking_field(mistake.answer, log).message


def test_2_2_melt_recall(log, routed_melt):
    held_out, _, by_melt = routed_melt
    right = (held_out["defect"] & by_melt).sum() / held_out["defect"].sum()
    declared = three_ways(ch02.melt_recall_at_capacity, right, log, tier="check")
    assert {"a percentage", "a count", "precision", "the history"} <= {
        m.name for m in declared.misconceptions
    }
    for mistake in declared.misconceptions:
        selfcheck.reset()
        _never_tells(ch02.melt_recall_at_capacity(mistake.answer, log), right)


def _shipped(held_out, tested):
    return int((held_out["defect"] & ~tested).sum())


def test_2_3_melt_reduction(log, routed_melt):
    held_out, today, by_melt = routed_melt
    right = 1 - _shipped(held_out, by_melt) / _shipped(held_out, today)
    declared = three_ways(ch02.melt_reduction, right, log, tier="apply")
    assert {"a percentage", "a count", "recall", "the history"} <= {
        m.name for m in declared.misconceptions
    }
    for mistake in declared.misconceptions:
        selfcheck.reset()
        _never_tells(ch02.melt_reduction(mistake.answer, log), right)


def test_2_4_melt_saving_note(log, routed_melt):
    held_out, today, by_melt = routed_melt
    fewer = _shipped(held_out, today) - _shipped(held_out, by_melt)
    saving = fewer / len(factory.HELD_OUT_MONTHS) * status_quo.ECONOMICS.cost_per_shipped_defect
    note = f"Routing by the melt reading saves about €{saving:,.0f} a month. " + "It means. " * 20
    declared = three_ways(ch02.melt_saving_note, note, log, tier="stretch")
    assert {"the whole period", "today's cost", "a count", "no argument"} == {
        m.name for m in declared.misconceptions
    }
    for mistake in declared.misconceptions:
        selfcheck.reset()
        assert f"{saving:,.0f}" not in ch02.melt_saving_note(mistake.answer, log).message
    selfcheck.reset()
    assert ch02.melt_saving_note("It saves €1 a month.", log).status == selfcheck.INCORRECT
