"""`dossier serve` through Starlette's test client: every route for every role, and the refusals.

A real workspace (register and LKE workbooks written with openpyxl), real accounts made
by `dossier pengguna`, real uploads read by the CLI's own readers.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from dossier.cli import cli  # noqa: E402
from dossier.digests import sha256  # noqa: E402
from dossier.output import Output, write_manifest  # noqa: E402
from dossier.web import app as web_app  # noqa: E402
from dossier.web import uploads  # noqa: E402
from dossier.web.app import create_app  # noqa: E402
from dossier.web.store import DATABASE, Store, check_password  # noqa: E402

from .workbook_factory import YEAR, edition, full_answers, lke_book, write_year  # noqa: E402

pytestmark = pytest.mark.slow  # the web workspace's server, its accounts (scrypt) and its jobs' processes

PASSWORD = "sandi-rahasia-1"
ACCOUNTS = {"sek": ("sekretariat", ""), "tpi": ("tpi", ""), "pim": ("pimpinan", ""), "bp1": ("unit", "BP01")}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The year, its accounts and its documents, made once for the module: the accounts' scrypt hashes are slow.

    Tests never work in it: each gets a copy of its own (`workspace`).
    """
    root = tmp_path_factory.mktemp("web-routes") / "pristine"
    write_year(root)
    (root / "dossier.toml").write_text("", encoding="utf-8")
    for name, (role, unit) in ACCOUNTS.items():
        result = run("-C", str(root), "pengguna", "tambah", name, "--peran", role,
                     *(("--unit", unit) if unit else ()), input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    # A built document per unit and one for the year, listed in the manifest as a build lists them.
    out = root / "build" / str(YEAR)
    entries = []
    for rel, unit in (("dossier/BP01.pdf", "BP01"), ("dossier/BP02.pdf", "BP02"), ("rekapitulasi.pdf", "")):
        data = b"%PDF-1.7 " + rel.encode()
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
        entries.append(Output(rel, "dossier-pdf", unit, len(data), sha256(data)))
    write_manifest(out / "manifest.json", YEAR, entries)
    # Only the accounts are kept in .dossier/: no server has run here (no cookie key, read cache, job or log),
    # so no copy shares one with another.
    assert {p.name for p in (root / ".dossier").iterdir()} == {DATABASE}
    return root


@pytest.fixture
def workspace(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the module's workspace for each test, at a path of its own (jobs' processes are found by it)."""
    root = tmp_path / "ws"
    shutil.copytree(pristine, root)  # copy2: the files' times are kept, as written
    return root


@pytest.fixture
def client(workspace: Path):
    with TestClient(create_app(workspace), follow_redirects=False) as test_client:
        yield test_client


def csrf(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD):
    page = client.get("/masuk")
    return client.post("/masuk", data={"nama": name, "sandi": password, "csrf": csrf(page.text)})


def token(client: TestClient, path: str = "/unit/BP01") -> str:
    return csrf(client.get(path).text)


def xlsx(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- accounts --------------------------------------------------------------------------------


def test_accounts_are_added_listed_changed_and_removed(workspace):
    store = Store(workspace)
    listed = run("-C", str(workspace), "pengguna", "daftar").output
    assert "bp1\tunit\tBP01" in listed and "sek\tsekretariat" in listed
    stored = store._run("SELECT hash FROM users WHERE name = 'sek'")[0][0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored and check_password(PASSWORD, stored)
    assert store.authenticate("sek", "wrong-password") is None
    assert run("-C", str(workspace), "pengguna", "sandi", "sek", input="another-one-2\n").exit_code == 0
    assert store.authenticate("sek", "another-one-2") and not store.authenticate("sek", PASSWORD)
    assert run("-C", str(workspace), "pengguna", "hapus", "pim").exit_code == 0
    assert store.user("pim") is None
    assert (workspace / ".dossier" / "web.sqlite").is_file()
    assert store._run("PRAGMA journal_mode")[0][0] == "wal"


@pytest.mark.parametrize(("args", "said"), [
    (("sek", "--peran", "sekretariat"), "already exists"),
    (("new", "--peran", "unit"), "--unit"),
    (("new", "--peran", "tpi", "--unit", "BP01"), "leave out --unit"),
    (("../x", "--peran", "tpi"), "cannot be an account name"),
])
def test_account_mistakes_are_refused_with_a_reason(workspace, args, said):
    result = CliRunner().invoke(cli, ["-C", str(workspace), "pengguna", "tambah", *args], input=PASSWORD + "\n")
    assert result.exit_code == 1 and said in result.output
    short = CliRunner().invoke(cli, ["-C", str(workspace), "pengguna", "tambah", "x1", "--peran", "tpi"], input="short\n")
    assert short.exit_code == 1 and "too short" in short.output


# --- signing in ------------------------------------------------------------------------------


GET_ROUTES = ["/", "/tahun", "/unit/BP01", "/unit/BP01/pratinjau", "/unduh/2024/dossier/BP01.pdf", "/pekerjaan", "/jejak",
              "/jejak.csv", "/arsip", "/unit/BP01/bukti/x.pdf", "/pekerjaan/1", "/dokumen-statis/document.css"]


@pytest.mark.parametrize("path", GET_ROUTES)
def test_nothing_is_served_without_signing_in(client, path):
    response = client.get(path)
    assert response.status_code == 303 and response.headers["location"] == "/masuk"


def test_the_api_answers_401_without_signing_in(client):
    assert client.get("/api/status?tahun=2024").status_code == 401


def test_posts_without_a_session_go_to_the_sign_in(client):
    for path in ("/unit/BP01/unggah/lke", "/pekerjaan", "/keluar"):
        assert client.post(path, data={"csrf": "x"}).headers.get("location") == "/masuk"


def test_sign_in_sets_a_safe_cookie_and_wrong_passwords_are_throttled(client, workspace):
    response = sign_in(client, "sek")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    client.cookies.clear()
    for _ in range(5):
        assert sign_in(client, "tpi", "wrong-password").status_code == 401
    refused = sign_in(client, "tpi")  # even the right password waits now
    assert refused.status_code == 429
    actions = [row[2] for row in Store(workspace).audit()]
    assert actions.count("masuk-gagal") == 5 and "masuk-ditahan" in actions and "masuk" in actions


def test_a_forged_csrf_token_is_refused(client, workspace):
    page = client.get("/masuk")
    assert client.post("/masuk", data={"nama": "sek", "sandi": PASSWORD, "csrf": "forged"}).status_code == 403
    assert csrf(page.text)
    sign_in(client, "sek")
    for path in ("/pekerjaan", "/keluar"):
        assert client.post(path, data={"csrf": "forged", "perintah": "validate"}).status_code == 403
    upload = client.post("/unit/BP01/unggah/bukti", data={"csrf": "0" * 64},
                         files={"berkas": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert upload.status_code == 403
    assert not (workspace / "inputs" / str(YEAR) / "bukti" / "BP01" / "a.pdf").exists()


def test_signing_out_ends_the_session(client):
    sign_in(client, "sek")
    assert client.post("/keluar", data={"csrf": token(client, "/")}).status_code == 303
    assert client.get("/").headers.get("location") == "/masuk"


def test_a_removed_account_is_signed_out_at_once(client, workspace):
    sign_in(client, "tpi")
    assert client.get("/").status_code == 200
    Store(workspace).remove_user("tpi")
    assert client.get("/").headers.get("location") == "/masuk"


# --- every route for every role ----------------------------------------------------------------


EXPECTED = {  # path -> status per role (sekretariat, tpi, pimpinan, unit BP01)
    "/": (200, 200, 200, 303),
    "/api/status?tahun=2024": (200, 200, 200, 200),
    "/tahun?tahun=2024": (200, 200, 200, 200),  # a unit sees only its own documents there (test_web_board.py)
    "/?keadaan=kesalahan": (200, 200, 200, 303),
    "/unit/BP01": (200, 200, 200, 200),
    "/unit/BP02": (200, 200, 200, 403),
    "/unit/BP01/pratinjau": (200, 200, 200, 200),
    "/unit/BP02/pratinjau": (200, 200, 200, 403),
    "/unit/BP01/bukti/sk-tim.pdf": (200, 200, 200, 200),
    "/unit/BP02/bukti/sk-tim.pdf": (200, 200, 200, 403),
    "/unduh/2024/dossier/BP01.pdf": (200, 200, 200, 200),
    "/unduh/2024/dossier/BP02.pdf": (200, 200, 200, 403),
    "/unduh/2024/rekapitulasi.pdf": (200, 200, 200, 403),
    # Not built: a unit is told so for its own documents, of every kind, and refused for others'.
    "/unduh/2024/dossier/BP01.docx": (404, 404, 404, 404),
    "/unduh/2024/paket/BP01.pdf": (404, 404, 404, 404),
    "/unduh/2024/umpan-balik/BP01.xlsx": (404, 404, 404, 404),
    "/unduh/2024/lhe/BP02.pdf": (404, 404, 404, 403),
    "/unduh/2024/rilis.pdf": (404, 404, 404, 403),
    "/unduh/2024/../../dossier.toml": (404, 404, 404, 404),  # normalised to /dossier.toml: no such route
    "/unduh/2024/dossier/..%2F..%2F..%2Fdossier.toml": (404, 404, 404, 403),
    "/unduh/1999/dossier/BP01.pdf": (404, 404, 404, 404),
    "/pekerjaan": (200, 403, 403, 403),
    "/jejak": (200, 403, 403, 403),
    "/jejak.csv": (200, 403, 403, 403),
    "/unit/NOPE": (404, 404, 404, 403),
    "/unit/../bukti/nominasi.xlsx": (404, 404, 404, 404),  # normalised away
    "/unit/%2E%2E/bukti/nominasi.xlsx": (404, 404, 404, 403),
    "/unit/BP01/bukti/%2E%2E": (404, 404, 404, 404),
    "/unit/BP01/bukti/.%2E%2Fnominasi.xlsx": (404, 404, 404, 404),
}


@pytest.mark.parametrize(("role_index", "name"), [(0, "sek"), (1, "tpi"), (2, "pim"), (3, "bp1")])
def test_every_route_for_every_role(client, workspace, role_index, name):
    for code in ("BP01", "BP02"):  # the evidence the routes serve
        path = workspace / "inputs" / str(YEAR) / "bukti" / code / "sk-tim.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 " + code.encode())
    assert sign_in(client, name).status_code == 303
    for path, statuses in EXPECTED.items():
        response = client.get(path)
        assert response.status_code == statuses[role_index], (name, path, response.status_code)
    if name == "bp1":
        assert client.get("/").headers["location"] == "/unit/BP01?tahun=2024"
        units = client.get("/api/status?tahun=2024").json()["units"]
        assert [u["code"] for u in units] == ["BP01"]  # its own row only
    else:
        units = client.get("/api/status?tahun=2024").json()["units"]
        assert [u["code"] for u in units] == ["BP01", "BP02"]
        assert set(units[0]) >= {"code", "lke_received", "errors", "warnings", "total", "eligible", "documents"}
        assert units[0]["documents"] == ["dossier/BP01.pdf"] and units[0]["errors"] == 0
        # The fixture's documents were written by hand, not built under a key: never "current" (built for real in test_web_board.py).
        assert units[0]["documents_current"] is False


def test_a_unit_account_cannot_upload_for_another_unit(client, workspace):
    sign_in(client, "bp1")
    tok = token(client)
    for what in ("lke", "bukti", "tpi"):
        response = client.post(f"/unit/BP02/unggah/{what}", data={"csrf": tok},
                               files={"berkas": ("BP02 LKE.xlsx", xlsx(lke_book("BP02")), "application/octet-stream")})
        assert response.status_code == 403, what
    assert sorted(p.name for p in (workspace / "inputs" / str(YEAR) / "lke").iterdir()) == ["LKE BP01.xlsx", "LKE BP02.xlsx"]
    # Its own page has no TPI form, and the TPI's route refuses it for its own unit too.
    assert "unggah/tpi" not in client.get("/unit/BP01").text
    assert "unggah-ditolak" in [row[2] for row in Store(workspace).audit()]


def test_only_the_secretariat_starts_jobs(client):
    for name in ("tpi", "pim", "bp1"):
        client.cookies.clear()
        sign_in(client, name)
        assert client.post("/pekerjaan", data={"csrf": token(client), "perintah": "validate"}).status_code == 403


# --- uploads -------------------------------------------------------------------------------------


def test_a_unit_uploads_a_mistake_sees_it_at_its_cell_then_the_fix(client, workspace):
    sign_in(client, "bp1")
    answers = full_answers()
    code = next(c for c, v in answers.items() if isinstance(v, str) and "." not in c)
    answers[code] = "Z"
    book = lke_book("BP01", answers)
    page = client.post("/unit/BP01/unggah/lke", follow_redirects=True, data={"csrf": token(client)},
                       files={"berkas": ("whatever I named it.xlsx", xlsx(book), "application/octet-stream")})
    assert page.status_code == 200
    lke = workspace / "inputs" / str(YEAR) / "lke"
    # Kept under the name the year knows it by, the previous version beside it in .versi/.
    assert (lke / "LKE BP01.xlsx").is_file() and len(list((lke / ".versi").glob("LKE BP01.*.xlsx"))) == 1
    sheet = book["LKE"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == code)
    cells = re.findall(r'<td class="cell">([^<]*)</td>', page.text)
    assert any(cell.endswith(str(row)) for cell in cells), cells
    status = client.get("/api/status?tahun=2024").json()["units"][0]
    assert status["errors"] >= 1
    assert status["documents_current"] is False  # its dossier was built from the workbook before
    fixed = client.post("/unit/BP01/unggah/lke", follow_redirects=True, data={"csrf": token(client)},
                        files={"berkas": ("LKE BP01.xlsx", xlsx(lke_book("BP01")), "application/octet-stream")})
    assert fixed.status_code == 200
    status = client.get("/api/status?tahun=2024").json()["units"][0]
    assert status["errors"] == 0 and status["total"] > 0
    assert len(list((lke / ".versi").glob("LKE BP01.*.xlsx"))) == 2
    # The CLI reads what the browser sent, and not the kept versions.
    result = run("-C", str(workspace), "validate")
    assert "0 error(s)" in result.output, result.output
    assert "unggah-lke" in [row[2] for row in Store(workspace).audit()]


@pytest.mark.parametrize("uploads", [1, 2, 3])
def test_a_clean_upload_queues_the_dossier_pdf_first_then_the_other_pdfs_once(workspace, uploads):
    # Without `with`, the app's lifespan (the job runner) does not start: the jobs stay queued.
    client = TestClient(create_app(workspace), follow_redirects=False)
    sign_in(client, "bp1")
    for _ in range(uploads):
        page = client.post("/unit/BP01/unggah/lke", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": ("LKE BP01.xlsx", xlsx(lke_book("BP01")), "application/octet-stream")})
        assert page.status_code == 200
    queued = [job.command for job in reversed(Store(workspace).jobs()) if job.state == "antri"]
    assert queued == [
        ("build", "--year", str(YEAR), "--unit", "BP01", "--kind", "dossier-pdf", "--progress", "jsonl"),
        ("build", "--year", str(YEAR), "--unit", "BP01", "--format", "pdf", "--progress", "jsonl"),
    ]
    # The first job builds only the dossier PDF: the CLI takes it, and refuses a kind it does not know.
    assert "dossier-pdf" in run("build", "--help").output
    refused = run("-C", str(workspace), "build", "--unit", "BP01", "--kind", "dossier")
    assert refused.exit_code == 2 and "dossier-pdf" in refused.output


def test_a_workbook_with_errors_queues_no_build(workspace):
    client = TestClient(create_app(workspace), follow_redirects=False)
    sign_in(client, "bp1")
    answers = full_answers()
    code = next(c for c, v in answers.items() if isinstance(v, str) and "." not in c)
    answers[code] = "Z"
    client.post("/unit/BP01/unggah/lke", follow_redirects=True, data={"csrf": token(client)},
                files={"berkas": ("LKE BP01.xlsx", xlsx(lke_book("BP01", answers)), "application/octet-stream")})
    assert Store(workspace).jobs() == []


def test_the_tpi_uploads_its_review(client, workspace):
    sign_in(client, "tpi")
    answers = full_answers()
    # A copy of the unit's workbook is only the TPI's where it differs: one answer changed to another option.
    code, indicator = next((c, i) for c, i in edition().indicators.items() if i.kind == "abc")
    answers[code] = indicator.options[1].key
    response = client.post("/unit/BP02/unggah/tpi", follow_redirects=True, data={"csrf": token(client, "/unit/BP02")},
                           files={"berkas": ("review.xlsx", xlsx(lke_book("BP02", answers)), "application/octet-stream")})
    assert response.status_code == 200
    assert (workspace / "inputs" / str(YEAR) / "lke" / "BP02 LKE TPI.xlsx").is_file()
    row = client.get("/api/status?tahun=2024").json()["units"][1]
    assert row["reviewed"] is True


@pytest.mark.parametrize("name", ["../../../dossier.toml.pdf", "..\\..\\evil.pdf", "/etc/passwd.pdf", "sub/../../x.pdf"])
def test_path_traversal_in_upload_names_stays_in_the_units_folder(client, workspace, name):
    sign_in(client, "bp1")
    before = {p for p in workspace.rglob("*") if ".dossier" not in p.parts}
    response = client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": (name, b"%PDF-1.4 evidence", "application/pdf")})
    assert response.status_code == 200
    added = {p for p in workspace.rglob("*") if ".dossier" not in p.parts} - before
    folder = workspace / "inputs" / str(YEAR) / "bukti" / "BP01"
    assert added and all(p == folder or p.parent == folder for p in added), added
    assert (workspace / "dossier.toml").read_text() == ""


def test_an_oversize_file_is_refused_and_nothing_is_kept(client, workspace, monkeypatch):
    sign_in(client, "bp1")
    monkeypatch.setattr(uploads, "EVIDENCE_LIMIT", 1000)
    response = client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": ("big.pdf", b"%PDF" + b"0" * 5000, "application/pdf")})
    assert response.status_code == 422 and "MB" in response.text
    monkeypatch.setattr(web_app, "BODY_LIMIT", 2000)
    response = client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": ("big.pdf", b"%PDF" + b"0" * 5000, "application/pdf")})
    assert response.status_code == 413
    assert not (workspace / "inputs" / str(YEAR) / "bukti" / "BP01" / "big.pdf").exists()


@pytest.mark.parametrize(("name", "data"), [("script.exe", b"MZ"), ("empty.pdf", b"")])
def test_other_types_and_empty_files_are_refused(client, name, data):
    sign_in(client, "bp1")
    response = client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": (name, data, "application/octet-stream")})
    assert response.status_code == 422


def _bomb(workbook: bytes) -> bytes:
    """A real LKE workbook with one member that unpacks a thousand times larger than it is packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.xml", b"<a>" + b" " * 30_000_000 + b"</a>")
    return out.getvalue()


@pytest.mark.parametrize("kind", ["bomb", "encrypted", "not a workbook"])
def test_a_hostile_workbook_is_refused_and_the_old_one_kept(client, workspace, kind):
    sign_in(client, "bp1")
    data = {"bomb": _bomb(xlsx(lke_book("BP01"))), "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "not a workbook": b"PK\x03\x04 not really"}[kind]
    lke = workspace / "inputs" / str(YEAR) / "lke" / "LKE BP01.xlsx"
    before = lke.read_bytes()
    response = client.post("/unit/BP01/unggah/lke", follow_redirects=True, data={"csrf": token(client)},
                           files={"berkas": ("LKE BP01.xlsx", data, "application/octet-stream")})
    assert response.status_code == 422, response.text[-500:]
    assert "cannot be read" in response.text
    assert lke.read_bytes() == before and not list((lke.parent / ".versi").rglob("*.xlsx"))


# --- downloads, preview, audit -----------------------------------------------------------------


def test_a_download_is_the_built_file_and_is_recorded(client, workspace):
    sign_in(client, "bp1")
    response = client.get("/unduh/2024/dossier/BP01.pdf")
    assert response.content == (workspace / "build" / str(YEAR) / "dossier" / "BP01.pdf").read_bytes()
    assert "unduh" in [row[2] for row in Store(workspace).audit()]


def test_the_preview_is_the_dossiers_html(client):
    sign_in(client, "sek")
    page = client.get("/unit/BP01/pratinjau")
    assert page.status_code == 200 and "Balai BP01" in page.text or "BP01" in page.text
    assert "file://" not in page.text  # its static files come from the server
    fonts = re.findall(r'url\("(/dokumen-statis/[^"]+)"\)', page.text)
    assert fonts and client.get(fonts[0]).status_code == 200


def test_the_audit_trail_exports_as_csv(client):
    sign_in(client, "sek")
    client.get("/unduh/2024/rekapitulasi.pdf")
    text = client.get("/jejak.csv").text
    assert text.splitlines()[0] == "waktu,pengguna,tindakan,sasaran,keterangan"
    assert ",sek,masuk," in text and ",sek,unduh,2024/rekapitulasi.pdf" in text


# --- jobs ----------------------------------------------------------------------------------------


def _wait(client, job: int, seconds: float = 60) -> str:
    end = time.time() + seconds
    while time.time() < end:
        page = client.get(f"/pekerjaan/{job}").text
        state = re.search(r'id="keadaan" class="state-([a-z]+)"', page).group(1)
        if state not in ("antri", "berjalan"):
            return state
        time.sleep(0.3)
    raise AssertionError("job did not end")


def test_a_job_runs_the_cli_and_keeps_its_log(client, workspace):
    sign_in(client, "sek")
    response = client.post("/pekerjaan", data={"csrf": token(client, "/pekerjaan"), "perintah": "validate"})
    job = int(response.headers["location"].split("/")[2].split("?")[0])
    assert _wait(client, job) == "selesai"
    log = (workspace / ".dossier" / "pekerjaan" / f"{job}.log").read_text()
    assert "2 unit(s), 2 LKE workbook(s): 0 error(s)" in log
    events = client.get(f"/pekerjaan/{job}/peristiwa").text
    assert "event: line" in events and "event: end" in events


def _waiting_processes(workspace: Path) -> set[int]:
    """The job processes started ahead for this workspace (dossier/web/warm.py) that are alive now."""
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"dossier.web.warm" in args and str(workspace).encode() in args:
            found.add(int(cmdline.parent.name))
    return found


def _until(predicate, seconds: float = 60):
    end = time.time() + seconds
    while not (found := predicate()) and time.time() < end:
        time.sleep(0.1)
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads the process table from /proc")
def test_a_job_runs_in_a_process_started_before_it_was_asked_for(workspace):
    with TestClient(create_app(workspace), follow_redirects=False) as client:
        waiting = _until(lambda: _waiting_processes(workspace))
        assert len(waiting) == 1  # started with the server, before any job
        sign_in(client, "sek")
        response = client.post("/pekerjaan", data={"csrf": token(client, "/pekerjaan"), "perintah": "validate"})
        job = int(response.headers["location"].split("/")[2].split("?")[0])
        assert _wait(client, job) == "selesai"
        assert "2 unit(s), 2 LKE workbook(s): 0 error(s)" in (workspace / ".dossier" / "pekerjaan" / f"{job}.log").read_text()
        # That process ran the job and ended; another waits for the next one.
        following = _until(lambda: _waiting_processes(workspace) - waiting)
        assert len(following) == 1 and not _waiting_processes(workspace) & waiting
    assert _until(lambda: not _waiting_processes(workspace), 10)  # the server's stop ends it


def test_a_process_started_ahead_that_dies_is_not_started_again_and_again(workspace, monkeypatch):
    """A broken install whose job process dies at once costs one start per job, not one every idle moment."""
    import asyncio
    import sys

    from dossier.web import jobs

    starts = []

    async def dying(self):
        starts.append(time.monotonic())
        return await asyncio.create_subprocess_exec(sys.executable, "-c", "raise SystemExit(1)",
                                                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    monkeypatch.setattr(jobs.Runner, "_start", dying)
    monkeypatch.setattr(jobs.Runner, "idle", 0.05)
    with TestClient(create_app(workspace), follow_redirects=False):
        assert _until(lambda: starts)
        time.sleep(2.5)  # fifty idle moments (and longer than the runner waited before it looked again)
    assert len(starts) == 1


@pytest.mark.parametrize("line", ["", "\n", "not json\n", '{"a": 1}\n', '["validate", 3]\n'])
def test_a_waiting_job_process_runs_nothing_but_a_list_of_arguments(workspace, line):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "dossier.web.warm", "-C", str(workspace)], input=line, text=True,
                          capture_output=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not (workspace / ".dossier" / "pekerjaan").exists()


def test_a_waiting_job_process_runs_its_command_as_the_command_line_would(workspace):
    import subprocess
    import sys

    line = json.dumps(["validate", "--year", str(YEAR), "--json"]) + "\n"
    warm = subprocess.run([sys.executable, "-m", "dossier.web.warm", "-C", str(workspace)], input=line, text=True,
                          capture_output=True, timeout=60)
    cold = subprocess.run([sys.executable, "-m", "dossier", "-C", str(workspace), "validate", "--year", str(YEAR), "--json"],
                          text=True, capture_output=True, timeout=60)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert json.loads(warm.stdout) is not None


def test_a_queued_job_can_be_cancelled_and_a_running_one_is_interrupted_by_a_restart(workspace):
    store = Store(workspace)
    running = store.add_job(("validate",), "sek")
    store.set_job(running, "berjalan", started=time.time())
    with TestClient(create_app(workspace), follow_redirects=False) as client:
        assert store.job(running).state == "terputus"
        sign_in(client, "sek")
        queued = store.add_job(("validate",), "sek")
        store.set_job(queued, "antri")
        response = client.post(f"/pekerjaan/{queued}/batal", data={"csrf": token(client, "/pekerjaan")})
        assert response.status_code == 303
        assert store.job(queued).state in ("dibatalkan", "selesai")  # the runner may have picked it first


def test_the_servers_stop_ends_and_reaps_the_running_jobs_process(workspace, monkeypatch):
    """Killed and waited for: one left to the garbage collector after the event loop closed was never reaped
    (Python said "Event loop is closed" as the server stopped)."""
    from dossier.web import jobs

    started = []
    real = jobs.Runner._start

    async def recorded(self):
        started.append(await real(self))
        return started[-1]

    monkeypatch.setattr(jobs.Runner, "_start", recorded)
    store = Store(workspace)
    with TestClient(create_app(workspace), follow_redirects=False) as client:
        sign_in(client, "sek")
        response = client.post("/pekerjaan", data={"csrf": token(client, "/pekerjaan"), "perintah": "build"})
        job = int(response.headers["location"].split("/")[2].split("?")[0])
        assert _until(lambda: store.job(job).state == "berjalan")
    assert store.job(job).state == "terputus"
    assert started and all(process.returncode is not None for process in started)


def test_unknown_jobs_are_refused(client):
    sign_in(client, "sek")
    tok = token(client, "/pekerjaan")
    assert client.post("/pekerjaan", data={"csrf": tok, "perintah": "rm -rf"}).status_code == 400
    assert client.post("/pekerjaan", data={"csrf": tok, "perintah": "build-unit", "unit": "NOPE"}).status_code == 400
    for name in ("build-unit", "build-unit-dossier", "build-unit-pdf"):  # a unit's job wants its unit
        assert client.post("/pekerjaan", data={"csrf": tok, "perintah": name}).status_code == 400


@pytest.mark.render
def test_build_progress_jsonl_is_one_json_object_per_line(workspace):
    # One unit's one PDF (the first job an upload queues): the events of any build, with one document to render.
    result = CliRunner().invoke(cli, ["-C", str(workspace), "build", "--unit", "BP01", "--format", "pdf",
                                      "--kind", "dossier-pdf", "-j", "1", "--progress", "jsonl"], catch_exceptions=False)
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events][0] == "started" and events[-1]["event"] == "finished"
    assert any(e["event"] == "done" and e["unit"] == "BP01" and "dossier-pdf" in e["kinds"] for e in events)
    assert events[-1]["ok"] is (result.exit_code == 0)


# --- the pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("place", "fix", "expected"), [
    (("lke/UPT01.xlsx", "LKE", "E57"), "expected one of A, B, C; or leave it empty",
     ("lke/UPT01.xlsx", "LKE", "E57", "expected one of A, B, C; or leave it empty")),
    (("nominasi.xlsx", "Unit Kerja", "B3"), None, ("nominasi.xlsx", "Unit Kerja", "B3", "")),
    (("lke/x.xlsx", "", ""), None, ("lke/x.xlsx", "", "", "")),
])
def test_a_problem_is_shown_by_its_record_fields(place, fix, expected):
    """The page reads the problem's fields; a '; ' inside a text never moves it to another column."""
    from dossier.errors import Place, Problem, literal
    from dossier.web.season import problem_record

    what = literal("answer 'F; G' for PPA1B, PPA1C - is not an option")
    record = problem_record(Problem(Place(*place), what, fix=None if fix is None else literal(fix)))
    assert (record["file"], record["sheet"], record["cell"], record["fix"]) == expected
    assert record["message"] == "answer 'F; G' for PPA1B, PPA1C - is not an option"


@pytest.mark.parametrize(("host", "said"), [("127.0.0.1", "only this computer"), ("0.0.0.0", "every computer"),
                                            ("192.168.1.5", "every computer"), ("localhost", "only this computer")])
def test_serve_says_who_can_reach_it(host, said):
    from dossier.web.server import reach

    assert said in reach(host, 8000)


def test_serve_wants_the_proxy_header_and_address_together(workspace):
    result = CliRunner().invoke(cli, ["-C", str(workspace), "serve", "--proxy-auth", "X-Remote-User"])
    assert result.exit_code == 2 and "--proxy-from" in result.output


def test_a_proxy_header_is_trusted_only_from_the_proxy(workspace):
    # Starlette's test client connects from "testclient".
    with TestClient(create_app(workspace, proxy_header="X-Remote-User", proxy_from="testclient"),
                    follow_redirects=False) as trusted:
        assert trusted.get("/", headers={"X-Remote-User": "tpi"}).status_code == 200
        assert trusted.get("/", headers={"X-Remote-User": "nobody"}).status_code == 303
    with TestClient(create_app(workspace, proxy_header="X-Remote-User", proxy_from="10.0.0.1"),
                    follow_redirects=False) as elsewhere:
        assert elsewhere.get("/", headers={"X-Remote-User": "sek"}).headers["location"] == "/masuk"


@pytest.mark.render
def test_a_running_job_can_be_cancelled(client, workspace):
    sign_in(client, "sek")
    response = client.post("/pekerjaan", data={"csrf": token(client, "/pekerjaan"), "perintah": "build"})
    job = int(response.headers["location"].split("/")[2].split("?")[0])
    store = Store(workspace)
    deadline = time.time() + 60
    while store.job(job).state == "antri" and time.time() < deadline:
        time.sleep(0.1)
    assert store.job(job).state == "berjalan"
    assert client.post(f"/pekerjaan/{job}/batal", data={"csrf": token(client, "/pekerjaan")}).status_code == 303
    assert _wait(client, job) == "dibatalkan"
    assert "pekerjaan-batal" in [row[2] for row in Store(workspace).audit()]


def test_a_unit_names_uploaded_evidence_for_an_indicator_without_typing_paths(client, workspace):
    import openpyxl

    sign_in(client, "bp1")
    assert client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": token(client)},
                       files={"berkas": ("sk tim.pdf", b"%PDF-1.4 sk", "application/pdf")}).status_code == 200
    page = client.post("/unit/BP01/lampirkan", follow_redirects=True, data={"csrf": token(client), "berkas": "sk tim.pdf", "indikator": "PPA1A"})
    assert page.status_code == 200 and "BP01/sk tim.pdf" in page.text
    lke = workspace / "inputs" / str(YEAR) / "lke" / "LKE BP01.xlsx"
    sheet = openpyxl.load_workbook(lke)["LKE"]
    header = next(r for r in range(1, 21) if "Bukti Dukung" in [c.value for c in sheet[r]])
    columns = {c.value: c.column for c in sheet[header] if c.value}
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, columns["Kode"]).value == "PPA1A")
    cited = str(sheet.cell(row, columns["Bukti Dukung"]).value).splitlines()
    assert cited[-1] == "BP01/sk tim.pdf" and cited[:-1] == ["BP/sk-tim.pdf", "https://example.go.id/zi"]  # beside what it had
    assert len(list((lke.parent / ".versi").glob("LKE BP01.*.xlsx"))) == 1
    from dossier.workspace import Workspace

    answer = Workspace(workspace).load(YEAR).lke["BP01"].answers["PPA1A"]
    assert any(e.entry == "BP01/sk tim.pdf" and e.present for e in answer.evidence)
    # Nothing outside the unit's own folder can be named, and another unit's workbook cannot be changed.
    assert client.post("/unit/BP01/lampirkan", data={"csrf": token(client), "berkas": "../../nominasi.xlsx",
                                                     "indikator": "PPA1A"}).status_code == 400
    assert client.post("/unit/BP02/lampirkan", data={"csrf": token(client), "berkas": "sk tim.pdf",
                                                     "indikator": "PPA1A"}).status_code == 403


def test_evidence_named_beside_text_that_looks_like_a_formula_keeps_the_cell_text(client, workspace):
    """Regression: attaching wrote the Bukti Dukung cell with `.value =`, so a cell that held the text
    '=HYPERLINK(...)' (typed with a leading apostrophe) came back from the web a live formula."""
    import openpyxl

    from dossier.cells import put

    lke = workspace / "inputs" / str(YEAR) / "lke" / "LKE BP01.xlsx"
    book = openpyxl.load_workbook(lke)
    sheet = book["LKE"]
    header = next(r for r in range(1, 21) if "Bukti Dukung" in [c.value for c in sheet[r]])
    columns = {c.value: c.column for c in sheet[header] if c.value}
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, columns["Kode"]).value == "PPA1A")
    typed = '=HYPERLINK("http://127.0.0.1:9/x","lihat")'
    put(sheet, row, columns["Bukti Dukung"], typed)
    book.save(lke)
    sign_in(client, "bp1")
    client.post("/unit/BP01/unggah/bukti", data={"csrf": token(client)},
                files={"berkas": ("sk.pdf", b"%PDF-1.4 sk", "application/pdf")})
    client.post("/unit/BP01/lampirkan", data={"csrf": token(client), "berkas": "sk.pdf", "indikator": "PPA1A"})
    cell = openpyxl.load_workbook(lke)["LKE"].cell(row, columns["Bukti Dukung"])
    assert (cell.data_type, cell.value) == ("s", typed + "\nBP01/sk.pdf")


def test_a_unit_account_for_a_unit_not_in_the_register_is_warned_about(workspace):
    result = CliRunner().invoke(cli, ["-C", str(workspace), "pengguna", "tambah", "x9", "--peran", "unit", "--unit", "BP09"],
                                input=PASSWORD + "\n")
    assert result.exit_code == 0 and "BP09 is not in the register of 2024 (units: BP01, BP02)" in result.output
    quiet = CliRunner().invoke(cli, ["-C", str(workspace), "pengguna", "tambah", "x2", "--peran", "unit", "--unit", "BP02"],
                               input=PASSWORD + "\n")
    assert "warning" not in quiet.output


def test_a_register_that_cannot_be_read_is_said_on_the_page(client, workspace):
    sign_in(client, "sek")
    (workspace / "inputs" / str(YEAR) / "nominasi.xlsx").unlink()
    for path in ("/", "/unit/BP01"):
        page = client.get(path)
        assert page.status_code in (200, 409) and "nominasi.xlsx" in page.text, path
    assert client.get("/api/status?tahun=2024").status_code == 409
    tok = csrf(page.text)
    upload = client.post("/unit/BP01/unggah/bukti", follow_redirects=True, data={"csrf": tok},
                         files={"berkas": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert upload.status_code == 409 and "nominasi.xlsx" in upload.text


def test_an_upload_leads_back_by_get_so_a_reload_sends_nothing_again(client, workspace):
    sign_in(client, "bp1")
    lke = workspace / "inputs" / str(YEAR) / "lke"
    answer = client.post("/unit/BP01/unggah/lke", data={"csrf": token(client)},
                         files={"berkas": ("LKE BP01.xlsx", xlsx(lke_book("BP01")), "application/octet-stream")})
    assert answer.status_code == 303 and answer.headers["location"] == f"/unit/BP01?tahun={YEAR}"
    versions = len(list((lke / ".versi").glob("*")))
    jobs = len(Store(workspace).jobs())
    first = client.get(answer.headers["location"])
    assert first.status_code == 200 and 'class="alert good"' in first.text and "LKE BP01.xlsx" in first.text
    again = client.get(answer.headers["location"])  # the reload: the page again, said once, nothing sent
    assert again.status_code == 200 and 'class="alert good"' not in again.text
    assert len(list((lke / ".versi").glob("*"))) == versions and len(Store(workspace).jobs()) == jobs
