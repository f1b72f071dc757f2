"""Benchmarks of the toolkit's heavy steps on the plant's data (``pocmvp bench``).

They live here, not in the toolkit, because they generate the case's plant to time it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
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
    chosen = rule.find_rule(history, factory.TARGET, ECONOMICS.inspection_capacity_share).rule
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
    searches = []
    seconds = bench.median_seconds(
        lambda: searches.append(
            rule.find_rule(log, factory.TARGET, ECONOMICS.inspection_capacity_share)
        ),
        runs,
    )
    compared = searches[-1].rules_compared
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
    chosen = rule.find_rule(history, factory.TARGET, ECONOMICS.inspection_capacity_share).rule
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


GENERATED_SEED = 20251201
DEFECT = "defect"


def generated_table(rows: int, columns: int = 20, seed: int = GENERATED_SEED) -> pd.DataFrame:
    """A seeded table of ``rows`` parts: ``columns`` numeric readings ``x01``, ``x02``, ...
    uniform on [0, 100), and a boolean ``defect`` (1 % of parts, more when ``x03`` is high or
    ``x11`` low), for timing the rule's search on any table, not only the plant's."""
    rng = np.random.default_rng(seed)
    names = [f"x{i:02d}" for i in range(1, columns + 1)]
    table = pd.DataFrame({name: rng.random(rows) * 100 for name in names})
    risk = np.full(rows, 0.01)
    if columns >= 3:
        risk += 0.3 * (table["x03"].to_numpy() > 97)
    if columns >= 11:
        risk += 0.2 * (table["x11"].to_numpy() < 2)
    table[DEFECT] = rng.random(rows) < risk
    return table


def _bench_rule_on_generated_table(runs: int) -> dict:
    """The rule search and its flags on 1,000,000 rows x 20 numeric columns (seconds and
    peak memory); ``runs`` is ignored: one search is already the slow part."""
    rows, columns = 1_000_000, 20
    table = generated_table(rows, columns)
    names = [c for c in table.columns if c != DEFECT]
    capacity = ECONOMICS.inspection_capacity_share
    search, search_seconds, search_peak = bench.traced(
        lambda: rule.find_rule(table, DEFECT, capacity, names)
    )
    found = search.rule
    flags, flag_seconds, flag_peak = bench.traced(lambda: found.flag(table))
    return {
        "rows": rows,
        "numeric_columns": columns,
        "rules_compared": search.rules_compared,
        "find_rule_seconds": search_seconds,
        "find_rule_peak_megabytes": round(search_peak, 1),
        "flag_seconds": flag_seconds,
        "flag_peak_megabytes": round(flag_peak, 1),
        "flagged_share": round(float(flags.mean()), 4),
        "table_megabytes": round(table.memory_usage(deep=True).sum() / 1e6, 1),
        "rule": found.sql_where(),
    }


MONTHLY_PARQUET_ROWS = 50_000_000
MONTHLY_COLUMNS = ("x01", "x02", "x03", "x04")


def _generated_parquet_sql(rows: int, seed: int = GENERATED_SEED) -> str:
    """SELECT of a seeded table of ``rows`` parts over 2025 made by DuckDB from ``range()``:
    hash-based readings (hundredths on [0, 100), few distinct values, so the file stays
    small), a ``defect`` more likely when ``x03`` is high, and ``cast_at`` spread evenly over
    the year. Streamed by DuckDB: the table is never held in memory."""

    def uniform(k: int) -> str:  # 0 to 9999, pseudo-random per row and per k
        return f"(hash(i * 8 + {k}, {seed}) % 10000)"

    readings = ", ".join(
        f"{uniform(k)} / 100.0 AS {name}" for k, name in enumerate(MONTHLY_COLUMNS)
    )
    year = 365 * 86400
    return (
        f"SELECT TIMESTAMP '2025-01-01' + to_seconds((i * {year}) // {rows}) AS cast_at, "
        f"{readings}, "
        f"{uniform(7)} < (CASE WHEN {uniform(2)} >= 9700 THEN 3000 ELSE 100 END) AS defect "
        f"FROM range({rows}) AS t(i)"
    )


def _quiet(connection):
    """No progress bar: DuckDB prints one to stdout during a long query, and a child's last
    line must be its JSON result (:func:`pocmvp.machinery.bench.in_child`)."""
    connection.execute("SET enable_progress_bar = false")
    return connection


def write_generated_parquet(path: str, rows: str) -> dict:
    """Write the generated table to ``path`` with DuckDB (for :func:`bench.in_child`)."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as connection:
        _quiet(connection)
        connection.execute(
            f"COPY ({_generated_parquet_sql(int(rows))}) TO '{path}' (FORMAT PARQUET)"
        )
    return {"seconds": time.perf_counter() - start}


def monthly_figures_sql(parquet: str, where: str) -> str:
    """The monthly figures of a shift log in ``parquet``: parts, parts flagged by the rule's
    ``where`` clause and defects among them (caught), one row per month."""
    return (
        "SELECT strftime(date_trunc('month', cast_at), '%Y-%m') AS month, "
        "count(*) AS parts, "
        f"count(*) FILTER (WHERE {where}) AS flagged, "
        f"count(*) FILTER (WHERE defect AND ({where})) AS caught "
        f"FROM read_parquet('{parquet}') GROUP BY month ORDER BY month"
    )


def monthly_figures(parquet: str, where: str) -> dict:
    """Run :func:`monthly_figures_sql` with DuckDB (for :func:`bench.in_child`)."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as connection:
        _quiet(connection)
        table = connection.execute(monthly_figures_sql(parquet, where)).fetchdf()
    return {
        "seconds": time.perf_counter() - start,
        "months": len(table),
        "parts": int(table["parts"].sum()),
        "flagged": int(table["flagged"].sum()),
        "caught": int(table["caught"].sum()),
    }


def _bench_monthly_parquet(runs: int) -> dict:
    """The monthly figures of a 50,000,000-row Parquet table through DuckDB: the rule is
    found on the table's first 200,000 rows, then one GROUP BY month query with its WHERE
    clause runs over every row in a fresh process (seconds, peak RSS). ``runs`` is ignored."""
    import duckdb

    rows = MONTHLY_PARQUET_ROWS
    with duckdb.connect() as connection:
        _quiet(connection)
        sample = connection.execute(_generated_parquet_sql(rows) + " LIMIT 200000").fetchdf()
    capacity = ECONOMICS.inspection_capacity_share
    found = rule.find_rule(sample, DEFECT, capacity, list(MONTHLY_COLUMNS)).rule
    where = found.sql_where()
    here = f"{__name__}:"
    with tempfile.TemporaryDirectory() as scratch:
        parquet = str(Path(scratch) / "shift_log.parquet")
        written = bench.in_child(here + "write_generated_parquet", parquet, str(rows))
        megabytes = Path(parquet).stat().st_size / 1e6
        figures = bench.in_child(here + "monthly_figures", parquet, where)
    return {
        "rows": rows,
        "rule": where,
        "parquet_megabytes": round(megabytes, 1),
        "write_parquet_seconds": written["seconds"],
        "write_parquet_peak_rss_megabytes": written["peak_rss_megabytes"],
        "monthly_query_seconds": figures["seconds"],
        "monthly_query_peak_rss_megabytes": figures["peak_rss_megabytes"],
        "months": figures["months"],
        "flagged_share": round(figures["flagged"] / figures["parts"], 4),
        "caught": figures["caught"],
    }


def write_generated_table(path: str, rows: str) -> dict:
    """Write :func:`generated_table` of ``rows`` rows to a Parquet file (for
    :func:`bench.in_child`)."""
    start = time.perf_counter()
    generated_table(int(rows)).to_parquet(path, index=False)
    return {"seconds": time.perf_counter() - start}


def run_rule_command(parquet: str, output: str) -> dict:
    """``pocmvp rule`` on ``parquet`` with the defaults a user gets (for
    :func:`bench.in_child`): its exit code and its seconds once imported."""
    from pocmvp import cli

    start = time.perf_counter()
    code = cli.main(["rule", parquet, "--target", DEFECT, "--capacity", "0.05", "--output", output])
    return {"exit_code": code, "seconds": time.perf_counter() - start}


def _bench_rule_command(rows: int):
    def step(runs: int) -> dict:
        """``pocmvp rule`` on a Parquet file of ``rows`` rows x 20 numeric columns in a fresh
        process: wall seconds (Python's start and imports included), its CPU seconds (the
        wall time without the waiting on a shared machine), peak RSS, the workbook's size.
        ``runs`` is ignored: one run is already long."""
        here = f"{__name__}:"
        with tempfile.TemporaryDirectory() as scratch:
            parquet = str(Path(scratch) / "table.parquet")
            bench.in_child(here + "write_generated_table", parquet, str(rows))
            output = Path(scratch) / "rule"
            start = time.perf_counter()
            result = bench.in_child(here + "run_rule_command", parquet, str(output))
            seconds = time.perf_counter() - start
            megabytes = (output / "workbook.xlsx").stat().st_size / 1e6
        if result["exit_code"] != 0:
            raise RuntimeError(f"pocmvp rule exited with {result['exit_code']}")
        return {
            "rows": rows,
            "numeric_columns": 20,
            "seconds": seconds,
            "seconds_after_imports": result["seconds"],
            "cpu_seconds": result["cpu_seconds"],
            "peak_rss_megabytes": result["peak_rss_megabytes"],
            "workbook_megabytes": round(megabytes, 1),
        }

    return step


BENCHMARKS = {
    "rule_command_100k_rows_20_columns": _bench_rule_command(100_000),
    "rule_command_1m_rows_20_columns": _bench_rule_command(1_000_000),
    "rule_search_1m_rows_20_columns": _bench_rule_on_generated_table,
    "monthly_figures_50m_parquet": _bench_monthly_parquet,
    "rule_scoring_1m_parts": _bench_scoring,
    "find_rule_default_year": _bench_find_rule,
    "workbook_100k_rows": _bench_workbook,
}
