"""Progress of a long step: `tqdm` counting, shown as ONE deterministic line.

:func:`progress` is a :class:`tqdm.tqdm` (its counting, iteration, ``update`` and ``close``)
whose display is replaced, so that a notebook keeps a single stored line:

* in a Jupyter kernel the line is an IPython display updated in place (``display_id``): a
  learner sees the count move, and the stored output holds one line. Its text at the end is
  the text it started with (``"hyperparameter search: 18 fits"``): nbval records a display as
  first shown and ignores its updates, and the stored output keeps the last update, so the two
  agree only that way;
* in a terminal it rewrites one line;
* elsewhere (a log, a pipe) it prints only the final line.

Counts only, never a time or a rate, so the same run shows the same text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from tqdm.std import tqdm


class _Sink:
    """Where tqdm's own writes go: nowhere (this display writes for it)."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class _Line:
    """One line of text as a notebook shows it (text/plain, no quotes)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _in_kernel() -> bool:
    """True in a Jupyter kernel (JupyterLab, papermill, nbval), where displays update."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Progress(tqdm):
    """tqdm's counting with one line of display (see the module)."""

    monitor_interval = 0  # no monitor thread: the display is updated on every step

    def __init__(
        self,
        iterable: Iterable | None = None,
        *,
        desc: str,
        unit: str = "",
        total: int | None = None,
        disable: bool = False,
        stream: TextIO | None = None,
    ):
        if total is None:
            if iterable is None or not hasattr(iterable, "__len__"):
                raise TypeError(f"progress({desc!r}): give 'total', the number of steps")
            total = len(iterable)  # type: ignore[arg-type]
        if total < 0:
            raise ValueError(f"progress({desc!r}): 'total' must be 0 or more, not {total}")
        self.label, self.unit_name, self.steps = desc, unit, int(total)
        self._stream = stream
        self._handle = None
        self._kernel = stream is None and _in_kernel()
        self._terminal = not self._kernel and self._live_terminal()
        self._done = False
        super().__init__(
            iterable,
            total=int(total),
            disable=disable,
            file=self._target() if self._terminal else _Sink(),
            mininterval=0,
            miniters=1,
            leave=True,
            delay=0,
        )

    def summary(self) -> str:
        """The line shown before the first step and after the last: the step and its size."""
        return f"{self.label}: {self.steps} {self.unit_name}".rstrip()

    def line(self) -> str:
        """The line while it runs: done out of total, and a bar of 20 cells."""
        filled = 20 * self.n // self.steps if self.steps else 20
        bar = "█" * filled + "·" * (20 - filled)
        return f"{self.label}: {self.n}/{self.steps} {self.unit_name} {bar}".replace("  ", " ")

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        """Show the summary before the first step and at the end, the count in between."""
        text = self.summary() if self._done or self.n == 0 else self.line()
        if self._kernel:
            if self._handle is None:
                from IPython.display import display

                self._handle = display(_Line(text), display_id=True)
            else:
                self._handle.update(_Line(text))
        elif self._terminal:
            self._write("\r" + (text.ljust(len(self.line())) if self._done else text))
        elif self._done:
            self._write(text + "\n")
        return True

    def close(self) -> None:
        """Show the final line (the summary) once; closing twice does nothing."""
        self._done = True
        super().close()

    def _target(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stdout

    def _live_terminal(self) -> bool:
        isatty = getattr(self._target(), "isatty", None)
        return bool(isatty and isatty())

    def _write(self, text: str) -> None:
        self._target().write(text)
        self._target().flush()


def progress(
    iterable: Iterable | None = None,
    *,
    desc: str,
    unit: str = "",
    total: int | None = None,
    disable: bool = False,
    stream: TextIO | None = None,
) -> Progress:
    """A :class:`Progress` over ``iterable`` (or updated by hand with ``total`` steps)."""
    return Progress(iterable, desc=desc, unit=unit, total=total, disable=disable, stream=stream)
