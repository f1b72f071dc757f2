"""Running notebooks in tests: papermill in a scratch folder, with the current environment.

A test module that runs many notebooks shares one kernel (:class:`SharedKernel`): each run
starts from an empty namespace, in the notebook's folder, with its own output folders and no
self-check results, as a fresh kernel would; only the imported modules stay loaded, so that
pandas, scikit-learn and matplotlib are imported once per module instead of once per notebook
(2 to 4 s each).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from pocmvp.machinery import notebooks

FAST = {"fast_mode": True}
SECOND_SEED = 7
# A notebook in fast mode takes seconds; this only stops a hung kernel from hanging CI.
NOTEBOOK_TIMEOUT_S = 600

# The monthly report notebook runs too, at its default month and rule.
CHAPTERS_AND_SOLUTIONS = (
    notebooks.chapter_notebooks() + notebooks.solution_notebooks() + [notebooks.report_notebook()]
)
EXERCISES = [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def scratch_folders(tmp_path: Path) -> dict[str, str]:
    """Where a run writes its outputs, figures and downloads: a run in fast mode or with
    another seed must not rewrite the tracked ``chapters/figures/*.json`` or
    ``chapters/downloads/*``."""
    return {
        "POCMVP_OUTPUT_DIR": str(tmp_path / "output"),
        "POCMVP_FIGURES_DIR": str(tmp_path / "figures"),
        "POCMVP_DOWNLOADS_DIR": str(tmp_path / "downloads"),
    }


def run(
    notebook: Path, parameters: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> nbformat.NotebookNode:
    """Execute ``notebook`` through its parameters cell in a kernel of its own; outputs go
    to ``tmp_path``."""
    for variable, folder in scratch_folders(tmp_path).items():
        monkeypatch.setenv(variable, folder)
    return notebooks.execute(
        notebook,
        tmp_path / notebook.name,
        parameters,
        kernel_name="python3",
        timeout=NOTEBOOK_TIMEOUT_S,
    )


FRESH_START = """\
%reset -f
import os as _os

_os.chdir({folder})
_os.environ.update({environment})
from pocmvp.machinery import predictions as _predictions

_predictions.reset()
import matplotlib.pyplot as _plt

_plt.close("all")
del _os, _predictions, _plt
"""


class SharedKernel:
    """One kernel (``python3``, this environment) for the notebook runs of a test module."""

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.util import run_sync

        self._run_sync = run_sync
        self.manager = AsyncKernelManager(kernel_name="python3")
        run_sync(self.manager.start_kernel)(cwd=str(notebooks.ROOT))

    def run(self, notebook: Path, parameters: dict, tmp_path: Path) -> nbformat.NotebookNode:
        """Execute ``notebook`` through its parameters cell as :func:`run` does, in this
        kernel: first a cell, left out of the result, that empties the namespace, enters the
        notebook's folder, points the outputs at ``tmp_path`` and forgets every self-check."""
        import papermill

        if not self._run_sync(self.manager.is_alive)():  # a notebook before killed it
            self._run_sync(self.manager.restart_kernel)(now=True)
        source = nbformat.read(notebook, as_version=4)
        start = FRESH_START.format(
            folder=json.dumps(str(notebook.resolve().parent)),
            environment=json.dumps(scratch_folders(tmp_path)),
        )
        source.cells.insert(0, nbformat.v4.new_code_cell(start))
        output = tmp_path / notebook.name
        try:
            executed = papermill.execute_notebook(
                source,
                str(output),
                parameters=parameters,
                kernel_name="python3",
                km=self.manager,
                execution_timeout=NOTEBOOK_TIMEOUT_S,
                progress_bar=False,
                request_save_on_cell_execute=False,
            )
        finally:
            # The start cell is the harness's, not the notebook's.
            if output.exists():
                written = nbformat.read(output, as_version=4)
                written.cells.pop(0)
                notebooks.write(written, output)
        executed.cells.pop(0)
        notebooks.strip_run_metadata(executed)
        return executed

    def shutdown(self) -> None:
        self._run_sync(self.manager.shutdown_kernel)(now=True)


def text_outputs(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)
