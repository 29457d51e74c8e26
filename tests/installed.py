"""dossier installed from a wheel of the current sources into a fresh virtual environment outside the checkout.

Every other way the tests run dossier is the editable install, which finds the templates, fonts,
catalogs and rules beside the source; a wheel puts them inside the package. The run's shared
sample year is built with this install (tests/conftest.py, `built_sample`), so every test reading
it, the byte-exact sample fixture among them, reads what an installed dossier made.

The fresh environment has no pip and no copies of the dependencies: a .pth file lends it the
test environment's site-packages (their folder is added to sys.path; the .pth files in it, such
as the editable install's, are not read). dossier itself comes from the wheel alone
(tests/test_install.py checks it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# What a wheel is built from: everything but the local state of a checkout.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "archive", "inputs", "tests", "*.egg-info",
                                     "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", "*.mo")


def run(command: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a command with the test's environment minus anything that would point back at the checkout."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([str(c) for c in command], cwd=cwd, env={**environment, **env},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def install_wheel(base: Path) -> Path:
    """Build a wheel of the current sources, install it into a fresh venv under `base`; the venv's bin folder."""
    source = base / "source"
    # A copy, so that setuptools' build/ folder never mixes with the checkout's build/<year>/ and a
    # stale build/lib of an earlier wheel cannot slip files into this one.
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", base / "wheel", source], cwd=base)
    wheel = next((base / "wheel").glob("dossier-*.whl"))

    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base)
                   .stdout.strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        cwd=base)
    return venv / "bin"
