"""Benchmarks of the toolkit's heavy steps on the plant's data (``pocmvp bench``).

They live here, not in the toolkit, because they generate the case's plant to time it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.machinery import bench
from pocmvp.toolkit import spreadsheet_engine


def _bench_scoring(runs: int) -> dict:
    log = factory.generate_plant(factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED).shift_log
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    chosen = rule.find_rule(history, factory.TARGET, ECONOMICS.inspection_capacity_share)
    million = 1_000_000
    columns = log[list(chosen.columns)]
    parts = pd.concat([columns] * -(-million // len(columns)), ignore_index=True).iloc[:million]
    return {
        "parts": million,
        "python_seconds": bench.median_seconds(lambda: chosen.flag(parts), runs),
        "duckdb_sql_seconds": bench.median_seconds(lambda: rule.flag_with_sql(parts, chosen), runs),
    }


def _bench_find_rule(runs: int) -> dict:
    log = factory.generate_plant(factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED).shift_log
    seconds = bench.median_seconds(
        lambda: rule.find_rule(log, factory.TARGET, ECONOMICS.inspection_capacity_share), runs
    )
    compared = rule.last_search().rules_compared
    return {"parts": len(log), "rules_compared": compared, "seconds": seconds}


def _bench_shift_log(rows: int) -> pd.DataFrame:
    plant = factory.generate_plant(factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED)
    repeats = -(-rows // len(plant.shift_log))
    log = pd.concat([plant.shift_log] * repeats, ignore_index=True).iloc[:rows].copy()
    log["part_id"] = [f"B{i:07d}" for i in range(len(log))]
    return log


def _bench_workbook(runs: int) -> dict:
    log = _bench_shift_log(100_000)
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    chosen = rule.find_rule(history, factory.TARGET, ECONOMICS.inspection_capacity_share)
    figures = {"rows": len(log)}
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "rule.xlsx"
        figures["write_seconds"] = bench.median_seconds(
            lambda: workbook.write_rule_workbook(log, chosen, target), runs
        )
        figures["megabytes"] = round(target.stat().st_size / 1e6, 1)
        if spreadsheet_engine.libreoffice_available():
            figures["libreoffice_recalculation_seconds"] = bench.median_seconds(
                lambda: spreadsheet_engine.recalculate(target, Path(scratch) / "out"), runs
            )
    return figures


BENCHMARKS = {
    "rule_scoring_1m_parts": _bench_scoring,
    "find_rule_default_year": _bench_find_rule,
    "workbook_100k_rows": _bench_workbook,
}
