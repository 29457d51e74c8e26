"""The season board of `dossier serve`: documents current by the build's own keys, filters, the register read once.

Starlette's test client over a real workspace (workbooks written with openpyxl), builds by the
CLI (`build --format docx`) and real accounts. The board reads the build's keys and manifest, never
the documents' content, so the kinds render as stand-ins (conftest's StandIn): the keys are the kinds' own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from dossier.web import season as web_season  # noqa: E402
from dossier.web.app import create_app  # noqa: E402
from dossier.web.store import DATABASE  # noqa: E402

from .conftest import restore  # noqa: E402
from .test_web_routes import PASSWORD, run, sign_in, token, xlsx  # noqa: E402
from .workbook_factory import UNITS, YEAR, best_answers, full_answers, lke_book, write_year  # noqa: E402

pytestmark = pytest.mark.slow  # real accounts (scrypt) and the web app


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, stand_ins) -> tuple[Path, Path]:
    """A valid year built (the DOCX documents: every unit's dossier and LHE, the year's letter and release),
    once for the module, and a pristine copy of it.

    Tests never work in the copy: each gets the workspace restored from it (`built`).
    """
    root = tmp_path_factory.mktemp("web-board")
    ws = root / "ws"
    write_year(ws)
    (ws / "dossier.toml").write_text("", encoding="utf-8")
    for name, role, unit in (("sek", "sekretariat", ""), ("bp1", "unit", "BP01"), ("pim", "pimpinan", ""),
                             ("tpi", "tpi", "")):
        result = run("-C", str(ws), "pengguna", "tambah", name, "--peran", role,
                     *(("--unit", unit) if unit else ()), input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    result = run("-C", str(ws), "build", "--format", "docx")
    assert result.exit_code == 0, result.output
    # Only the accounts are kept in .dossier/: no server has run here (no cookie key, read cache, job or log),
    # so no test inherits one from another.
    assert {p.name for p in (ws / ".dossier").iterdir()} == {DATABASE}
    shutil.copytree(ws, root / "pristine")
    return ws, root / "pristine"


@pytest.fixture
def built(built_once: tuple[Path, Path]) -> Path:
    """The built workspace, fresh for each test."""
    return restore(*built_once)


@pytest.fixture
def client(built: Path):
    with TestClient(create_app(built), follow_redirects=False) as test_client:
        yield test_client


def status(client) -> dict[str, dict]:
    return {u["code"]: u for u in client.get(f"/api/status?tahun={YEAR}").json()["units"]}


def changed_answer() -> dict:
    """Every answer valid, one of them changed from what write_year wrote."""
    answers = full_answers()
    code = next(c for c, v in answers.items() if isinstance(v, float))
    answers[code] = 2.5
    return answers


def test_documents_are_current_after_a_build_and_not_once_a_workbook_changes(client, built):
    sign_in(client, "sek")
    assert all(row["documents_current"] is True for row in status(client).values()), status(client)
    board = client.get("/").text
    assert board.count(">current<") == len(UNITS)
    # A changed answer, saved with the documents' own time: the file times say nothing, the keys do.
    lke = built / "inputs" / str(YEAR) / "lke" / f"LKE {UNITS[0]}.xlsx"
    built_at = (built / "build" / str(YEAR) / "dossier" / f"{UNITS[0]}.docx").stat()
    lke_book(UNITS[0], changed_answer()).save(lke)
    os.utime(lke, ns=(built_at.st_mtime_ns - 10**9, built_at.st_mtime_ns - 10**9))
    rows = status(client)
    assert rows[UNITS[0]]["documents_current"] is False
    assert all(rows[c]["documents_current"] is True for c in UNITS[1:])
    board = client.get("/").text
    assert "not current" in board
    stale = client.get(f"/?keadaan=dokumen-usang&tahun={YEAR}").text
    assert f"/unit/{UNITS[0]}?" in stale and all(f"/unit/{c}?" not in stale for c in UNITS[1:])
    # The year's letter lists every unit's score: it is not current either.
    year_docs = client.get(f"/tahun?tahun={YEAR}").text
    assert "surat-usulan.docx" in year_docs and "not current" in year_docs
    # Built again: current again.
    assert run("-C", str(built), "build", "--format", "docx").exit_code == 0
    assert all(row["documents_current"] is True for row in status(client).values())


@pytest.mark.parametrize("change", ["register", "settings"])
def test_other_inputs_changed_make_documents_not_current(client, built, change):
    sign_in(client, "sek")
    inputs = built / "inputs" / str(YEAR)
    if change == "register":  # a unit's row in the register: its name is in its documents
        from openpyxl import load_workbook
        book = load_workbook(inputs / "nominasi.xlsx")
        sheet = book["Unit"]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == UNITS[0])
        sheet.cell(row, 2, "Nama Baru")
        book.save(inputs / "nominasi.xlsx")
    else:
        (built / "dossier.toml").write_text('[penandatangan]\nketua_tpi = "Dr. Baru"\n', encoding="utf-8")
    rows = status(client)
    assert rows[UNITS[0]]["documents_current"] is False, (change, rows)


def test_a_document_missing_or_listed_without_key_is_not_current(client, built):
    sign_in(client, "sek")
    (built / "build" / str(YEAR) / "lhe" / f"{UNITS[1]}.docx").unlink()
    cache = built / "build" / str(YEAR) / ".dossier-cache.json"  # the keys each output was built under
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["files"] = [e for e in data["files"] if e.get("unit") != UNITS[0]]
    cache.write_text(json.dumps(data), encoding="utf-8")
    rows = status(client)
    assert rows[UNITS[0]]["documents_current"] is False and rows[UNITS[1]]["documents_current"] is False


def shown(page: str) -> set[str]:
    return set(re.findall(r'href="/unit/([^"?]+)\?', page))


def test_the_board_filters_by_state_with_and_without_htmx(client, built):
    sign_in(client, "sek")
    inputs = built / "inputs" / str(YEAR)
    answers = full_answers()
    answers[next(c for c, v in answers.items() if isinstance(v, str) and "." not in c)] = "Z"
    lke_book(UNITS[0], answers).save(inputs / "lke" / f"LKE {UNITS[0]}.xlsx")  # an error
    (inputs / "lke" / f"LKE {UNITS[1]}.xlsx").unlink()  # no LKE
    page = client.get(f"/?tahun={YEAR}")
    assert page.status_code == 200 and shown(page.text) == set(UNITS)
    assert UNITS[0] in {c for c, r in status(client).items() if r["errors"]}
    assert 'name="keadaan"' in page.text and "<noscript><button>" in page.text  # a plain GET form
    rows = status(client)
    expect = {
        "kesalahan": {c for c, r in rows.items() if r["errors"]},
        "tanpa-lke": {UNITS[1]},
        "belum-direviu": set(UNITS),  # no TPI review uploaded
        "dokumen-usang": {UNITS[0], UNITS[1]},
        "": set(UNITS),
        "bukan-keadaan": set(UNITS),  # unknown: every unit
    }
    for state, codes in expect.items():
        full = client.get(f"/?tahun={YEAR}&keadaan={state}")
        assert shown(full.text) == codes, (state, shown(full.text))
        assert "<html" in full.text
        part = client.get(f"/?tahun={YEAR}&keadaan={state}", headers={"HX-Request": "true"})
        assert shown(part.text) == codes and "<html" not in part.text
        if state == "kesalahan":
            assert f'value="{state}" selected' in full.text
            assert f"{len(codes)} of {len(UNITS)} units shown" in full.text


@pytest.mark.parametrize("best, entered", [(False, "0/0"), (True, "1/2")])
def test_the_board_counts_the_results_the_release_waits_for(client, built, best, entered):
    """Regression: 'Hasil terisi 1/2' counted a result of a unit never proposed, which the release ignores;
    the board counts the results of the units proposed, as the release waits for them."""
    from openpyxl import load_workbook

    inputs = built / "inputs" / str(YEAR)
    if best:  # both proposed for WBK
        for code in UNITS:
            lke_book(code, best_answers()).save(inputs / "lke" / f"LKE {code}.xlsx")
    book = load_workbook(inputs / "nominasi.xlsx")
    book["Unit"]["I2"] = "WBK"  # BP01's Hasil Penetapan
    book.save(inputs / "nominasi.xlsx")
    sign_in(client, "sek")
    page = client.get(f"/?tahun={YEAR}").text
    assert f"Results of the units proposed: <b>{entered}</b>" in page


def test_not_eligible_filter_follows_the_scores(client, built):
    sign_in(client, "sek")
    rows = status(client)
    expected = {c for c, r in rows.items() if r["total"] is not None and r["proposed"] not in r["eligible"]} \
        if all("proposed" in r for r in rows.values()) else None
    page = client.get(f"/?tahun={YEAR}&keadaan=tidak-layak").text
    if expected is not None:
        assert shown(page) == expected
    # Every answer the lowest: no unit is eligible, and every one is listed.
    for code in UNITS:
        answers = {k: (1 if isinstance(v, int) else 0.0 if isinstance(v, float) else "E" if len(str(v)) == 1 else v)
                   for k, v in full_answers().items()}
        lke_book(code, answers).save(built / "inputs" / str(YEAR) / "lke" / f"LKE {code}.xlsx")
    rows = status(client)
    low = {c for c, r in rows.items() if r["total"] is not None and not r["eligible"]}
    assert low, rows
    assert low <= shown(client.get(f"/?tahun={YEAR}&keadaan=tidak-layak").text)


def test_the_register_is_read_again_only_when_its_bytes_change(client, built, monkeypatch):
    reads = []
    real = web_season.read_register

    def counted(path, year, rel):
        reads.append(path)
        return real(path, year, rel)

    monkeypatch.setattr(web_season, "read_register", counted)
    sign_in(client, "sek")
    client.get("/")
    first = len(reads)
    assert first <= 1  # the server may have read it before the count began
    client.get("/")
    client.get(f"/api/status?tahun={YEAR}")
    assert len(reads) == first
    # A new workbook (the season is read again), the register untouched: not read again.
    answer = client.post(f"/unit/{UNITS[0]}/unggah/lke", data={"csrf": token(client, f"/unit/{UNITS[0]}")},
                         files={"berkas": ("LKE.xlsx", xlsx(lke_book(UNITS[0], changed_answer())), "application/x")})
    assert answer.status_code in (200, 303)
    client.get("/")
    assert len(reads) == first
    register = built / "inputs" / str(YEAR) / "nominasi.xlsx"
    # Its time changed, its bytes not: not read again.
    os.utime(register, ns=(register.stat().st_atime_ns, register.stat().st_mtime_ns + 5 * 10**9))
    assert client.get("/").status_code == 200 and len(reads) == first
    # Its bytes changed, its time set back as it was: read again.
    stat = register.stat()
    data = bytearray(register.read_bytes())
    from openpyxl import load_workbook
    book = load_workbook(register)
    book["Unit"].cell(2, 2, "Nama Lain")
    book.save(register)
    os.utime(register, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert register.read_bytes() != bytes(data)
    client.get("/")
    client.get("/")
    assert len(reads) == first + 1
    assert "Nama Lain" in client.get("/").text


def test_the_pages_name_each_document_as_its_kind_does_in_the_registrys_order(client, built):
    """The names and their order come from the registry: a file is listed under its kind's name, in the
    registry's order (the kinds of one document side by side), whatever order the manifest has them in."""
    from dossier.documents import registry
    from dossier.i18n import _

    sign_in(client, "sek")
    manifest = json.loads((built / "build" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    kinds = {k.kind: (i, k) for i, k in enumerate(registry.KINDS)}
    manifest["files"].reverse()  # the pages follow the registry, not the manifest
    (built / "build" / str(YEAR) / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    def expected(unit: str | None) -> list[tuple[str, str]]:
        files = sorted((f for f in manifest["files"] if (f["unit"] or None) == unit), key=lambda f: kinds[f["kind"]][0])
        return [(f["path"], _(kinds[f["kind"]][1].name)) for f in files]

    def listed(page: str) -> list[tuple[str, str]]:
        links = re.findall(r'href="/unduh/\d+/([^"]+)"[^>]*>([^<]+)</a>', page)
        return [(path, re.sub(r" \((PDF|DOCX|XLSX)[^)]*\)$", "", text).strip()) for path, text in links]

    year = expected(None)
    assert [path for path, _name in year] == ["rekapitulasi.xlsx", "rilis.docx", "surat-usulan.docx"]
    assert listed(client.get("/").text)[:len(year)] == year
    assert listed(client.get(f"/unit/BP01?tahun={YEAR}").text) == expected("BP01")
    assert listed(client.get(f"/tahun?tahun={YEAR}").text) == year + [pair for u in UNITS for pair in expected(u)]


def test_the_formats_of_one_document_share_its_line():
    from dossier.web.app import _by_document, _documents

    entries = [{"path": path, "kind": kind} for path, kind in (
        ("surat-usulan.docx", "letter-docx"), ("rilis.docx", "release-docx"), ("rekapitulasi.xlsx", "recap-xlsx"),
        ("rilis.pdf", "release-pdf"), ("rekapitulasi.pdf", "recap-pdf"), ("lain.txt", "not-a-kind"))]
    lines = [[d["path"] for d in line] for line in _by_document(_documents(entries))]
    assert lines == [["rekapitulasi.pdf", "rekapitulasi.xlsx"], ["rilis.pdf", "rilis.docx"], ["surat-usulan.docx"],
                     ["lain.txt"]]  # a kind no longer registered: last, under its file name


@pytest.mark.parametrize("name", ["sek", "pim", "tpi", "bp1"])
def test_the_year_page_lists_the_documents_each_role_may_download(built, name):
    with TestClient(create_app(built), follow_redirects=False) as client:
        sign_in(client, name)
        page = client.get(f"/tahun?tahun={YEAR}")
        assert page.status_code == 200
        links = set(re.findall(r'href="/unduh/\d+/([^"]+)"', page.text))
        manifest = json.loads((built / "build" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
        if name == "bp1":
            assert links == {f["path"] for f in manifest["files"] if f["unit"] == "BP01"}
            assert "/arsip" not in page.text
        else:
            assert links == {f["path"] for f in manifest["files"]}
        for rel in links:  # every link listed downloads
            answer = client.get(f"/unduh/{YEAR}/{rel}")
            assert answer.status_code == 200 and answer.content == (built / "build" / str(YEAR) / rel).read_bytes()
        if name == "bp1":  # and nothing else does
            others = {f["path"] for f in manifest["files"]} - links
            assert others and all(client.get(f"/unduh/{YEAR}/{rel}").status_code == 403 for rel in others)
