"""Rendering on a Dask cluster (`--executor dask://HOST:PORT`) gives the same bytes as a local build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.build import build, remote_executor
from dossier.cli import cli
from dossier.errors import DossierError
from dossier.workspace import Workspace
from tests.conftest import REPO, SAMPLE_YEAR

distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (the optional extra: pip install 'dossier[dask]')"
)

# One unit (the one with the fewest evidence files) plus the year-level documents keeps the file fast
# while still sending several tasks to both workers.
UNIT = "BD02"

# Dask runs tasks in worker threads, where signal.signal raises: render_task must not use
# SIGALRM there (it did, and every Dask build failed at once).


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local, distributed.Client(local) as client:
        yield local, client


def _workspace(root: Path) -> Workspace:
    shutil.copytree(REPO / "inputs", root / "inputs")
    shutil.copy(REPO / "dossier.toml", root / "dossier.toml")  # as the shared sample build (conftest)
    return Workspace(root)


def _hashes(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "build" / str(SAMPLE_YEAR) / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry["sha256"] for entry in manifest["files"]}


@pytest.fixture
def local(built_sample) -> Path:
    """The sample year built in local worker processes (once for the run, conftest's built_sample)."""
    return built_sample


@pytest.mark.render
def test_dask_build_is_byte_identical_to_local(cluster, local, tmp_path):
    _, client = cluster
    ws = _workspace(tmp_path)
    result = build(ws, SAMPLE_YEAR, units=[UNIT], executor=client.get_executor())
    assert result.ok, result.failed
    remote, here = _hashes(ws.root), _hashes(local)
    kinds = {o.kind for o in result.built}
    assert kinds == {"dossier-pdf", "packet-pdf", "dossier-docx", "recap-pdf", "recap-xlsx", "release-pdf", "release-docx",
                     "letter-pdf", "letter-docx", "feedback-pdf", "feedback-xlsx", "lhe-pdf", "lhe-docx"}
    assert remote == {rel: here[rel] for rel in remote}
    # The sha256 in the manifest is of the file on disk, not only of what the worker sent.
    for rel in remote:
        assert (ws.build_dir(SAMPLE_YEAR) / rel).read_bytes() == (local / "build" / str(SAMPLE_YEAR) / rel).read_bytes(), rel


@pytest.mark.render
def test_cli_executor_dask_address(cluster, local, tmp_path):
    scheduler, _ = cluster
    port = scheduler.scheduler_address.rsplit(":", 1)[1]
    ws = _workspace(tmp_path)
    result = CliRunner().invoke(
        cli, ["-C", str(ws.root), "build", "--unit", UNIT, "--format", "docx", "--executor", f"dask://127.0.0.1:{port}"]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    remote, here = _hashes(ws.root), _hashes(local)
    assert f"dossier/{UNIT}.docx" in remote  # with the unit's other DOCX and XLSX documents
    assert remote == {rel: here[rel] for rel in remote}


@pytest.mark.slow
def test_executor_address_must_be_dask_url():
    with pytest.raises(DossierError, match=r"expected dask://HOST:PORT"):
        with remote_executor("tcp://127.0.0.1:8786"):
            pass
