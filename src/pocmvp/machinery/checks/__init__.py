"""Self-checks for each chapter's exercises, one module a chapter (``ch01``, ``ch02``, ...).

Each function takes the learner's answer and the data the exercise uses, computes the
expected value with the package, and gives feedback through :mod:`pocmvp.machinery.selfcheck`.
"""
