"""The toolkit a learner takes home: it knows nothing of the case.

A table's schema and validation, row accounting, the rule and its search, capacity routing,
the workbook writer, the spreadsheet-engine check, SQL, the monthly report and its delivery,
monitoring. Nothing here imports :mod:`pocmvp.case` or :mod:`pocmvp.machinery`; the plant's
shift log is one schema handed to these functions.
"""
