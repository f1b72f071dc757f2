"""A chapter's headline figures as data: one tracked JSON file per chapter, name -> value.

A chapter collects the figures it quotes and writes them beside itself::

    figures = Figures("02_overbuilt_poc")
    figures.add("promised_reduction", promise.reduction)
    figures.write()  # -> figures/02_overbuilt_poc.json

Notebooks run in their own folder, so that is ``chapters/figures/``, a tracked file that
``make notebooks`` rewrites, that tests compare with tolerances and that the README and the
site quote. The file is the same from run to run: keys sorted, floats rounded to 6
significant digits, and it is only rewritten when its content changes. Runs that must not
touch the tracked files (tests in fast mode or with other seeds) set ``POCMVP_FIGURES_DIR``.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from pathlib import Path

import numpy as np

FIGURES_DIR_VARIABLE = "POCMVP_FIGURES_DIR"
SIGNIFICANT_DIGITS = 6
_FILE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]*$")


class Summary(str):
    """A one-line summary that a notebook shows as plain text (no quotes)."""

    def __repr__(self) -> str:
        return str(self)


def plain(value: object, *, name: str = "value") -> int | float | bool | str:
    """``value`` as a plain JSON value: ints stay ints, floats keep 6 significant digits.

    numpy scalars become Python ones; NaN, infinities and anything that is not a number or
    a string are refused, naming ``name``.
    """
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        value = value.item()  # a numpy scalar as its Python value
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"figure {name!r} is {value}; a figure must be a finite number")
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    raise TypeError(
        f"figure {name!r} is a {type(value).__name__}; a figure is a number or a string"
    )


def figures_dir() -> Path:
    """``$POCMVP_FIGURES_DIR`` if set, else ``figures/`` in the current working directory."""
    return Path(os.environ.get(FIGURES_DIR_VARIABLE, "figures"))


class Figures:
    """The headline figures of one chapter, written to ``figures/<name>.json``."""

    def __init__(self, name: str):
        if not isinstance(name, str) or not _FILE_NAME.match(name):
            raise ValueError(f"name must be a file name such as '02_overbuilt_poc', got {name!r}")
        self.name = name
        self.values: dict[str, int | float | bool | str] = {}

    def add(self, name: str, value: object):
        """Record figure ``name`` (a Python identifier); returns ``value`` unchanged.

        Adding a name again is allowed with the same value (a cell run twice), refused with
        another one.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"a figure's name must be a Python identifier, got {name!r}")
        converted = plain(value, name=name)
        if name in self.values and self.values[name] != converted:
            raise ValueError(
                f"figure {name!r} was already added as {self.values[name]!r}, now {converted!r}"
            )
        self.values[name] = converted
        return value

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, name: str):
        return self.values[name]

    def text(self) -> str:
        """The file's content: sorted keys, indent 2, a trailing newline."""
        return json.dumps(self.values, indent=2, sort_keys=True, allow_nan=False) + "\n"

    def path(self) -> Path:
        return figures_dir() / f"{self.name}.json"

    def add_all(self, figures: dict, prefix: str = "") -> None:
        """Record every entry of ``figures``: a nested mapping adds ``name_key`` figures, a
        list becomes one text figure (its items joined by commas)."""
        for name, value in figures.items():
            key = prefix + re.sub(r"\W+", "_", str(name)).strip("_")
            if isinstance(value, dict):
                self.add_all(value, prefix=f"{key}_")
            elif isinstance(value, list | tuple):
                self.add(key, ", ".join(str(item) for item in value))
            else:
                self.add(key, value)

    def write(self) -> Summary:
        """Write the figures (only if they changed) and return a one-line summary."""
        path = self.path()
        text = self.text()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        count = len(self.values)
        noun = "figure" if count == 1 else "figures"
        return Summary(f"{count} {noun} written to {_shown(path)}")


def read(path: Path | str) -> dict[str, int | float | bool | str]:
    """A figures file as a dict (for tests, the README and the site)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _shown(path: Path) -> str:
    """The path as the notebook shows it: relative to where it runs when it is inside."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
