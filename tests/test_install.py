"""The wheel, installed (not editable) into a fresh venv, then `pocmvp report` from another
folder.

The install takes seconds (uv installs the package's dependencies from its cache; the
report's run takes longer). Skips, saying why, when pip cannot reach
any package index.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_SIGNS = (
    "No matching distribution found",
    "Could not find a version that satisfies",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


UV = Path(sys.executable).parent / "uv"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with pocmvp installed from its wheel (no editable link to the sources).

    The wheel is built once, from a copy of the sources; the fresh venv gets it and the
    dependencies it declares, and nothing else. uv (which `make venv` puts in .venv) does
    both, from its cache: pip reads the same metadata, but asks the package index about
    each dependency in turn and takes minutes.
    """
    if not UV.exists():
        pytest.skip(f"uv is not installed at {UV} (make venv installs it)")
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = base / "wheels"
    built = run([str(UV), "build", "--quiet", "--wheel", "--out-dir", str(wheels), str(source)])
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("pocmvp-*.whl")
    venv = base / "venv"
    python = getattr(sys, "_base_executable", sys.executable)
    # Without pip: uv installs into it (pip's own install into a venv takes 4 s of CPU).
    made = run([python, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    install = [str(UV), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    pip = run([*install, str(wheel)], timeout=1500)
    if pip.returncode != 0 and any(sign in pip.stderr for sign in OFFLINE_SIGNS):
        pytest.skip(
            "uv cannot reach a package index for pocmvp's dependencies: " + pip.stderr[-300:]
        )
    assert pip.returncode == 0, pip.stderr[-2000:]
    return venv


def clean_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV"))
    }
    env["HOME"] = str(tmp_path / "home")  # no user-level kernels either
    return env


@pytest.mark.timeout(1800)
def test_the_installed_package_is_not_the_source_tree(installed, tmp_path):
    python = installed / "bin" / "python"
    where = run([str(python), "-c", "import pocmvp; print(pocmvp.__file__)"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(installed) in where.stdout and str(ROOT) not in where.stdout
    extras = run(
        [
            str(python),
            "-c",
            "import importlib.util as u; print(u.find_spec('aiosmtpd'), u.find_spec('jupyterlab'))",
        ],
        cwd=tmp_path,
    )
    assert extras.stdout.split() == ["None", "None"], "the CLI needs neither extra"
    licence = run([str(UV), "pip", "show", "--files", "--python", str(python), "pocmvp"])
    assert licence.returncode == 0, licence.stderr
    assert "LICENSE" in licence.stdout


@pytest.mark.timeout(1800)
def test_pocmvp_report_runs_from_any_folder(installed, tmp_path):
    pocmvp = str(installed / "bin" / "pocmvp")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(tmp_path)
    helped = run([pocmvp, "--help"], cwd=elsewhere, env=env)
    assert helped.returncode == 0, helped.stderr
    commands = [
        "report",
        *(["rule"] if " rule " in helped.stdout or "rule," in helped.stdout else []),
    ]
    for command in commands:
        shown = run([pocmvp, command, "--help"], cwd=elsewhere, env=env)
        assert shown.returncode == 0 and "usage: pocmvp" in shown.stdout, shown.stderr
    made = run(
        [pocmvp, "report", "--month", "2025-10", "--fast"], cwd=elsewhere, env=env, timeout=900
    )
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    folder = elsewhere / "reports" / "2025-10"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        ".pocmvp-written.json",  # what the command wrote, so a rerun may replace the folder
        "chart-2025-10-v1.png",
        "figures-2025-10-v1.json",
        "monthly_report-2025-10-v1.ipynb",
        "quality-report-2025-10-v1.xlsx",
        "report-2025-10-v1.eml",
    ]
    site = run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import pocmvp, pathlib; print(pathlib.Path(pocmvp.__file__).parent)",
        ]
    )
    package = Path(site.stdout.strip())
    assert not list(package.rglob("reports")) and not (package.parent / "output").exists()
