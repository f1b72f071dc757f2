"""A season of unplanned requests, handled by one team, a rotation or three groups.

The stages, one module each: :mod:`~pocmvp.case.season.requests` (the work and its
assumptions), :mod:`~pocmvp.case.season.people` (who enjoys what, who sits where),
:mod:`~pocmvp.case.season.simulate` (the event loop), :mod:`~pocmvp.case.season.measures`
(what a season achieved, the load measure, team sizes, the water line),
:mod:`~pocmvp.case.season.figures` (the pictures and their alt text) and
:mod:`~pocmvp.case.season.findings` (every figure the chapter quotes, and its claims).
"""
