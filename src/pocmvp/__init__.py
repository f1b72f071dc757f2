"""pocmvp: the package behind the workbook "Ship the rule, then the model".

It has three parts, one folder each:

* ``pocmvp.toolkit``: what a learner takes home to their own data (``pocmvp rule``,
  ``pocmvp report``); it imports nothing from the other two;
* ``pocmvp.case``: the die-casting plant, its POC, its rule, its fire, and the claims each
  chapter makes;
* ``pocmvp.machinery``: self-checks, exercises, notebook running, display, benchmarks.

``pocmvp.cli`` is the command line over all three.
"""

__version__ = "0.1.0"
