"""Shared fixtures: the fast-mode plant, generated once per test session."""

from __future__ import annotations

import pytest

from pocmvp import factory


@pytest.fixture(scope="session")
def fast_plant() -> factory.Plant:
    return factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED)


@pytest.fixture
def shift_log(fast_plant: factory.Plant):
    """A fresh copy each test may change freely."""
    return fast_plant.shift_log.copy()
