"""The claims chapter 7 makes; see :mod:`pocmvp.story`."""

from __future__ import annotations

CLAIMS: tuple = ()
