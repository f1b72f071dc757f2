"""One routing for every option: which rows the test takes, decided as each row arrives.

Every option (a blind sample, a model's scores, a rule) sends rows to the test through
:func:`route`, so they are compared on the same months, the same capacity and the same
policy. The policy knows nothing of later rows of the month:

* a month's **capacity** is the capacity share of that month's rows, rounded down (the
  test's monthly plan);
* the test's **pace** after the i-th row of the month is ``floor(share * i)`` tests: as
  rows arrive, the test earns slots at the capacity share;
* a **flagged** row (a score at or above a threshold fixed on the history, or a rule that
  holds) is tested in time order while the month's capacity is not used up;
* a row that is **not flagged** is tested only when the test is behind its pace, so slots
  the flags leave idle go to an every-n-th sample of the other rows.

With no flags at all, the pace alone tests the 20th, 40th, 60th ... row of each month at a
5 % share: a blind every-n-th sample is this policy with nothing flagged. Every option
spends exactly the month's capacity: the pace guarantees at least ``floor(share * i)`` tests
by the i-th row, and the capacity caps it.

A model's score becomes flags through :func:`threshold_for_share`: the threshold is fixed on
scores of rows the model has already seen the outcome of (the history), so that it flags
the capacity share there, and is then held fixed for the months that follow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_EPSILON = 1e-9  # 0.05 * 60 is 3.0000000000000004 in floating point; floor must give 3


def month_labels(times: pd.Series) -> pd.Series:
    """Each timestamp's month as ``YYYY-MM`` (missing where the time is), as
    ``times.dt.strftime("%Y-%m")`` gives it. Each distinct month is written once and the
    labels spread to the rows: formatting every timestamp took a tenth of a chapter's run,
    and so did making a text column of one label a row (the distinct labels are taken)."""
    position, months = month_positions(times)
    spread = months.array.take(position, allow_fill=True)
    return pd.Series(spread, index=times.index, name=times.name)


def month_positions(times: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The distinct months of ``times`` as labels (``YYYY-MM``, in order), and each row's
    position among them (-1 where the time is missing): what :func:`month_labels` spreads,
    and what a table counted month by month is counted on, with no label a row."""
    distinct, position = _distinct_months(_month_codes(times))
    missing = np.isnat(distinct.view("datetime64[M]"))
    if missing.any():  # missing times share the smallest number: first, and only there
        distinct, position = distinct[1:], position - 1
    labels = np.datetime_as_string(distinct.view("datetime64[M]"), unit="M").astype(object)
    return position, pd.Index(labels, dtype="str")


def _distinct_months(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for month numbers: the months of a table
    span a few years, so marking the months seen on that span is quicker than sorting every
    row (a missing month, or a span of more than a thousand years, sorts)."""
    if len(codes) == 0 or np.isnat(codes.view("datetime64[M]")).any():
        return np.unique(codes, return_inverse=True)
    low, high = int(codes.min()), int(codes.max())
    if high - low >= 12_000:
        return np.unique(codes, return_inverse=True)
    seen = np.zeros(high - low + 1, dtype=bool)
    offsets = codes - low
    seen[offsets] = True
    rank = np.cumsum(seen) - 1
    return np.flatnonzero(seen) + low, rank[offsets]


def monthly_capacity(n_rows: int, capacity_share: float) -> int:
    """How many rows the test can take in a month of ``n_rows`` rows."""
    _check_share(capacity_share)
    return int(np.floor(capacity_share * n_rows + _EPSILON))


def _check_share(capacity_share: float) -> None:
    if not 0 < capacity_share < 1:
        raise ValueError(f"capacity_share must be between 0 and 1, got {capacity_share}")


def threshold_for_share(history_scores: pd.Series | np.ndarray, capacity_share: float) -> float:
    """The lowest score threshold that flags at most ``capacity_share`` of the history.

    Rows whose score is at or above the threshold are flagged. Missing scores never flag.
    """
    _check_share(capacity_share)
    values = np.asarray(history_scores, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        raise ValueError("cannot fix a threshold on an empty history")
    allowed = int(np.floor(capacity_share * len(values) + _EPSILON))
    ordered = np.sort(values)[::-1]
    if allowed == 0:
        return float(np.nextafter(ordered[0], np.inf))
    threshold = ordered[allowed - 1]
    # Ties at the threshold would flag more than allowed: step just above them.
    if allowed < len(ordered) and ordered[allowed] == threshold:
        threshold = np.nextafter(threshold, np.inf)
    return float(threshold)


def flags_from_scores(scores: pd.Series, threshold: float) -> pd.Series:
    """Rows whose score is at or above ``threshold`` (a missing score never flags)."""
    flagged = _at_or_above(np.asarray(scores.astype(float), dtype=float), threshold)
    return pd.Series(flagged, index=scores.index, name="flagged")


def _at_or_above(values: np.ndarray, threshold: float) -> np.ndarray:
    """:func:`flags_from_scores` on an array of floats (NaN, a missing score, never flags)."""
    return values >= threshold


def route(
    table: pd.DataFrame, flagged: pd.Series | None, capacity_share: float, *, time: str
) -> pd.Series:
    """Which rows the test takes, each decided when the row arrives.

    ``table`` needs the ``time`` column (timestamps); ``flagged`` is a boolean Series
    indexed like it (``None`` for no flags: a blind sample). Returns a boolean ``tested``
    Series indexed like ``table``.
    """
    _check_share(capacity_share)
    if flagged is None:
        flagged = pd.Series(False, index=table.index)
    if not flagged.index.equals(table.index):
        raise ValueError("flagged must be indexed like the table, one value per row")
    order = np.argsort(table[time].to_numpy(), kind="stable")
    months = _month_codes(table[time])[order]
    wanted = flagged.fillna(False).to_numpy(dtype=bool)[order]
    tested = np.zeros(len(table), dtype=bool)
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    ends = np.r_[starts[1:], len(months)]
    for start, end in zip(starts, ends, strict=True):
        tested[start:end] = _route_month(wanted[start:end], capacity_share)
    result = np.zeros(len(table), dtype=bool)
    result[order] = tested
    return pd.Series(result, index=table.index, name="tested")


def _month_codes(times: pd.Series) -> np.ndarray:
    """Each timestamp's month as a number (months since 1970; missing times share one),
    ordered as the labels are: what :func:`route` splits the months on, without writing a
    label."""
    if times.dt.tz is not None:  # the clock's month, as strftime reads it
        times = times.dt.tz_localize(None)
    return times.to_numpy().astype("datetime64[M]").view(np.int64)


def _route_month(flagged: np.ndarray, capacity_share: float) -> np.ndarray:
    """One month of the policy, row by row in time order, computed at once.

    Row by row, the tests used after row i are ``used[i] = min(capacity, max(used[i-1] +
    flagged[i], pace[i]))``: a flagged row takes a slot while the capacity lasts, and an
    unflagged one only when the test is behind its pace (the pace climbs by at most one a
    row, so it is then exactly one behind). Without the cap, unrolling the recurrence gives
    ``flags so far + the running maximum of (pace - flags so far)``; the cap only stops the
    count once it is reached (the pace never exceeds it). A row is tested where the count
    grows. Integers throughout: the same rows as the loop, which a test keeps beside it."""
    n = len(flagged)
    capacity = monthly_capacity(n, capacity_share)
    pace = np.floor(capacity_share * np.arange(1, n + 1) + _EPSILON).astype(np.int64)
    flags_so_far = np.cumsum(flagged, dtype=np.int64)
    behind = np.maximum.accumulate(np.maximum(pace - flags_so_far, 0))
    used = np.minimum(flags_so_far + behind, capacity)
    return np.diff(used, prepend=0) > 0


def flags_with_monthly_threshold(
    scores: pd.Series, times: pd.Series, capacity_share: float
) -> pd.Series:
    """Flags for every row, with each month's threshold fixed on the month before it.

    On the first day of a month the scores of the previous month's rows are all known (a
    score needs no outcome), so the threshold that would have flagged ``capacity_share`` of
    them is fixed then and held for the whole month. The first month, with no month before
    it, flags nothing. ``scores`` and ``times`` share an index.
    """
    codes = _month_codes(times)
    if np.isnat(codes.view("datetime64[M]")).any():
        raise ValueError("every row needs a time to fix its month's threshold")
    # Month numbers order as their labels do; one comparison of numbers a month, not of
    # labels, and the flags computed on the values, not on a Series a month.
    values = np.asarray(scores.astype(float), dtype=float)
    flagged = np.zeros(len(values), dtype=bool)
    ordered = np.unique(codes)
    for previous, month in zip(ordered[:-1], ordered[1:], strict=True):
        threshold = threshold_for_share(values[codes == previous], capacity_share)
        now = codes == month
        flagged[now] = _at_or_above(values[now], threshold)
    return pd.Series(flagged, index=scores.index, name="flagged")
