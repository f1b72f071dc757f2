"""Processes that fit no model import no scikit-learn (nor SciPy, which it pulls in).

Importing scikit-learn costs about a second, in every notebook kernel, ``pocmvp`` command and
test worker. Chapters 1, 4, 6 and 8, their solutions, the monthly report notebook and
``pocmvp rule`` fit and score no model, so what they import must not import it: the modules
that build or score one import it inside the functions that do (``pocmvp.case.poc_learners``
is the POC's). Each check runs in a fresh interpreter, since this one has imported everything.
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


def heavy_modules_after(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has imported after running ``code``."""
    probe = f"\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code + probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_the_notebooks_read_every_import_statement():
    """The check below sees what each notebook imports (a notebook without one would pass)."""
    for notebook in NOTEBOOKS:
        assert any("pocmvp" in s for s in notebook_imports(ROOT / notebook)), notebook


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: Path(n).stem)
def test_a_notebook_that_fits_no_model_imports_no_sklearn(notebook):
    code = "\n".join(notebook_imports(ROOT / notebook))
    # A chapter's first story.check loads every chapter's claims.
    code += "\nfrom pocmvp.case.story import claims\nlist(claims.CLAIMS)"
    assert heavy_modules_after(code) == []


def test_pocmvp_rule_imports_no_sklearn(tmp_path):
    example = ROOT / "src/pocmvp/toolkit/report_notebook/example_orders.csv"
    arguments = [
        *("rule", str(example), "--target", "fraud", "--capacity", "0.05"),
        *("--time", "created", "--output", str(tmp_path / "rule")),
    ]
    code = f"from pocmvp.cli import main\nassert main({arguments!r}) == 0"
    assert heavy_modules_after(code) == []
    assert (tmp_path / "rule" / "rule.json").exists()


def test_the_check_sees_sklearn_where_a_model_is_fitted():
    """The probe itself: importing the POC's learners does import scikit-learn."""
    assert heavy_modules_after("import pocmvp.case.poc_learners") == sorted(HEAVY)
