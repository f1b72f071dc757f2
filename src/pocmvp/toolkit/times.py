"""One reading of a time column, shared by ``pocmvp rule`` and ``pocmvp report``.

The zone rule: **local clock time**. A time is read as the clock showed where the row was
recorded; an offset or zone (``2024-07-01T00:30+02:00``, ``...Z``, a timezone-aware column)
is dropped, never converted. So a row belongs to the month its own clock says, and both
commands put it in the same month.

Each value is read on its own:

* a year-first value (``2025-12-31``, ``2025-12-31 14:05``, ``2025-12-31T14:05:00+01:00``,
  ``2025/12/31``) as ISO 8601;
* a value with the year last (``31/12/2025``, ``31.12.2025``, ``31-12-2025 06:00``) day
  first, unless the column's year-last values can only be read month first (a middle number
  above 12 and no first number above 12, as in ``12/31/2025``);
* anything else (a word, a number of a numeric column, a date that does not exist) is NaT:
  the caller rejects the row or refuses the column, never guesses.

:func:`month_labels` gives each time's month as ``YYYY-MM``.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.toolkit import routing

_OFFSET = r"(\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$"
_YEAR_LAST = r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b"
_YEAR_FIRST = r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T].*)?$"


def is_numeric_column(values: pd.Series) -> bool:
    """True for a column of numbers (not times): it has no time to read."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def parse_time(values: pd.Series) -> pd.Series:
    """Naive timestamps in local clock time (see the module); NaT where a value is not a time."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)  # the clock time, the zone dropped
        return values.astype("datetime64[ns]").rename(values.name)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]", name=values.name)
    if is_numeric_column(values):
        return result
    text = values.astype("string").str.strip()
    local = text.str.replace(_OFFSET, r"\1", regex=True).str.strip()
    year_first = local.str.match(_YEAR_FIRST).fillna(False).astype(bool)
    parts = local.str.extract(_YEAR_LAST)
    year_last = parts[0].notna() & ~year_first
    if year_first.any():
        iso = local[year_first].str.replace(r"^(\d{4})[/.](\d{1,2})[/.]", r"\1-\2-", regex=True)
        result[year_first] = _to_datetime(iso, format="ISO8601")
    if year_last.any():
        first = pd.to_numeric(parts[0][year_last])
        middle = pd.to_numeric(parts[1][year_last])
        month_first = bool((middle > 12).any() and not (first > 12).any())
        shown = local[year_last].str.replace(
            r"^(\d{1,2})[./-](\d{1,2})[./-]", r"\1/\2/", regex=True
        )
        result[year_last] = _to_datetime(shown, dayfirst=not month_first, format="mixed")
    return result


def _to_datetime(text: pd.Series, **options) -> pd.Series:
    parsed = pd.to_datetime(text, errors="coerce", **options)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def month_labels(times: pd.Series) -> pd.Series:
    """Each time's month as ``YYYY-MM`` (missing where the time is)."""
    return routing.month_labels(parse_time(times))
