"""The running case: the die-casting plant and the story told about it.

The plant's generator and economics, today's sampling, the POC and its baselines, the
production bill, the business case, the iteration to rule v2, the supplier change and the
season simulation, and the chapters' declared claims (:mod:`pocmvp.case.story`). The case
uses the toolkit (:mod:`pocmvp.toolkit`) the way a learner would.
"""
