"""Processes that fit no model import no scikit-learn (nor SciPy, which it pulls in).

Importing scikit-learn costs about a second, in every notebook kernel, ``pocmvp`` command and
test worker. Chapters 1, 4, 6 and 8, their solutions, the monthly report notebook and
``pocmvp rule`` fit and score no model, so what they import must not import it: the modules
that build or score one import it inside the functions that do (``pocmvp.case.poc_learners``
is the POC's). The check runs in a fresh interpreter, since this one has imported everything.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "scipy")
NOTEBOOKS = (
    "chapters/01_business_problem.ipynb",
    "chapters/04_spreadsheet_rule.ipynb",
    "chapters/06_ship_monthly.ipynb",
    "chapters/08_organise_unplanned_work.ipynb",
    "solutions/01_business_problem_solutions.ipynb",
    "solutions/04_spreadsheet_rule_solutions.ipynb",
    "solutions/06_ship_monthly_solutions.ipynb",
    "solutions/08_organise_unplanned_work_solutions.ipynb",
    "src/pocmvp/toolkit/report_notebook/monthly_report.ipynb",
)


def notebook_imports(path: Path) -> list[str]:
    """Every import statement at the top level of a notebook's code cells."""
    statements = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if source.lstrip().startswith(("%", "!")):
            continue
        tree = ast.parse(source)
        statements += [
            ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)
        ]
    return statements


def heavy_modules_after(steps: dict[str, str]) -> dict[str, list[str]]:
    """Run each step's code in turn in ONE fresh interpreter (this one has imported
    everything); the heavy libraries imported once each step has run. A step sees what the
    steps before it imported, so a step that adds none shows the list of the step before."""
    code = "import sys\n"
    for name, step in steps.items():
        code += f"{step}\nprint({name!r}, sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = {}
    for line in done.stdout.splitlines():
        name, _, modules = line.partition(" ")
        if name.strip("'") in steps and modules.startswith("["):
            found[name.strip("'")] = ast.literal_eval(modules)
    return found


# A chapter's first story.check loads every chapter's claims.
CLAIMS = "from pocmvp.case.story import claims\nlist(claims.CLAIMS)"


def notebooks_code(notebooks) -> str:
    return "\n".join([*(s for n in notebooks for s in notebook_imports(ROOT / n)), CLAIMS])


def test_the_notebooks_read_every_import_statement():
    """The check below sees what each notebook imports (a notebook without one would pass)."""
    for notebook in NOTEBOOKS:
        assert any("pocmvp" in s for s in notebook_imports(ROOT / notebook)), notebook


def test_what_fits_no_model_imports_no_sklearn(tmp_path):
    """In one interpreter (each costs a second or two): every import of the notebooks that fit
    no model, together (if all of them import no sklearn, none of them does), then
    ``pocmvp rule`` on the example, then the probe itself: the POC's learners do import it."""
    example = ROOT / "src/pocmvp/toolkit/report_notebook/example_orders.csv"
    arguments = [
        *("rule", str(example), "--target", "fraud", "--capacity", "0.05"),
        *("--time", "created", "--output", str(tmp_path / "rule")),
    ]
    found = heavy_modules_after(
        {
            "notebooks": notebooks_code(NOTEBOOKS),
            "rule": f"from pocmvp.cli import main\nassert main({arguments!r}) == 0",
            "probe": "import pocmvp.case.poc_learners",
        }
    )
    if found["notebooks"]:  # name the notebooks, one interpreter each
        culprits = [n for n in NOTEBOOKS if heavy_modules_after({"n": notebooks_code([n])})["n"]]
        pytest.fail(f"{found['notebooks']} imported by {culprits}")
    assert found["rule"] == [], "pocmvp rule imports scikit-learn"
    assert (tmp_path / "rule" / "rule.json").exists()
    assert found["probe"] == sorted(HEAVY), "the probe sees sklearn where a model is fitted"


# What a notebook, a report or a kernel needs, and `pocmvp rule` never uses.
NOT_FOR_RULE = ("matplotlib", "nbformat", "nbclient", "papermill", "jinja2", "IPython", *HEAVY)


def test_pocmvp_rule_starts_without_what_it_never_uses():
    """A ``pocmvp rule`` process imports the command line and the toolkit's rule modules
    only: no plotting, notebook or model library (each costs a quarter of a second or
    more), and of the case only the two modules that declare its commands' options."""
    code = (
        "import contextlib, io, sys\n"
        "from pocmvp import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    cli.main(['rule', '--help'])\n"
        "from pocmvp.toolkit import held_out, make_rule\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('pocmvp.case')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    top, case = (ast.literal_eval(line) for line in done.stdout.splitlines())
    assert "pandas" in top and "xlsxwriter" in top, "the check sees the rule's own imports"
    assert [m for m in NOT_FOR_RULE if m in top] == []
    assert case == ["pocmvp.case", "pocmvp.case.report_command", "pocmvp.case.send_due_command"]
