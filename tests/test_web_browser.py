"""`dossier serve` in a real browser (Debian's Chromium driven by Playwright), from an empty folder.

The season as its people live it: the secretariat signs in and sees the board; a unit
uploads a workbook with a mistake, sees it at its cell, uploads the fix and sees its score
and the preview; the TPI uploads its review; the secretariat builds with live progress,
fetches the PDF and archives; a unit trying another unit's page or download is refused.
Screenshots of each page go to /tmp/web-shots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli

from .test_season import AWARD, answer_blank, fill_register, unit
from .workbook_factory import full_answers

playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')")
CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/setup installs it)"),
]
YEAR = 2025
PASSWORD = "sandi-musim-2025"
SHOTS = Path("/tmp/web-shots")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def season(tmp_path: Path):
    """An empty folder made a workspace by the CLI, its accounts added, and the server started on it."""
    root = tmp_path / "zi"
    run("init", str(root), "--year", str(YEAR))
    inputs = root / "inputs" / str(YEAR)
    fill_register(inputs / "nominasi.xlsx", [unit("UPT01"), unit("UPT02")], AWARD)
    (root / "dossier.toml").write_text('[penandatangan]\nketua_tpi = "Ketua TPI"\nnip_ketua_tpi = "1970"\n', encoding="utf-8")
    run("-C", str(root), "lke-template")
    filled = tmp_path / "filled"
    filled.mkdir()
    for path in (root / "build" / str(YEAR) / "lke-kosong").iterdir():
        answer_blank(path, full_answers())
        shutil.copy(path, filled / path.name)
    for name, role, code in (("sek", "sekretariat", ""), ("tpi", "tpi", ""), ("u1", "unit", "UPT01"), ("u2", "unit", "UPT02")):
        run("-C", str(root), "pengguna", "tambah", name, "--peran", role, *(("--unit", code) if code else ()),
            input=PASSWORD + "\n")
    port = free_port()
    env = dict(os.environ, DOSSIER_LANG="id")
    server = subprocess.Popen([sys.executable, "-m", "dossier", "-C", str(root), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    try:
        yield root, filled, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser, base: str, name: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    page.goto(base + "/")
    assert page.url.endswith("/masuk")
    page.fill("input[name=nama]", name)
    page.fill("input[name=sandi]", PASSWORD)
    page.click("button.primary")
    return page


def with_mistake(source: Path, target: Path) -> tuple[str, str]:
    """A copy of a filled workbook with one answer that is no option; the cell it is in."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    sheet = book["LKE"]
    header = next(r for r in range(1, 21) if "Jawaban" in [c.value for c in sheet[r]])
    columns = {c.value: c.column for c in sheet[header] if c.value}
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, columns["Jawaban"]).value == "A":
            sheet.cell(row, columns["Jawaban"], "Z")
            book.save(target)
            return sheet.cell(row, columns["Kode"]).value, sheet.cell(row, columns["Jawaban"]).coordinate
    raise AssertionError("no choice answer to spoil")


def test_the_season_in_a_browser(season, tmp_path):
    root, filled, base = season
    sync_playwright = playwright.sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        secretariat = sign_in(browser, base, "sek")
        assert secretariat.locator("table.board tbody tr").count() == 2
        shot(secretariat, "1-papan-kosong")

        # A unit uploads its workbook with a mistake, sees it at its cell, then the fix.
        u1 = sign_in(browser, base, "u1")
        assert "/unit/UPT01" in u1.url
        code, cell = with_mistake(filled / "UPT01 LKE.xlsx", tmp_path / "UPT01 salah.xlsx")
        u1.set_input_files("form[action*='unggah/lke'] input[type=file]", str(tmp_path / "UPT01 salah.xlsx"))
        u1.click("form[action*='unggah/lke'] button")
        u1.wait_for_selector("table.problems")
        assert cell in u1.locator("table.problems td.cell").all_inner_texts()
        assert code in u1.locator("table.problems").inner_text()
        shot(u1, "2-unit-kesalahan")
        u1.set_input_files("form[action*='unggah/lke'] input[type=file]", str(filled / "UPT01 LKE.xlsx"))
        uploaded = time.perf_counter()
        u1.click("form[action*='unggah/lke'] button")
        u1.wait_for_selector(".alert.good")
        shown = time.perf_counter() - uploaded
        assert re.fullmatch(r"\d+,\d\d", u1.inner_text("#nilai")), u1.inner_text("#nilai")
        assert u1.locator("table.problems tr.bad").count() == 0
        shot(u1, "3-unit-perbaikan")
        with u1.context.expect_page() as opened:
            u1.click("a[href*='pratinjau']")
        preview = opened.value
        preview.wait_for_load_state()
        assert "UPT01" in preview.content()
        shot(preview, "4-pratinjau")
        # A workbook without errors has its PDFs built by itself: the dossier PDF appears on the page.
        deadline = time.time() + 180
        while time.time() < deadline and not u1.locator("a[href$='dossier/UPT01.pdf']").count():
            time.sleep(0.5)
            u1.reload()
        ready = time.perf_counter() - uploaded
        assert u1.locator("a[href$='dossier/UPT01.pdf']").count() == 1
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "waktu.txt").write_text(f"upload to new score on the page: {shown:.2f} s\n"
                                         f"upload to the unit's dossier PDF listed: {ready:.2f} s\n")

        # The unit may not see another unit's page or download.
        refused = u1.goto(f"{base}/unit/UPT02")
        assert refused.status == 403
        shot(u1, "5-unit-ditolak")
        assert u1.goto(f"{base}/unduh/{YEAR}/dossier/UPT02.pdf").status == 403

        u2 = sign_in(browser, base, "u2")
        u2.set_input_files("form[action*='unggah/lke'] input[type=file]", str(filled / "UPT02 LKE.xlsx"))
        u2.click("form[action*='unggah/lke'] button")
        u2.wait_for_selector(".alert.good")

        # The TPI uploads its review of UPT01.
        tpi = sign_in(browser, base, "tpi")
        tpi.goto(f"{base}/unit/UPT01")
        tpi.set_input_files("form[action*='unggah/tpi'] input[type=file]", str(filled / "UPT01 LKE.xlsx"))
        tpi.click("form[action*='unggah/tpi'] button")
        tpi.wait_for_selector(".alert.good")
        shot(tpi, "6-tpi-review")

        # The secretariat builds with live progress, fetches the PDF, then archives.
        secretariat.goto(f"{base}/")
        shot(secretariat, "7-papan-terisi")
        secretariat.fill("input[name=cari]", "upt02")  # htmx filters the table as one types
        deadline = time.time() + 10
        while secretariat.locator("table.board tbody tr").count() != 1 and time.time() < deadline:
            time.sleep(0.1)
        assert secretariat.locator("table.board tbody tr").all_inner_texts()[0].startswith("UPT02")
        assert "cari=upt02" in secretariat.url
        secretariat.goto(f"{base}/pekerjaan")
        secretariat.click("form:has(input[value=build]) button")
        secretariat.wait_for_selector("#kemajuan")
        deadline = time.time() + 240
        while time.time() < deadline and not re.match(r"[1-9]", secretariat.inner_text("#kemajuan-teks")):
            time.sleep(0.2)  # the progress line follows the build's events as they arrive
        assert re.match(r"[1-9]\d* / [1-9]", secretariat.inner_text("#kemajuan-teks"))
        shot(secretariat, "8-bangun-berjalan")
        secretariat.wait_for_selector(".state-selesai, .state-gagal", timeout=300_000)
        assert secretariat.locator("#keadaan.state-selesai").count() == 1, secretariat.inner_text("#catatan")
        shot(secretariat, "9-bangun-selesai")
        pdf = secretariat.request.get(f"{base}/unduh/{YEAR}/dossier/UPT01.pdf")
        assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
        assert u1.request.get(f"{base}/unduh/{YEAR}/dossier/UPT02.pdf").status == 403
        secretariat.goto(f"{base}/pekerjaan")
        secretariat.click("form:has(input[value=archive]) button")
        secretariat.wait_for_selector(".state-selesai, .state-gagal", timeout=120_000)
        assert secretariat.locator("#keadaan.state-selesai").count() == 1, secretariat.inner_text("#catatan")
        assert (root / "archive" / str(YEAR) / "manifest.json").is_file()
        secretariat.goto(f"{base}/")
        shot(secretariat, "10-papan-selesai")
        # Filtered by state with htmx: the table alone is swapped, the address keeps the filter.
        secretariat.select_option("select[name=keadaan]", "kesalahan")  # both workbooks are clean now
        deadline = time.time() + 10
        while not secretariat.locator("table.board tbody td[colspan]").count() and time.time() < deadline:
            time.sleep(0.1)
        assert secretariat.locator("table.board tbody tr").count() == 1
        assert secretariat.locator("table.board tbody td[colspan]").count() == 1
        assert "keadaan=kesalahan" in secretariat.url
        shot(secretariat, "10b-papan-disaring")
        secretariat.goto(f"{base}/tahun")
        assert secretariat.locator("a[href*='/arsip']").count() == 1
        shot(secretariat, "12-dokumen-tahun")
        u1.goto(f"{base}/tahun")
        assert u1.locator("a[href*='/unduh/']").count() and not u1.locator("a[href*='UPT02']").count()
        shot(u1, "13-dokumen-unit")
        secretariat.goto(f"{base}/jejak")
        shot(secretariat, "11-jejak")
        browser.close()
