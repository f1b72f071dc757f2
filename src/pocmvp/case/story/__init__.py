"""The story's claims: one declared list, checked by the chapters and by ``make robustness``.

Each chapter states claims ("the POC ships about 15 % fewer defective parts than today").
A :class:`Claim` names one, says which chapter makes it, how to compute it from the package
(a function of a :class:`Story`, never by running a notebook) and the band it must fall in.
The chapters assert their claims with :func:`check` on the values they computed and show;
``make robustness`` recomputes every claim for seeds 1 to 20 at the default and the fast
size (:func:`evaluate`) and writes ``benchmarks/robustness.json``.

Every chapter's claims live in the module ``story.chNN``; :data:`CLAIMS` collects them.
"""

from __future__ import annotations

from pocmvp.case.story.claims import (
    CLAIMS,
    Band,
    Claim,
    Story,
    check,
    claims_of,
    evaluate,
    evaluate_story,
)

__all__ = ["CLAIMS", "Band", "Claim", "Story", "check", "claims_of", "evaluate", "evaluate_story"]
