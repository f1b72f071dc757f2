"""The claims chapter 5 makes; see :mod:`pocmvp.story`."""

from __future__ import annotations

CLAIMS: tuple = ()
