"""Benchmark `dossier serve` at N units: upload a corrected workbook, time its new score, problems and preview.

Run by hand (never in the test suite):

    python bench/web.py --units 200 --workdir /tmp/bench-web

A real server (`dossier -C WS serve`, a child process) is driven over HTTP with httpx2, signed in
as a unit account. Timed: the first board (every workbook read), the same board again (nothing
changed), the upload of U001's workbook with one answer changed until the unit's page with its
new score and problems comes back, and then the dossier's HTML preview. Issue 24 aims at the
upload plus the preview under 2 s at 200 units.

Then, from the same upload: until build/<year>/manifest.json lists U001's dossier PDF (the job
the upload queued by itself, `build --unit U001 --kind dossier-pdf`; the issue aims at 5 s), and
until it lists U001's other PDFs (the second job: packet, LHE, feedback). The season is taken as
built before (another unit's dossier PDF is built first, which leaves the build's read cache),
and the build folder starts empty, so U001's dossier is listed only once the upload's job wrote it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).parent))
from synth import YEAR, change_answer, write_year  # noqa: E402

PASSWORD = "bench-sandi-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dossier(*args: str, input: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "dossier", *args], input=input, text=True, check=True, capture_output=True)


def listed(manifest: Path) -> set[str]:
    """The paths manifest.json lists now (none while there is none, or while it is being replaced)."""
    try:
        return {f["path"] for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]}
    except (OSError, ValueError, KeyError):
        return set()


def wait_listed(manifest: Path, path: str, started: float, limit: float = 600) -> float:
    """Seconds from `started` until the manifest lists `path` (polled every 0.1 s)."""
    while path not in listed(manifest):
        if time.perf_counter() - started > limit:
            raise SystemExit(f"{path} not listed in {manifest} after {limit:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--workdir", type=Path)
    options = parser.parse_args()
    root = (options.workdir or Path(tempfile.mkdtemp(prefix="dossier-bench-web-"))) / f"ws{options.units}"
    root.mkdir(parents=True, exist_ok=True)
    inputs = write_year(root, options.units)
    (root / "dossier.toml").touch()
    shutil.rmtree(root / ".dossier", ignore_errors=True)
    shutil.rmtree(root / "build", ignore_errors=True)
    # A season built before: the build's read cache holds every workbook (U001's dossier is not built).
    dossier("-C", str(root), "build", "--unit", "U002", "--kind", "dossier-pdf")
    manifest = root / "build" / str(YEAR) / "manifest.json"
    dossier("-C", str(root), "pengguna", "tambah", "sek", "--peran", "sekretariat", input=PASSWORD + "\n")
    dossier("-C", str(root), "pengguna", "tambah", "u001", "--peran", "unit", "--unit", "U001", input=PASSWORD + "\n")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dossier", "-C", str(root), "serve", "--port", str(port)],
                              env=dict(os.environ, DOSSIER_LANG="id"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        times = {}
        with httpx2.Client(base_url=base, timeout=600) as client:
            page = client.get("/masuk")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            client.post("/masuk", data={"nama": "sek", "sandi": PASSWORD, "csrf": token})
            started = time.perf_counter()
            assert client.get("/").status_code == 200
            times["first board (reads every workbook)"] = time.perf_counter() - started
            started = time.perf_counter()
            assert client.get("/").status_code == 200
            times["board again (nothing changed)"] = time.perf_counter() - started
        with httpx2.Client(base_url=base, timeout=600) as client:
            page = client.get("/masuk")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            client.post("/masuk", data={"nama": "u001", "sandi": PASSWORD, "csrf": token})
            page = client.get("/unit/U001")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            lke = next((inputs / "lke").glob("*U001.xlsx"))
            changed = Path(tempfile.mkdtemp()) / lke.name
            shutil.copy(lke, changed)
            change_answer(changed)
            data = changed.read_bytes()
            started = uploaded = time.perf_counter()
            response = client.post("/unit/U001/unggah/lke", data={"csrf": token}, follow_redirects=True,
                                   files={"berkas": (lke.name, data, "application/octet-stream")})
            assert response.status_code == 200 and 'id="nilai"' in response.text, response.status_code
            times["upload -> new score and problems"] = time.perf_counter() - started
            started = time.perf_counter()
            assert client.get("/unit/U001/pratinjau").status_code == 200
            times["then the HTML preview"] = time.perf_counter() - started
            times["upload -> dossier PDF in the manifest"] = wait_listed(manifest, "dossier/U001.pdf", uploaded)
            times["upload -> packet, LHE, feedback PDFs"] = wait_listed(manifest, "paket/U001.pdf", uploaded)
        print(f"\n{options.units} units, year {YEAR}, load average {os.getloadavg()[0]:.2f}")
        for label, seconds in times.items():
            print(f"  {label:40s} {seconds:6.2f} s")
        total = times["upload -> new score and problems"] + times["then the HTML preview"]
        print(f"  {'upload + preview (aim: under 2 s)':40s} {total:6.2f} s  {'met' if total < 2 else 'missed'}")
        ready = times["upload -> dossier PDF in the manifest"]
        print(f"  {'dossier PDF ready (aim: within 5 s)':40s} {ready:6.2f} s  {'met' if ready <= 5 else 'missed'}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
