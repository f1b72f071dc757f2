"""The workbook's own machinery: self-checks, exercise generation, notebook running, display,
figures files, benchmarks and the robustness run. Learners do not need it on their own data.
"""
