"""The plant after the generated year: the first half of 2026, with the next supplier change.

The chapters' year (2025) comes from :func:`pocmvp.case.factory.generate_plant`, and nothing
here changes it: its draws, its rows and its bytes stay as they were. Only chapter 7, which
judges preemption's durable fix over the long term, needs the months after.
:func:`generate_after_the_year` draws them with the same causal mechanism
(:func:`pocmvp.case.factory._production`), on their own random stream
(``numpy.random.default_rng([seed, AFTER_STREAM])``), with these declared facts:

* the plant reopens after the Christmas shutdown on :data:`REOPENS` and casts until
  :data:`LAST_DAY`, Monday to Saturday, at the year's pace (parts per production day);
* the moulds are serviced over the shutdown, so each mould's wear pace and place in its
  maintenance cycle are drawn afresh;
* NordAlloy stays the supplier until :data:`NEXT_CHANGE_DATE`; from then on purchasing buys
  from :data:`NEXT_SUPPLIER`, whose alloy flows less well: it misruns on a die cooler than
  about :data:`pocmvp.case.factory.NEXT_DIE_AT` °C, where the two earlier alloys filled fine,
  and it carries no excess iron (no sludge on a cold melt);
* the seasons go on: humidity, and with it hot-melt porosity, rises towards the summer.

:func:`with_the_year_after` joins the year and the months after into one shift log (index
and part ids continue), and :func:`returns_after` their returns, the year's delays unchanged.
:class:`CastingOrder` finds the rows cast between two times in such a log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pocmvp.case import factory, returns
from pocmvp.case.returns import Returns

AFTER_STREAM = 2
"""The random stream of the months after the year (the year uses the seed itself, returns
use stream 1)."""
YEAR_AFTER = factory.YEAR + 1
REOPENS = pd.Timestamp(f"{YEAR_AFTER}-01-05")
"""The first production day after the Christmas shutdown (a Monday)."""
LAST_DAY = pd.Timestamp(f"{YEAR_AFTER}-06-27")
"""The last production day (a Saturday: its night shift ends on Sunday morning, in June)."""
NEXT_SUPPLIER = "Castella"
NEXT_CHANGE_DATE = pd.Timestamp(f"{YEAR_AFTER}-04-01")
"""The day the next supplier's first lots are charged into the furnaces."""
MONTHS = tuple(f"{YEAR_AFTER}-{m:02d}" for m in range(1, 7))


def production_days() -> pd.DatetimeIndex:
    """The calendar days of the months after the year (Sundays get no parts)."""
    return pd.date_range(REOPENS, LAST_DAY, freq="D")


def parts_after(year_log: pd.DataFrame) -> int:
    """How many parts the months after the year get: the year's parts per production day."""
    year_days = pd.date_range(f"{factory.YEAR}-01-01", f"{factory.YEAR}-12-31", freq="D")
    per_day = len(year_log) / factory.production_weights(year_days).sum()
    return int(round(per_day * factory.production_weights(production_days()).sum()))


def generate_after_the_year(plant: factory.Plant) -> factory.Plant:
    """January to June 2026 for the plant generated with ``plant.seed``: the shift log and
    the MES signals of the months after the year, indexed after the year's rows."""
    year_log = plant.shift_log
    rng = np.random.default_rng([plant.seed, AFTER_STREAM])
    cast_at, shift = factory._cast_times(rng, parts_after(year_log), production_days())
    next_change = np.asarray(cast_at >= NEXT_CHANGE_DATE)
    supplier = np.where(next_change, NEXT_SUPPLIER, factory.SUPPLIER_AFTER)
    shots_per_part = 6.0 * factory.DEFAULT_PARTS / len(year_log)  # the year's machine time
    shift_log, mes = factory._production(
        rng, cast_at, shift, supplier, shots_per_part, year=YEAR_AFTER, next_change=next_change
    )
    index = pd.RangeIndex(len(year_log), len(year_log) + len(shift_log))
    shift_log.index, mes.index = index, index
    return factory.Plant(shift_log=shift_log, mes=mes, seed=plant.seed)


def with_the_year_after(plant: factory.Plant, after: factory.Plant | None = None) -> pd.DataFrame:
    """The year's shift log followed by the months after it (one table, casting order)."""
    after = generate_after_the_year(plant) if after is None else after
    return pd.concat([plant.shift_log, after.shift_log])


def returns_after(shift_log: pd.DataFrame, year_log: pd.DataFrame, seed: int) -> Returns:
    """The returns of :func:`with_the_year_after`'s shift log: the year's parts keep the
    delays :func:`pocmvp.case.returns.returns_of` gives them; the parts after the year draw
    theirs, in casting order, on the stream ``[seed, AFTER_STREAM, RETURNS_STREAM]``."""
    year = returns.returns_of(year_log, seed)
    later = shift_log.index.difference(year_log.index)
    stream = np.random.default_rng([seed, AFTER_STREAM, returns.RETURNS_STREAM])
    order = np.argsort(shift_log.loc[later, "cast_at"].to_numpy(), kind="stable")
    drawn = np.empty(len(later), dtype=np.int64)
    drawn[order] = returns.CUSTOMER_DELAY.draw(len(later), stream)
    delays = pd.concat([year.delay_days, pd.Series(drawn, index=later, name=year.delay_days.name)])
    return Returns(shift_log["cast_at"], delays.loc[shift_log.index], year.booking, year.delay)


class CastingOrder:
    """The rows of a shift log in casting order (as :func:`with_the_year_after` joins it),
    found by casting time with two binary searches: a replay that week after week rebuilt
    masks over every part (:mod:`pocmvp.case.preemption`) spent most of its time on them."""

    def __init__(self, shift_log: pd.DataFrame) -> None:
        cast = shift_log["cast_at"].to_numpy().astype("datetime64[ns]", copy=False)
        if np.isnat(cast).any() or (cast[1:] < cast[:-1]).any():
            raise ValueError("the shift log must be in casting order, every part with its time")
        self.cast = cast

    def rows(self, start: pd.Timestamp, end: pd.Timestamp = pd.Timestamp.max) -> slice:
        """The rows (positions) of the parts cast from ``start`` until before ``end``."""
        bounds = [pd.Timestamp(t).as_unit("ns").to_datetime64() for t in (start, end)]
        first, stop = np.searchsorted(self.cast, bounds, side="left")
        return slice(int(first), int(stop))
