"""pocmvp: the package behind the workbook "Ship the rule, then the model".

Modules follow the story's stages: ``factory`` (the data), ``status_quo`` (today's cost),
``poc`` and ``bill`` (the overbuilt proof of concept and what it would take to go live),
``rule`` and ``workbook`` (the spreadsheet MVP), ``business_case`` (the two side by side),
``report`` (the monthly email) and ``fire`` (unplanned work).
"""

__version__ = "0.1.0"
