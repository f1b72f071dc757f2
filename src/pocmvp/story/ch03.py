"""The claims chapter 3 makes; see :mod:`pocmvp.story`."""

from __future__ import annotations

CLAIMS: tuple = ()
