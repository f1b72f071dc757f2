"""The README's commands for a machine without `make`: the ones the Makefile runs, and they
work with `make` off the PATH."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from local_servers import LAB_TOKEN, get_json, lab_environment, running_lab

from pocmvp.machinery import notebooks

ROOT = notebooks.ROOT
VENV_BIN = ".venv/bin/"


def readme_blocks(language: str) -> dict[str, list[str]]:
    """The README's "Without make" code blocks in ``language``: the setup and the tests."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Without make\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)
    setup, tests = ([line for line in block.splitlines() if line] for block in blocks)
    assert setup[-1].endswith("pocmvp lab") and "pytest" in tests[-1]
    return {"setup": setup, "tests": tests}


def make_dry_run(*arguments: str) -> list[str]:
    """The commands `make` would run, one per line, with line continuations joined."""
    output = subprocess.run(
        ["make", "--no-print-directory", "-n", *arguments],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [" ".join(line.split()) for line in output.replace("\\\n", " ").splitlines()]


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_the_readme_runs_what_make_runs():
    readme = readme_blocks("sh")
    stamp = ".venv/.installed"
    # -o: take .venv as up to date, so that only the target's own commands are printed.
    assert readme["tests"] == make_dry_run("-o", stamp, "test")
    assert readme["setup"][-1:] == make_dry_run("-o", stamp, "lab")
    venv = [re.sub(r" --quiet| >/dev/null", "", line) for line in make_dry_run("-B", stamp)]
    for command in readme["setup"][:-1]:
        assert any(command in line for line in venv), f"make venv does not run {command!r}"


def test_the_windows_commands_are_the_same_commands():
    def as_posix(line: str) -> str:
        return line.replace("py -3 ", "python3 ").replace(".venv\\Scripts\\", VENV_BIN)

    posix, windows = readme_blocks("sh"), readme_blocks("powershell")
    for part in ("setup", "tests"):
        assert [as_posix(line) for line in windows[part]] == posix[part]


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 300):
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    output = f"{shlex.join(command)}:\n{result.stdout}{result.stderr}"
    assert result.returncode == 0, output[-3000:]
    return result


def scratch_prefix(argument: str, prefix: Path) -> list[str]:
    return ["--prefix", str(prefix)] if argument == "--sys-prefix" else [argument]


def test_the_readme_commands_work_without_make(tmp_path):
    """Each README command, run as written with `make` off the PATH.

    Three of them act on a scratch copy instead of the workbook's .venv, which the other
    tests are using: the new environment is made in a scratch folder, the workbook is
    installed into that one, and the kernel is registered under a scratch prefix. The lock
    is checked against .venv with `uv pip install --dry-run` (uv itself is already there).
    The test commands are make test's (see the end).
    """
    bin_dir = tmp_path / "bin"  # the PATH: a python3 and nothing else
    bin_dir.mkdir()
    base_python = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    (bin_dir / "python3").symlink_to(base_python)
    env = {**lab_environment(tmp_path / "home"), "PATH": str(bin_dir)}
    assert shutil.which("make", path=env["PATH"]) is None
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    setup, tests = readme_blocks("sh").values()

    venv, uv, lock, install, kernel, lab = (shlex.split(command) for command in setup)
    run(venv, scratch, env)  # python3 -m venv .venv
    scratch_python = str(scratch / ".venv/bin/python")
    assert uv[-1] == "uv>=0.9,<1" and ROOT.joinpath(VENV_BIN, "uv").exists(), "uv is in .venv"
    checked = run([*lock, "--dry-run"], ROOT, env)
    assert "Would make no changes" in checked.stdout + checked.stderr, ".venv matches the lock"
    into_scratch = [scratch_python if part == VENV_BIN + "python" else part for part in install]
    run(into_scratch, ROOT, env)  # the workbook, into the new environment
    assert (scratch / ".venv/bin/pocmvp").exists()
    prefix = tmp_path / "prefix"
    kernel = [part for arg in kernel for part in scratch_prefix(arg, prefix)]
    run(kernel, ROOT, env)
    spec = prefix / "share/jupyter/kernels" / notebooks.KERNEL_NAME / "kernel.json"
    assert "Python (pocmvp workbook)" in spec.read_text()

    with running_lab(lab, ROOT, env) as base:
        root = get_json(f"{base}/api/contents?token={LAB_TOKEN}")["content"]
        assert {"chapters", "exercises"} <= {item["name"] for item in root}
    workbook_lab = [str(ROOT / lab[0]), *lab[1:]]
    elsewhere = subprocess.run(workbook_lab, cwd=scratch, env=env, capture_output=True, text=True)
    assert elsewhere.returncode == 2 and "not the workbook folder" in elsewhere.stderr

    # The test commands are make test's own, word for word
    # (test_the_readme_runs_what_make_runs), and make test runs them with .venv's programs
    # called by their paths, as here: the lint, the exercises' check and this very pytest
    # run. They are not run a second time.
    assert all(command.startswith(VENV_BIN) for command in tests)
