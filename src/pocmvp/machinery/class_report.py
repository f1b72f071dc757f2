"""The class report of ``pocmvp grade``: the share correct per exercise (a figure and a
table) and the most common misconceptions, as one HTML page with the figure inline."""

from __future__ import annotations

import base64
import io

import pandas as pd

STATUSES = ("correct", "wrong", "not answered", "error", "tampered")


def summary(grades: pd.DataFrame) -> pd.DataFrame:
    """Per exercise: its tier, how many submissions got each status, the share correct."""
    graded = grades[grades["exercise"] != ""]
    table = pd.crosstab(graded["exercise"], graded["status"]).reindex(
        columns=list(STATUSES), fill_value=0
    )
    table["share correct"] = table["correct"] / table[list(STATUSES)].sum(axis=1)
    tiers = graded.groupby("exercise")["tier"].first()
    table = table.assign(tier=tiers).reset_index()
    # 1.2 before 1.10, 9.1 before 10.1
    ranks = sorted(range(len(table)), key=lambda i: _natural(table["exercise"].iloc[i]))
    return table.iloc[ranks].reset_index(drop=True)


def _natural(exercise: str) -> tuple:
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in exercise.split("."))


def common_misconceptions(grades: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    wrong = grades[(grades["status"] == "wrong") & (grades["misconception"].fillna("") != "")]
    counts = wrong.groupby(["exercise", "misconception"]).size().rename("submissions")
    return counts.sort_values(ascending=False, kind="stable").head(top).reset_index()


def _figure(table: pd.DataFrame) -> str:
    """The share correct per exercise as a PNG, base64."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.2))
    axes.bar(table["exercise"], table["share correct"] * 100, color="#0072B2")
    axes.set_ylim(0, 100)
    axes.set_xlabel("exercise")
    axes.set_ylabel("submissions correct (%)")
    axes.set_title("Share of submissions with a correct answer, per exercise")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


REPORT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report: the exercises</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .6em}</style>
</head><body>
<h1>Class report: the exercises</h1>
<p>{{ submissions }} submissions, {{ exercises }} exercises.</p>
{% if figure %}<img src="data:image/png;base64,{{ figure }}" alt="{{ alt }}">{% endif %}
<h2>Per exercise</h2>
<table><tr><th>exercise</th><th>tier</th>{% for s in statuses %}<th>{{ s }}</th>{% endfor %}
<th>share correct</th></tr>
{% for row in table %}<tr><td>{{ row.exercise }}</td><td>{{ row.tier }}</td>
{% for s in statuses %}<td>{{ row[s] }}</td>{% endfor %}
<td>{{ "%.0f %%" | format(row["share correct"] * 100) }}</td></tr>
{% endfor %}</table>
<h2>Most common misconceptions</h2>
{% if misconceptions %}<table><tr><th>exercise</th><th>misconception</th><th>submissions</th></tr>
{% for row in misconceptions %}<tr><td>{{ row.exercise }}</td><td>{{ row.misconception }}</td>
<td>{{ row.submissions }}</td></tr>{% endfor %}</table>
{% else %}<p>No wrong answer matched a known misconception.</p>{% endif %}
</body></html>
"""


def class_report(grades: pd.DataFrame) -> str:
    """The class report as one HTML page (the figure inline)."""
    import jinja2

    table = summary(grades)
    alt = "; ".join(
        f"{e}: {s * 100:.0f} % correct"
        for e, s in zip(table["exercise"], table["share correct"], strict=True)
    )
    template = jinja2.Environment(autoescape=True).from_string(REPORT)
    return template.render(
        submissions=grades["submission"].nunique(),
        exercises=len(table),
        figure=_figure(table) if len(table) else "",
        alt="Share correct per exercise: " + alt,
        statuses=STATUSES,
        table=table.to_dict("records"),
        misconceptions=common_misconceptions(grades).to_dict("records"),
    )
