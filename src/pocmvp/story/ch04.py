"""The claims chapter 4 makes; see :mod:`pocmvp.story`."""

from __future__ import annotations

CLAIMS: tuple = ()
