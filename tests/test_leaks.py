import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory
from pocmvp.toolkit import leaks


@pytest.fixture(scope="module")
def shift_log() -> pd.DataFrame:
    return factory.generate_plant(factory.FAST_PARTS, factory.DEFAULT_SEED).shift_log


def test_the_plants_rework_minutes_is_the_only_leak(shift_log):
    numeric = [c for c in shift_log.columns if shift_log[c].dtype.kind in "if"]
    found = leaks.find_leaks(shift_log, "defect", numeric)
    assert [leak.column for leak in found] == [factory.LEAKING_FIELD]
    evidence = found[0].evidence
    assert evidence.startswith("rework_minutes: ") and "positive rows" in evidence
    assert leaks.usable_columns(numeric, found) == [
        c for c in numeric if c != factory.LEAKING_FIELD
    ]
    assert factory.LEAKING_FIELD in leaks.usable_columns(numeric, found, ["rework_minutes"])


def test_auc_matches_sklearn_and_flags_either_direction():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.random(2_000) < 0.1
    noise = rng.normal(0, 1, 2_000)
    assert leaks.roc_auc(noise, y) == pytest.approx(roc_auc_score(y, noise))
    table = pd.DataFrame(
        {
            "y": y.astype(int),
            "noise": noise,
            "after": np.where(y, 5.0, 0.0) + rng.normal(0, 0.5, 2_000),  # AUC near 1
            "reversed": np.where(y, -5.0, 0.0) + rng.normal(0, 0.5, 2_000),  # AUC near 0
            "only_bad": np.where(y & (rng.random(2_000) < 0.3), 7.0, 0.0),  # non-zero: bad
            "weak": noise + 0.5 * y,
        }
    )
    found = {leak.column: leak for leak in leaks.find_leaks(table, "y", table.columns[1:])}
    assert set(found) == {"after", "reversed", "only_bad"}
    assert "ROC AUC" in found["after"].evidence and "high values" in found["after"].evidence
    assert "low values" in found["reversed"].evidence
    assert "100.0% of its" in found["only_bad"].evidence
