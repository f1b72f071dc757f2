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
    decided = {d.column: d for d in leaks.check(table, "y", table.columns[1:])}
    assert {c: d.verdict for c, d in decided.items()} == {
        "after": leaks.CONFIRM,  # strong separation alone: kept, the user is asked
        "reversed": leaks.CONFIRM,
        "only_bad": leaks.LEFT_OUT,  # present only on positive rows: evidence
    }
    assert "ROC AUC" in decided["after"].line and "high values" in decided["after"].line
    assert "please confirm" in decided["after"].line
    assert "low values" in decided["reversed"].line
    assert "100.0% of its" in decided["only_bad"].line
    assert [leak.column for leak in leaks.find_leaks(table, "y", table.columns[1:])] == ["only_bad"]
    assert leaks.usable_columns(list(table.columns[1:]), decided.values()) == [
        "noise",
        "after",
        "reversed",
        "weak",
    ]


def test_the_user_overrides_either_way():
    rng = np.random.default_rng(4)
    y = rng.random(1_000) < 0.1
    table = pd.DataFrame(
        {
            "y": y,
            "hold": np.where(y, 5.0, 0.0),
            "sensor": np.where(y, 3.0, 0.0) + rng.normal(1, 0.3, 1_000),
        }
    )
    decided = leaks.check(table, "y", ["hold", "sensor"], keep=["hold"], leave_out=["sensor"])
    assert [(d.column, d.verdict, d.kept) for d in decided] == [
        ("hold", leaks.NAMED, True),
        ("sensor", leaks.MARKED, False),
    ]
    assert leaks.usable_columns(["hold", "sensor"], decided, named=["hold"]) == ["hold"]


def test_a_time_later_than_the_outcomes_is_evidence():
    n = 400
    y = np.arange(n) % 10 == 0
    outcome = pd.date_range("2025-01-01", periods=n, freq="h")
    table = pd.DataFrame(
        {
            "y": y,
            "score": np.arange(n) % 7,
            "scored at": (outcome + pd.Timedelta(hours=2)).astype(str),
            "tested at": outcome.astype(str),
        }
    )
    decided = leaks.check(
        table, "y", ["score"], recorded_at={"score": "scored at"}, outcome_time="tested at"
    )
    assert [d.verdict for d in decided] == [leaks.LEFT_OUT]
    assert "later than the outcome's on 100% of rows" in decided[0].line


def test_a_unique_increasing_whole_number_column_is_an_id():
    table = pd.DataFrame(
        {
            "row": np.arange(100),
            "shuffled": np.random.default_rng(1).permutation(100),
            "repeats": np.arange(100) // 2,
            "fraction": np.arange(100) + 0.5,
            "as text": [str(i) for i in range(100)],
        }
    )
    assert leaks.id_columns(table, table.columns) == ["row", "as text"]


def one_sensor_table(n: int = 3_000, seed: int = 7) -> pd.DataFrame:
    """Defects that follow one sensor (temp > 712) plus 1 % noise, an id, and a bystander."""
    rng = np.random.default_rng(seed)
    temp = rng.normal(700, 10, n).round(1)
    defect = (temp > 712) ^ (rng.random(n) < 0.01)
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "temp": temp,
            "speed": rng.normal(50, 5, n).round(1),
            "defect": defect.astype(int),
        }
    )


def rule_on(tmp_path, capsys, frame, *extra):
    from pocmvp import cli
    from pocmvp.toolkit.rulefile import load

    data = tmp_path / "table.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out"
    code = cli.main(["rule", str(data), "--output", str(out), *extra])
    printed = capsys.readouterr()
    assert code == 0 and printed.err == "", printed.err
    return load(out / "rule.json"), printed.out


def test_a_strong_honest_sensor_is_kept_and_the_id_is_not_a_predictor(tmp_path, capsys):
    frame = one_sensor_table()
    saved, printed = rule_on(tmp_path, capsys, frame, "--target", "defect", "--capacity", "0.15")
    assert "temp" in saved.rule.columns and "id" not in saved.rule.columns
    assert "'id' is taken as the row id" in printed
    assert "kept, please confirm" in printed and "temp: its values alone separate" in printed
    assert saved.id == "id"
    caught = float(printed.split("catch rate ")[1].split("%")[0]) / 100
    flagged = saved.rule.flag(frame).astype(bool)
    share = (flagged & frame["defect"].astype(bool)).sum() / frame["defect"].sum()
    assert caught == pytest.approx(share, abs=0.001) and share >= 0.80
    assert flagged.mean() <= 0.15
    # The learner marks it as recorded after the outcome: then it is left out.
    saved, printed = rule_on(
        tmp_path, capsys, frame, "--target", "defect", "--capacity", "0.15", "--leave-out", "temp"
    )
    assert "temp" not in saved.rule.columns and "you marked it" in printed


def ai4i_like(n: int = 4_000, seed: int = 11) -> pd.DataFrame:
    """AI4I-like: sensors, and failure-mode columns written once a failure was diagnosed."""
    rng = np.random.default_rng(seed)
    torque = rng.normal(40, 10, n).round(1)
    wear = rng.integers(0, 250, n)
    failed = rng.random(n) < 0.01 + 0.3 * (torque > 62) + 0.2 * (wear > 220)
    mode = rng.integers(0, 3, n)
    return pd.DataFrame(
        {
            "UDI": np.arange(1, n + 1),
            "Torque [Nm]": torque,
            "Tool wear [min]": wear,
            # minutes of repair booked per failure mode, only once the failure is known
            "TWF repair [min]": np.where(failed & (mode == 0), rng.integers(20, 90, n), 0),
            "HDF repair [min]": np.where(failed & (mode == 1), rng.integers(20, 90, n), 0),
            "PWF repair [min]": np.where(failed & (mode == 2), rng.integers(20, 90, n), 0),
            "Machine failure": failed.astype(int),
        }
    )


def test_ai4i_like_failure_mode_columns_are_still_left_out(tmp_path, capsys):
    saved, printed = rule_on(
        tmp_path, capsys, ai4i_like(), "--target", "Machine failure", "--capacity", "0.1"
    )
    for mode in ("TWF", "HDF", "PWF"):
        assert f"{mode} repair [min]" not in saved.rule.columns
        assert f"left out, it seems recorded after the outcome: {mode} repair [min]" in printed
    assert "UDI" not in saved.rule.columns and "'UDI' is taken as the row id" in printed


def test_average_ranks_are_scipys_rankdata_without_importing_it():
    from scipy.stats import rankdata

    rng = np.random.default_rng(0)
    for case in range(60):
        n = int(rng.integers(1, 400))
        tied = rng.integers(0, int(rng.integers(1, 30)), n)  # many ties
        for values in (tied, tied.astype(float), rng.normal(size=n)):
            ours = leaks.average_ranks(values)
            assert np.array_equal(ours, rankdata(values)) and ours.dtype == np.float64, case
    assert np.isnan(leaks.average_ranks(np.array([1.0, np.nan]))).all(), "as rankdata does"
    assert leaks.average_ranks(np.array([])).size == 0
