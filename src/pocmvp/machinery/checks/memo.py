"""Expected answers computed once per data: :func:`by_content`.

A check computes its expected answer and its misconceptions' values from the learner's data
at every call. A learner's attempts, a chapter's run and the tests call the same check on the
same shift log again and again (the tests: blank, right, and each misconception, twice), and
some of these computations take seconds (a month's report, the rule versions). The helpers
that compute them are wrapped in :func:`by_content`: called again with equal data, they
return what they returned the first time.

Equal means equal content, not the same object: a data frame is keyed by its columns, dtypes,
index and values (pandas' row hashes, in order), so a changed or another frame is computed
afresh. The cached results are shared by the callers: the checks only read them.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

MAX_ENTRIES = 16
"""Results kept per helper (the least recently used go first): a few shift logs and seeds."""


class _Unkeyable(Exception):
    """An argument that cannot be keyed: the call is not cached."""


def content_key(value: object) -> object:
    """A hashable key for ``value``'s content: a data frame or series by its values (in
    order), index, columns and dtypes; anything hashable as itself."""
    if isinstance(value, pd.DataFrame | pd.Series):
        try:
            rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        except TypeError as exc:  # a column of lists or dicts
            raise _Unkeyable from exc
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        return (
            type(value).__name__,
            tuple(map(str, frame.columns)),
            tuple(map(str, frame.dtypes)),
            hashlib.sha256(rows.tobytes()).hexdigest(),
        )
    try:
        hash(value)
    except TypeError as exc:
        raise _Unkeyable from exc
    return value


def by_content(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` computed once per content of its arguments (see :func:`content_key`);
    an argument that cannot be keyed computes it afresh."""
    results: OrderedDict[object, T] = OrderedDict()

    @functools.wraps(function)
    def cached(*args, **kwargs) -> T:
        try:
            key = (
                tuple(content_key(a) for a in args),
                tuple(sorted((name, content_key(v)) for name, v in kwargs.items())),
            )
        except _Unkeyable:
            return function(*args, **kwargs)
        if key in results:
            results.move_to_end(key)
            return results[key]
        result = function(*args, **kwargs)
        results[key] = result
        if len(results) > MAX_ENTRIES:
            results.popitem(last=False)
        return result

    cached.cache_clear = results.clear  # type: ignore[attr-defined]
    return cached
