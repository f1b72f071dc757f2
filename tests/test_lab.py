"""`make lab` opens JupyterLab with the workbook's kernel: start it for real and ask it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from local_servers import free_port

from pocmvp import notebooks

TOKEN = "workbook-test"


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


@pytest.fixture
def lab(tmp_path):
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={notebooks.ROOT}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get_json(f"{base}/api/status?token={TOKEN}")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab exited: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        else:
            pytest.fail("jupyter lab did not answer /api/status within 20 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_lab_serves_the_workbook_with_its_kernel(lab):
    specs = get_json(f"{lab}/api/kernelspecs?token={TOKEN}")
    assert notebooks.KERNEL_NAME in specs["kernelspecs"], "make venv registers the kernel"
    chapter = get_json(f"{lab}/api/contents/chapters/01_business_problem.ipynb?token={TOKEN}")
    assert chapter["type"] == "notebook"


def test_every_notebook_uses_the_registered_kernel():
    paths = [*notebooks.chapter_notebooks(), *notebooks.solution_notebooks()]
    paths += [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]
    for path in paths:
        kernel = nbformat.read(path, as_version=4).metadata.kernelspec.name
        assert kernel == notebooks.KERNEL_NAME, path
