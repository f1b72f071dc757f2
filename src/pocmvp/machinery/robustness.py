"""The story on any seed, measured: every claim for many seeds at both sizes.

``pocmvp robustness`` (``make robustness``) evaluates every claim of :mod:`pocmvp.case.story`
through the package, never by executing notebooks, for each seed and size, and writes

* ``robustness.json``: claim x size x seed -> value, band, holds (sorted keys, floats to 6
  significant digits, no timestamps, so a rerun writes the same bytes), and
* ``robustness.md``: per claim and size, how many seeds hold, the smallest and largest value
  and the band; then every failure with its seed and value.

One :class:`~pocmvp.case.story.Story` per seed and size computes what the claims share once (the
plant, the trained POC); stories run in two processes, and the results are put back in a
fixed order, so the files do not depend on which process finished first.
"""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from pocmvp.case import story

SIZES = {"default": False, "fast": True}
DEFAULT_SEEDS = tuple(range(1, 21))
DEFAULT_SIZES = ("default", "fast")
# The workbook's machines have two cores; each story trains on one (see poc.train_poc).
WORKERS = 2
SIGNIFICANT_DIGITS = 6
JSON_NAME = "robustness.json"
MARKDOWN_NAME = "robustness.md"


# --- The command line's arguments ----------------------------------------------------------


def parse_seeds(text: str) -> list[int]:
    """``"1-20"``, ``"3"`` or ``"1-5,9,11-12"`` as a sorted list of distinct seeds."""
    seeds: set[int] = set()
    for part in str(text).split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise ValueError(f"seeds must look like '1-20' or '1,4,7', got {text!r}") from None
        if low < 0 or high < low:
            raise ValueError(f"seeds: {part.strip()!r} is not a range of seeds (low-high)")
        seeds.update(range(low, high + 1))
    return sorted(seeds)


def parse_sizes(text: str) -> list[str]:
    """``"default,fast"`` as a list of sizes, in a fixed order (default first)."""
    sizes = [s.strip() for s in str(text).split(",") if s.strip()]
    unknown = sorted(set(sizes) - set(SIZES))
    if unknown or not sizes:
        raise ValueError(f"sizes must be among {', '.join(SIZES)}, got {text!r}")
    return [s for s in SIZES if s in sizes]


def format_seeds(seeds: Iterable[int]) -> str:
    """The inverse of :func:`parse_seeds`: ``[1, 2, 3, 7]`` -> ``"1-3,7"``."""
    parts: list[str] = []
    ordered = sorted(set(seeds))
    start = previous = None
    for seed in [*ordered, None]:
        if previous is not None and seed == previous + 1:
            previous = seed
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = seed
    return ",".join(parts)


# --- The evaluation -----------------------------------------------------------------------


def _start_worker() -> None:
    # One thread per process: two processes on two cores, no oversubscription.
    from threadpoolctl import threadpool_limits

    global _THREAD_LIMITS
    _THREAD_LIMITS = threadpool_limits(limits=1)


_THREAD_LIMITS = None


def evaluate_one(seed: int, size: str) -> list[dict]:
    """Every claim on the story of one seed and size (runs in a worker process)."""
    return story.evaluate_story(story.Story(seed=seed, fast_mode=SIZES[size]))


def evaluate(
    seeds: Iterable[int],
    sizes: Iterable[str] = DEFAULT_SIZES,
    *,
    workers: int = WORKERS,
    show_progress: bool = True,
) -> list[dict]:
    """One row per claim, seed and size, ordered by size, seed, then declared claim order.

    With ``workers`` above 1 the stories run in that many fresh processes (spawned, so that
    no thread pool of the caller is inherited half-way); the order of the rows stays fixed.
    """
    from pocmvp.case import poc_store
    from pocmvp.machinery import display

    # The stories read the POC and the baselines through the store of fits (chapter 2's):
    # one of the run's own, unless $POCMVP_CACHE_DIR names one (workers inherit it).
    with poc_store.fresh_store():
        return _evaluate(list(seeds), list(sizes), workers, show_progress, display)


def _evaluate(seeds, sizes, workers, show_progress, display) -> list[dict]:
    tasks = [(seed, size) for size in sizes for seed in seeds]  # the default size, heavier, first
    results: list[list[dict] | None] = [None] * len(tasks)
    bar = display.progress(
        range(len(tasks)), desc="stories (seed x size)", disable=not show_progress
    )
    if workers <= 1 or len(tasks) <= 1:
        for index in bar:
            results[index] = evaluate_one(*tasks[index])
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)), mp_context=context, initializer=_start_worker
        ) as pool:
            futures = {pool.submit(evaluate_one, *task): i for i, task in enumerate(tasks)}
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update(1)
            except BaseException:  # a story that cannot even start, or Ctrl-C: stop at once
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        bar.close()
    return [row for result in results for row in result or []]


# --- The files ----------------------------------------------------------------------------


def rounded(value: float | None) -> float | None:
    """A float to 6 significant digits; NaN and infinities (open band ends) as ``None``."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def summary(rows: list[dict], seeds: Iterable[int], sizes: Iterable[str]) -> dict:
    """The content of ``robustness.json``: claim -> size -> band, counts and every seed."""
    seeds, sizes = sorted(set(seeds)), list(sizes)
    claims: dict[str, dict] = {}
    failures = []
    for row in sorted(rows, key=lambda r: (r["claim"], r["size"], r["seed"])):
        claim = claims.setdefault(
            row["claim"],
            {"chapter": row["chapter"], "says": story.CLAIMS.get(row["claim"]).says, "sizes": {}},
        )
        size = claim["sizes"].setdefault(
            row["size"],
            {
                "band": {"low": rounded(row["low"]), "high": rounded(row["high"])},
                "seeds": [],
            },
        )
        result = {"seed": row["seed"], "value": rounded(row["value"]), "holds": row["holds"]}
        if row.get("error"):
            result["error"] = row["error"]
        size["seeds"].append(result)
    for name, claim in claims.items():
        share = story.CLAIMS.get(name).seeds_share
        for size_name, size in claim["sizes"].items():
            values = [s["value"] for s in size["seeds"] if s["value"] is not None]
            size["evaluated"] = len(size["seeds"])
            size["held"] = sum(s["holds"] for s in size["seeds"])
            size["needed"] = math.ceil(share * size["evaluated"] - 1e-9)
            size["min"] = min(values) if values else None
            size["max"] = max(values) if values else None
            # A claim that must hold on a share of the seeds fails when too few hold (or
            # when its computation raised); then every seed that did not hold is listed.
            failed = size["held"] < size["needed"] or any("error" in s for s in size["seeds"])
            failures.extend(
                {"claim": name, "size": size_name, **s, "band": size["band"]}
                for s in size["seeds"]
                if not s["holds"] and (failed or share >= 1)
            )
    failures.sort(key=lambda f: (f["claim"], f["size"], f["seed"]))
    return {
        "command": f"pocmvp robustness --seeds {format_seeds(seeds)} --sizes {','.join(sizes)}",
        "seeds": seeds,
        "sizes": sizes,
        "evaluations": len(rows),
        "held": sum(r["holds"] for r in rows),
        "claims": claims,
        "failures": failures,
    }


def band_text(band: dict) -> str:
    """A band from the JSON file in words, as :class:`~pocmvp.case.story.Band` says it."""
    low = -math.inf if band["low"] is None else band["low"]
    high = math.inf if band["high"] is None else band["high"]
    return str(story.Band(low, high))


def _number(value: float | None) -> str:
    # All 6 digits: a value just outside its band must not print as its end.
    return "–" if value is None else f"{value:.{SIGNIFICANT_DIGITS}g}"


def markdown(result: dict) -> str:
    """The content of ``robustness.md``: the table per claim and size, then the failures."""
    claims = result["claims"]
    lines = [
        "# The story's claims on every seed",
        "",
        f"`{result['command']}` evaluated {len(claims)} claims on {len(result['seeds'])} "
        f"seeds at {len(result['sizes'])} size(s): {result['held']} of "
        f"{result['evaluations']} evaluations hold. Written by `make robustness`; the claims "
        "are declared in `src/pocmvp/case/story/`.",
        "",
    ]
    if not claims:
        lines += ["No claims are declared yet.", ""]
    else:
        lines += [
            "| Chapter | Claim | Size | Seeds that hold | Min | Max | Band |",
            "| ---: | --- | --- | ---: | ---: | ---: | --- |",
        ]
        order = sorted(claims, key=lambda name: (claims[name]["chapter"], name))
        for name in order:
            for size in result["sizes"]:
                entry = claims[name]["sizes"].get(size)
                if entry is None:
                    continue
                needed = entry.get("needed", entry["evaluated"])
                must = "" if needed == entry["evaluated"] else f" (needs {needed})"
                lines.append(
                    f"| {claims[name]['chapter']} | `{name}` | {size} "
                    f"| {entry['held']}/{entry['evaluated']}{must} | {_number(entry['min'])} "
                    f"| {_number(entry['max'])} | {band_text(entry['band'])} |"
                )
        lines.append("")
    lines += ["## Failures", ""]
    if not result["failures"]:
        lines.append("None: every claim holds on every seed at every size.")
    for failure in result["failures"]:
        got = failure.get("error") or _number(failure["value"])
        lines.append(
            f"- `{failure['claim']}` ({failure['size']}, seed {failure['seed']}): {got}; "
            f"expected {band_text(failure['band'])}"
        )
    return "\n".join(lines) + "\n"


def write(result: dict, folder: Path) -> tuple[Path, Path]:
    """Write ``robustness.json`` and ``robustness.md`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = folder / JSON_NAME, folder / MARKDOWN_NAME
    json_path.write_text(
        json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8"
    )
    markdown_path.write_text(markdown(result), encoding="utf-8")
    return json_path, markdown_path


def run(
    seeds: Iterable[int] = DEFAULT_SEEDS,
    sizes: Iterable[str] = DEFAULT_SIZES,
    output: Path | str = "benchmarks",
    *,
    workers: int = WORKERS,
    show_progress: bool = True,
) -> dict:
    """Evaluate every claim for ``seeds`` x ``sizes`` and write both files to ``output``."""
    seeds, sizes = sorted(set(seeds)), list(sizes)
    rows = evaluate(seeds, sizes, workers=workers, show_progress=show_progress)
    result = summary(rows, seeds, sizes)
    write(result, Path(output))
    return result
