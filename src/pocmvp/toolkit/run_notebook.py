"""Run a parameterised notebook with papermill in the Python that is running this code.

``pocmvp report`` runs its notebook wherever the package is installed: in a fresh virtual
environment, there may be no Jupyter kernel named ``python3`` or ``pocmvp``, or one that
points at another Python without the package. :func:`execute` therefore writes a kernelspec
for ``sys.executable`` into a temporary folder, puts that folder first on ``JUPYTER_PATH``
for the run, and asks papermill for that kernel: the notebook runs in the same environment
as the command, whatever kernels are installed.

The kernel's own warnings (its transport and ZeroMQ messages, Python warnings) are silenced,
so a run prints nothing on stderr unless a cell fails; the failure is raised as papermill's
``PapermillExecutionError``. Run metadata (timestamps, durations) is stripped so that the
executed notebook only changes when its results do.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: it costs seconds (jsonschema's formats)
    import nbformat


KERNEL_NAME = "pocmvp-current-python"
"""The name of the temporary kernelspec that points at ``sys.executable``."""


def without_iri_grammar() -> None:
    """Import papermill and nbformat without the grammar jsonschema builds for IRIs.

    nbformat validates notebooks with jsonschema, which, where the optional package
    ``rfc3987_syntax`` is installed (JupyterLab's dependencies install it), compiles a grammar
    for checking IRIs as it is imported: 2 s of CPU in every command that runs a notebook.
    No notebook schema checks an IRI, so this process goes without that check (jsonschema
    skips a format whose package does not import). Call it before importing papermill; a
    process that already imported jsonschema keeps it as it is.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


@contextlib.contextmanager
def current_python_kernel() -> Iterator[str]:
    """A kernelspec for this interpreter, findable by Jupyter while the block runs."""
    with tempfile.TemporaryDirectory(prefix="pocmvp-kernel-") as folder:
        spec = Path(folder) / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        kernel = {
            "argv": [
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                "--IPKernelApp.log_level=CRITICAL",
            ],
            "display_name": "Python (the running pocmvp)",
            "language": "python",
            "env": {"PYTHONWARNINGS": "ignore"},
        }
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        before = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [folder, before]))
        try:
            yield KERNEL_NAME
        finally:
            if before is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = before


def execute(
    notebook: str | Path,
    output: str | Path,
    parameters: dict | None = None,
    *,
    cwd: str | Path | None = None,
    timeout: int = 600,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` in this Python and write the result to ``output``.

    ``cwd`` is the folder the kernel starts in (default: the notebook's). Raises papermill's
    ``PapermillExecutionError`` when a cell fails (the executed notebook is written first).
    """
    without_iri_grammar()
    import papermill

    notebook, output = Path(notebook).resolve(), Path(output).resolve()
    quiet = [logging.getLogger(name) for name in ("papermill", "traitlets", "asyncio")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        with current_python_kernel() as kernel_name:
            executed = papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters or {},
                kernel_name=kernel_name,
                cwd=str(cwd or notebook.parent),
                execution_timeout=timeout,
                progress_bar=False,
                request_save_on_cell_execute=False,
            )
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    import nbformat

    strip_run_metadata(executed)
    output.write_text(nbformat.writes(executed) + "\n", encoding="utf-8")
    return executed


def strip_run_metadata(notebook: nbformat.NotebookNode) -> None:
    """Drop what changes from run to run without the results changing."""
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    notebook.metadata.get("widgets", {}).clear()
