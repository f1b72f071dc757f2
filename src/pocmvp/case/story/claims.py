"""The machinery of claims: a claim, its band, the shared computations, the evaluation."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from pocmvp.case import factory

CHAPTER_MODULES = ("ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09")


@dataclass(frozen=True)
class Band:
    """The values a claim may take: ``low <= value <= high`` (either end may be open)."""

    low: float = -math.inf
    high: float = math.inf

    def holds(self, value: float) -> bool:
        return bool(self.low <= value <= self.high)

    def __str__(self) -> str:
        if self.low == -math.inf and self.high == math.inf:
            return "any value (reported, not asserted)"
        if self.high == math.inf:
            return f"at least {self.low:g}"
        if self.low == -math.inf:
            return f"at most {self.high:g}"
        return f"{self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class Claim:
    """One claim of the story: what it says, where, how it is computed, and its band.

    ``fast_band`` applies at the fast size (a quarter of the parts, a third of the bottles,
    so noisier figures); it defaults to ``band``.
    """

    name: str
    chapter: int
    says: str
    compute: Callable[[Story], float] = field(repr=False)
    band: Band
    fast_band: Band | None = None
    seeds_share: float = 1.0
    """The share of the seeds tried on which it must hold at each size (1: every seed). A
    claim below 1 says "usually": a chapter asserts it on the default seed, the one its
    stored outputs show, and ``make robustness`` counts the seeds."""

    def band_for(self, fast_mode: bool) -> Band:
        return self.fast_band if fast_mode and self.fast_band is not None else self.band


class Story:
    """The computations the claims share for one seed and size, each done once, lazily.

    Claims read the attributes below; what several claims need beyond them (a trained
    model, a panel of baselines) they compute once through :meth:`shared`.
    """

    def __init__(self, seed: int = factory.DEFAULT_SEED, fast_mode: bool = False):
        self.seed = seed
        self.fast_mode = fast_mode
        self._cache: dict[str, object] = {}

    def shared(self, key: str, make: Callable[[], object]) -> object:
        """``make()`` once per story: a result several claims read (a trained model)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @cached_property
    def plant(self) -> factory.Plant:
        return factory.generate_plant(factory.parts_for(self.fast_mode), seed=self.seed)

    @cached_property
    def shift_log(self):
        return self.plant.shift_log

    @cached_property
    def history(self):
        return factory.in_months(self.shift_log, factory.TRAIN_MONTHS)

    @cached_property
    def held_out(self):
        return factory.in_months(self.shift_log, factory.HELD_OUT_MONTHS)


def _load() -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for name in CHAPTER_MODULES:
        module = importlib.import_module(f"pocmvp.case.story.{name}")
        claims.extend(getattr(module, "CLAIMS", ()))
    names = [c.name for c in claims]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"claims declared twice: {sorted(duplicated)}")
    return tuple(claims)


class _Registry:
    """All claims, loaded on first use (chapter modules import the package's modules)."""

    def __init__(self) -> None:
        self._claims: tuple[Claim, ...] | None = None

    def __iter__(self):
        if self._claims is None:
            self._claims = _load()
        return iter(self._claims)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def get(self, name: str) -> Claim:
        for claim in self:
            if claim.name == name:
                return claim
        raise KeyError(f"no claim named {name!r}; the story declares {[c.name for c in self]}")


CLAIMS = _Registry()


def claims_of(chapter: int) -> list[Claim]:
    """The claims a chapter makes, in declared order."""
    return [c for c in CLAIMS if c.chapter == chapter]


def check(name: str, value: float, *, fast_mode: bool = False, seed: int | None = None) -> float:
    """Assert that a chapter's computed ``value`` of claim ``name`` lies in its band.

    A claim that must hold on a share of the seeds only (``seeds_share`` < 1) is asserted
    on the default seed at the default size; a chapter passes its ``seed``.
    Returns the value, so a chapter can check and show it in one line.
    """
    claim = CLAIMS.get(name)
    band = claim.band_for(fast_mode)
    value = float(value)
    if claim.seeds_share < 1:
        if seed is None:
            raise ValueError(f"{name} holds on a share of the seeds: pass the chapter's seed")
        if fast_mode or seed != factory.DEFAULT_SEED:
            return value
    if not band.holds(value):
        raise AssertionError(f"{claim.says}: expected {band}, got {value:.4g} ({name})")
    return value


def evaluate_story(story: Story) -> list[dict]:
    """Every claim on one story (one seed and size): one row per claim, in declared order.

    A claim whose computation raises does not hold; the row keeps the error instead of a
    value, so one broken claim does not hide the others.
    """
    rows = []
    for claim in CLAIMS:
        band = claim.band_for(story.fast_mode)
        error = None
        try:
            value = float(claim.compute(story))
        except Exception as exc:  # recorded as a failure of this claim, not raised
            value, error = math.nan, f"{type(exc).__name__}: {exc}"
        rows.append(
            {
                "claim": claim.name,
                "chapter": claim.chapter,
                "seed": story.seed,
                "size": "fast" if story.fast_mode else "default",
                "value": value,
                "low": band.low,
                "high": band.high,
                "holds": error is None and band.holds(value),
                "error": error,
            }
        )
    return rows


def evaluate(
    seeds: Iterable[int], *, fast_modes: Iterable[bool] = (False, True), progress=None
) -> list[dict]:
    """Every claim for every seed and size: one row per (claim, seed, size), in one process.

    ``pocmvp robustness`` (:mod:`pocmvp.machinery.robustness`) does the same on two processes.
    """
    seeds = list(seeds)
    rows = []
    for fast_mode in fast_modes:
        for seed in seeds:
            rows.extend(evaluate_story(Story(seed=seed, fast_mode=fast_mode)))
            if progress is not None:
                progress.update(1)
    return rows
