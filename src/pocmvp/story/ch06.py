"""The claims chapter 6 makes; see :mod:`pocmvp.story`."""

from __future__ import annotations

CLAIMS: tuple = ()
