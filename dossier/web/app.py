"""The web workspace: Starlette routes over the same workspace folder the CLI uses.

Every route finds who is asking (auth.Gate) before it reads anything, and checks the role
for the unit, file or download asked for: a page is redirected to /masuk without a
session, /api answers 401; a unit account gets 403 for any other unit. Pages are
server-rendered Jinja in the language of the catalogs; forms work without JavaScript,
htmx refreshes the parts that change, and a job's progress arrives by server-sent events.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import mimetypes
import secrets
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, unquote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dossier.console import shortfall_text, way_lines
from dossier.documents import dossier, registry
from dossier.errors import DossierError
from dossier.i18n import N_, _, decimal, ngettext
from dossier.improve import way_to
from dossier.incremental import unit_problems
from dossier.render.format import long_date, number
from dossier.render.templates import environment, static_dirs
from dossier.web import auth, jobs, uploads
from dossier.web.auth import COOKIE, Gate, Session, Signer, Throttle
from dossier.web.season import Season, Seasons, problem_record
from dossier.web.store import Store
from dossier.workspace import Workspace

HERE = Path(__file__).parent
LOGIN_COOKIE = "dossier_masuk"
NOTICE_COOKIE = "dossier_pesan"  # what an upload just did, said once on the page it leads back to
# The whole request may be a little more than the largest file (the form's other fields, the boundaries).
BODY_LIMIT = uploads.EVIDENCE_LIMIT + 1024 * 1024
# The jobs a clean workbook upload queues, in order: the dossier PDF alone first, then the rest.
AFTER_UPLOAD = ("build-unit-dossier", "build-unit-pdf")
PREVIEW_SCREEN = ("@media screen { html { background: #e5e8ec; } body { max-width: 210mm; margin: 1rem auto; "
                  "padding: 14mm 16mm; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); } "
                  ".running-header, .running-footer { display: none; } }")
# The board's filter by state (`?keadaan=`): the value in the address, its label, which rows it keeps.
BOARD_STATES = {
    "kesalahan": (N_("with errors"), lambda r: r["errors"] > 0),
    "tidak-layak": (N_("not eligible for the proposed predicate"),
                    lambda r: r["total"] is not None and r["proposed"] not in r["eligible"]),
    "tanpa-lke": (N_("no LKE yet"), lambda r: not r["lke_received"]),
    "belum-direviu": (N_("not reviewed by the TPI"), lambda r: not r["reviewed"]),
    "dokumen-usang": (N_("documents not built or not current"), lambda r: r["documents_current"] is not True),
}
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "font-src 'self' data:; script-src 'self'; frame-ancestors 'none'",
}


def _when(stamp: float | None) -> str:
    return datetime.fromtimestamp(stamp).strftime("%d-%m-%Y %H:%M:%S") if stamp else ""


def _job_label(name: str) -> str:
    return _(jobs.LABELS.get(name, name))


def _job_state(state: str) -> str:
    return _(jobs.STATES.get(state, state))


def pages() -> jinja2.Environment:
    """The pages' Jinja environment: escaping, strict, the catalogs' `_` and the score formats."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(_=_, ngettext=ngettext, job_label=_job_label, job_state=_job_state)
    env.filters.update(number=number, when=_when, decimal=decimal, long_date=long_date)
    return env


class Site:
    """The routes of one workspace's web workspace."""

    def __init__(self, root: Path, proxy_header: str | None = None, proxy_from: str | None = None) -> None:
        self.ws = Workspace(Path(root).resolve())
        self.store = Store(self.ws.root)
        self.signer = Signer(self.store.secret())
        self.gate = Gate(self.store, self.signer, proxy_header, proxy_from)
        self.throttle = Throttle()
        self.seasons = Seasons(self.ws)
        self.runner = jobs.Runner(self.store, self.ws.root)
        self.env = pages()

    # --- plumbing --------------------------------------------------------------------------------

    def page(self, request: Request, name: str, session: Session | None, status: int = 200, **context) -> HTMLResponse:
        csrf = self.signer.csrf(session) if session else context.pop("csrf", "")
        years = []
        try:
            years = self.ws.years()
        except DossierError:
            pass
        html = self.env.get_template(name).render(request=request, user=session.user if session else None,
                                                  csrf=csrf, years=years, auth=auth, **context)
        return HTMLResponse(html, status_code=status)

    def who(self, request: Request) -> Session:
        """The session of a signed-in visitor; else redirect to /masuk (a page) or 401 (/api)."""
        session = self.gate.session(request)
        if session is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(401, _("sign in first"))
            raise HTTPException(303, headers={"Location": "/masuk"})
        return session

    async def posted(self, request: Request, session: Session, **limits):
        """The form of a POST, refused (403) without the session's CSRF token."""
        form = await request.form(**limits)
        token = form.get("csrf") or request.headers.get("x-csrf-token")
        if not self.signer.csrf_ok(session, token):
            raise HTTPException(403, _("the form's security token is missing or wrong; reload the page and try again"))
        return form

    def year(self, request: Request) -> int:
        try:
            return self.ws.year(request.query_params.get("tahun") or None)
        except DossierError as exc:
            raise HTTPException(404, exc.message) from None

    async def season(self, year: int) -> Season:
        return await run_in_threadpool(self.seasons.get, year)

    def unit_or_refuse(self, session: Session, season: Season, code: str):
        if not auth.may_read(session.user, code):
            raise HTTPException(403, _("this account may not see unit {code}").format(code=code))
        unit = season.unit(code)
        if unit is None:
            raise HTTPException(404, _("there is no unit {code} in {year}").format(code=code, year=season.year))
        return unit

    # --- signing in and out --------------------------------------------------------------------

    async def sign_in_form(self, request: Request, message: str = "", status: int = 200) -> Response:
        if self.gate.session(request) and not message:
            return RedirectResponse("/", 303)
        nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_hex(16)
        response = self.page(request, "masuk.html", None, status, csrf=self.signer._mac(f"masuk:{nonce}"), message=message)
        response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", max_age=3600)
        return response

    async def sign_in(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if not nonce or not secrets.compare_digest(str(form.get("csrf", "")), self.signer._mac(f"masuk:{nonce}")):
            return await self.sign_in_form(request, _("the form's security token is missing or wrong; reload the page and try again"), 403)
        name, password = str(form.get("nama", "")).strip(), str(form.get("sandi", ""))
        address = request.client.host if request.client else "?"
        keys = (f"nama:{name.casefold()}", f"alamat:{address}")
        wait = self.throttle.blocked(*keys)
        if wait:
            self.store.record(name, "masuk-ditahan", address)
            return await self.sign_in_form(request, _("too many failed sign-ins; wait {seconds} seconds and try again")
                                           .format(seconds=wait), 429)
        user = await run_in_threadpool(self.store.authenticate, name, password)
        if user is None:
            self.throttle.failed(*keys)
            self.store.record(name, "masuk-gagal", address)
            return await self.sign_in_form(request, _("the name or the password is wrong"), 401)
        self.throttle.cleared(*keys)
        self.store.record(user.name, "masuk", address)
        response = RedirectResponse("/", 303)
        response.set_cookie(COOKIE, self.signer.cookie(user.name), httponly=True, samesite="lax",
                            secure=request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https",
                            max_age=auth.SESSION_SECONDS)
        response.delete_cookie(LOGIN_COOKIE)
        return response

    async def sign_out(self, request: Request) -> Response:
        session = self.who(request)
        await self.posted(request, session, max_files=0)
        self.store.record(session.user.name, "keluar")
        response = RedirectResponse("/masuk", 303)
        response.delete_cookie(COOKIE)
        return response

    # --- the season board and the status API -----------------------------------------------------

    async def board(self, request: Request) -> Response:
        session = self.who(request)
        user = session.user
        year = self.year(request)
        if not auth.sees_all(user):
            return RedirectResponse(f"/unit/{user.unit}?tahun={year}", 303)
        try:
            season = await self.season(year)
        except DossierError as exc:
            return self.page(request, "kesalahan.html", session, 200, year=year, message=exc.message)
        rows = [season.row(u.code) for u in season.award_year.units]
        # The results the release waits for: those of the units proposed (documents/release.status).
        proposed = [u for u, r in zip(season.award_year.units, rows) if r["decision"] and r["decision"]["proposed"]]
        received = self.received(year)
        for row in rows:
            row["received"] = received.get(row["code"])
            row["lke_time"] = self.lke_time(season, row["code"])
        query = request.query_params.get("cari", "").strip().casefold()
        if query:
            rows = [r for r in rows if query in r["code"].casefold() or query in r["name"].casefold()]
        state = request.query_params.get("keadaan", "")
        if state in BOARD_STATES:
            rows = [r for r in rows if BOARD_STATES[state][1](r)]
        else:
            state = ""
        order = request.query_params.get("urut", "kode")
        keys = {"kode": lambda r: r["code"], "nilai": lambda r: -(r["total"] or -1), "kesalahan": lambda r: -r["errors"]}
        rows.sort(key=keys.get(order, keys["kode"]))
        award = season.award_year.award
        template = "papan_tabel.html" if request.headers.get("hx-request") else "papan.html"
        return self.page(request, template, session, year=year, rows=rows, award=award, query=query, order=order,
                         state=state, states=[(k, label) for k, (label, _test) in BOARD_STATES.items()],
                         units=len(season.award_year.units), proposed=len(proposed),
                         results=sum(1 for u in proposed if u.result.strip()),
                         year_documents=_by_document(_documents(season.documents(None))), problems=len(season.award_year.errors))

    async def status(self, request: Request) -> Response:
        session = self.who(request)
        year = self.year(request)
        try:
            season = await self.season(year)
        except DossierError as exc:
            return JSONResponse({"year": year, "error": exc.message}, status_code=409)
        codes = [u.code for u in season.award_year.units if auth.may_read(session.user, u.code)]
        return JSONResponse({"year": year, "units": [season.row(code) for code in codes]})

    def received(self, year: int) -> dict[str, tuple[float, str]]:
        """When and by whom each unit's LKE was last uploaded through the browser."""
        found: dict[str, tuple[float, str]] = {}
        for at, user, action, target, _detail in self.store.audit():
            if action == "unggah-lke" and target.startswith(f"{year}/"):
                found.setdefault(target.split("/")[1], (at, user))
        return found

    def lke_time(self, season: Season, code: str) -> float | None:
        lke = season.award_year.lke.get(code)
        path = season.ws.inputs(season.year) / lke.source if lke else None
        return path.stat().st_mtime if path and path.is_file() else None

    # --- a unit's page --------------------------------------------------------------------------

    async def unit_page(self, request: Request, message: dict | None = None, status: int = 200) -> Response:
        session = self.who(request)
        code = request.path_params["code"]
        year = self.year(request)
        if not auth.may_read(session.user, code):
            raise HTTPException(403, _("this account may not see unit {code}").format(code=code))
        try:
            season = await self.season(year)
        except DossierError as exc:
            return self.page(request, "kesalahan.html", session, 200, year=year, message=exc.message)
        unit = self.unit_or_refuse(session, season, code)
        context = await run_in_threadpool(self.unit_context, season, code)
        notice = request.cookies.get(NOTICE_COOKIE) if request.method == "GET" else None
        if message is None and notice:
            message = {"ok": True, "text": unquote(notice)}
        response = self.page(request, "unit.html", session, status, year=year, unit=unit, message=message, **context)
        if notice:
            response.delete_cookie(NOTICE_COOKIE, path=f"/unit/{code}")
        return response

    def unit_context(self, season: Season, code: str) -> dict:
        score = season.scores[code]
        lke = season.award_year.lke.get(code)
        files = season.lke_files(code)
        workbooks = [{"name": p.name, "time": p.stat().st_mtime,
                      "versions": [{"name": v.name, "time": v.stat().st_mtime} for v in uploads.versions(p)]}
                     for p in files]
        problems = [problem_record(p) for p in season.problems_of(code)]
        problems.sort(key=lambda p: p["severity"] != "error")
        areas = []
        edition = score.edition
        if lke:
            for part in score.area_parts(level="area"):
                areas.append({"name": part.path[-1], "score": part.score, "weight": part.weight,
                              "share": part.share * 100,
                              "minimums": [(p.name, p.area_share * 100, part.share + 1e-9 >= p.area_share)
                                           for p in edition.predicates]})
        way = []
        if lke and score.unit.proposed not in score.eligible and edition.predicate(score.unit.proposed):
            way = [line.strip() for line in way_lines(way_to(score, score.unit.proposed), indent="")]
        missing_files = []
        if lke:
            for answer in lke.answers.values():
                for evidence in answer.evidence:
                    if not evidence.url and not evidence.present:
                        missing_files.append({"code": answer.code, "entry": evidence.entry, "where": answer.where})
        bukti = season.ws.inputs(season.year) / "bukti" / code
        evidence_files = sorted(p.name for p in bukti.iterdir() if p.is_file() and not p.name.startswith(".")) \
            if bukti.is_dir() else []
        building = [job for job in self.store.jobs(20) if not job.finished and "--unit" in job.command
                    and job.command[job.command.index("--unit") + 1] == code]
        return {
            "building": building,
            "row": season.row(code), "score": score if lke else None, "workbooks": workbooks, "problems": problems,
            "areas": areas, "shortfalls": [shortfall_text(s) for s in score.proposed_shortfalls] if lke else [],
            "way": way, "without_evidence": score.without_evidence if lke else [], "missing_files": missing_files,
            "evidence_files": evidence_files, "documents": _documents(season.documents(code)),
            "indicators": sorted(lke.answers) if lke else [],
            "limits": {"lke": uploads.LKE_LIMIT // uploads.MB, "evidence": uploads.EVIDENCE_LIMIT // uploads.MB},
        }

    # --- uploads ----------------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        session = self.who(request)
        code, what = request.path_params["code"], request.path_params["what"]
        user = session.user
        allowed = auth.may_upload_review(user) if what == "tpi" else auth.may_upload_lke(user, code)
        if what not in ("lke", "tpi", "bukti"):
            raise HTTPException(404)
        if not allowed:
            self.store.record(user.name, "unggah-ditolak", f"{code}/{what}")
            raise HTTPException(403, _("this account may not upload for unit {code}").format(code=code))
        if int(request.headers.get("content-length") or 0) > BODY_LIMIT:
            raise HTTPException(413, _("the upload is larger than {limit} MB").format(limit=BODY_LIMIT // uploads.MB))
        form = await self.posted(request, session, max_files=20, max_fields=10)
        year = self.year(request)
        season = await self.season(year)
        self.unit_or_refuse(session, season, code)
        files = [f for f in form.getlist("berkas") if hasattr(f, "read")]
        if not files:
            return await self.unit_page(request, {"ok": False, "text": _("choose a file to upload first")}, 400)
        limit = uploads.EVIDENCE_LIMIT if what == "bukti" else uploads.LKE_LIMIT
        kept = []
        try:
            for upload in files:
                data = await upload.read(limit + 1)
                if what == "bukti":
                    path = await run_in_threadpool(uploads.store_evidence, season, code, data, upload.filename or "")
                    kept.append(f"{code}/{path.name}")
                else:
                    path, read = await run_in_threadpool(uploads.store_lke, season, code, data, upload.filename or "",
                                                         review=what == "tpi")
                    await run_in_threadpool(self.seasons.remember, year, path, read)
                    kept.append(path.name)
                self.store.record(user.name, f"unggah-{what}", f"{year}/{code}/{path.name}", f"{len(data)} byte")
        except DossierError as exc:
            self.store.record(user.name, f"unggah-{what}-ditolak", f"{year}/{code}", exc.message)
            return await self.unit_page(request, {"ok": False, "text": exc.message}, 422)
        if what == "bukti":
            text = _("kept {files}; cite it in the LKE's Bukti Dukung column as written here").format(files=", ".join(kept))
        else:
            text = _("kept {files} and read it again; the result is below").format(files=", ".join(kept))
            season = await self.season(year)
            if not season.row(code)["errors"]:
                self.queue_unit_build(year, code, user.name)
        return self.done(code, year, text)

    def done(self, code: str, year: int, text: str) -> Response:
        """After a change that succeeded: back to the unit's page by GET (post/redirect/get).

        Reloading the page then only reloads it: it never sends the upload again (and queues no
        second build). What was done is said once, through a short-lived cookie.
        """
        response = RedirectResponse(f"/unit/{code}?tahun={year}", 303)
        response.set_cookie(NOTICE_COOKIE, quote(text), max_age=60, path=f"/unit/{code}", httponly=True, samesite="lax")
        return response

    def queue_unit_build(self, year: int, code: str, user: str) -> None:
        """After a clean workbook arrives, build the unit's dossier PDF, then its other PDFs.

        Two jobs, so the dossier PDF is listed as soon as it alone is rendered; neither is queued
        again while the same one still waits.
        """
        waiting = {job.command for job in self.store.jobs() if job.state == "antri"}
        for name in AFTER_UPLOAD:
            command = jobs.command(name, year, code)
            if command in waiting:
                continue
            job_id = self.store.add_job(command, user)
            self.store.record(user, "pekerjaan-otomatis", str(job_id), " ".join(command))
        self.runner.poke()

    async def attach(self, request: Request) -> Response:
        """Name an uploaded evidence file in an indicator's Bukti Dukung cell."""
        session = self.who(request)
        code = request.path_params["code"]
        if not auth.may_upload_lke(session.user, code):
            raise HTTPException(403, _("this account may not upload for unit {code}").format(code=code))
        form = await self.posted(request, session, max_files=0)
        year = self.year(request)
        season = await self.season(year)
        self.unit_or_refuse(session, season, code)
        indicator, name = str(form.get("indikator", "")), str(form.get("berkas", ""))
        folder = self.ws.inputs(year) / "bukti" / code
        if not name or name != Path(name).name or not (folder / name).is_file():
            return await self.unit_page(request, {"ok": False, "text": _("choose an evidence file uploaded for this unit")}, 400)
        entry = f"{code}/{name}"
        try:
            path = await run_in_threadpool(uploads.attach_evidence, season, code, indicator, entry)
        except DossierError as exc:
            return await self.unit_page(request, {"ok": False, "text": exc.message}, 422)
        self.store.record(session.user.name, "lampirkan-bukti", f"{year}/{code}/{indicator}", entry)
        return self.done(code, year, _("{entry} is now named for {indicator} in {file}")
                         .format(entry=entry, indicator=indicator, file=path.name))

    async def evidence_file(self, request: Request) -> Response:
        session = self.who(request)
        code, name = request.path_params["code"], request.path_params["name"]
        year = self.year(request)
        if not auth.may_read(session.user, code):
            raise HTTPException(403, _("this account may not see unit {code}").format(code=code))
        self.unit_or_refuse(session, await self.season(year), code)  # a unit of the register, not '..'
        folder = (self.ws.inputs(year) / "bukti" / code).resolve()
        path = (folder / name).resolve()
        if path.parent != folder or name.startswith(".") or not path.is_file():
            raise HTTPException(404)
        self.store.record(session.user.name, "unduh-bukti", f"{year}/{code}/{name}")
        return FileResponse(path, filename=name, content_disposition_type="attachment")

    # --- the preview ------------------------------------------------------------------------------

    async def preview(self, request: Request) -> Response:
        session = self.who(request)
        code = request.path_params["code"]
        year = self.year(request)
        if not auth.may_read(session.user, code):
            raise HTTPException(403, _("this account may not see unit {code}").format(code=code))
        season = await self.season(year)
        self.unit_or_refuse(session, season, code)
        if code not in season.award_year.lke:
            raise HTTPException(404, _("unit {code} has no readable LKE workbook yet; nothing to preview").format(code=code))
        html = await run_in_threadpool(self.preview_html, season, code)
        return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                           "style-src 'self' 'unsafe-inline'; font-src 'self'; script-src 'none'"})

    def preview_html(self, season: Season, code: str) -> str:
        """The dossier's HTML, the one WeasyPrint lays out as the PDF, its static files served from /dokumen-statis/."""
        award_year = replace(season.award_year, lke={code: season.award_year.lke[code]},
                             problems=unit_problems(season.award_year, code))
        env = environment(self.ws.templates)
        html = dossier.html(env, dossier.context(award_year, season.scores[code], self.ws.settings))
        for folder in static_dirs(self.ws.templates):
            html = html.replace(Path(folder).resolve().as_uri() + "/", "/dokumen-statis/")
        # On screen only: the page as a sheet of paper; the running header and footer belong to print.
        return html.replace("</head>", f"<style>{PREVIEW_SCREEN}</style>\n</head>", 1)

    async def document_static(self, request: Request) -> Response:
        self.who(request)
        name = request.path_params["path"]
        for folder in static_dirs(self.ws.templates):
            folder = Path(folder).resolve()
            path = (folder / name).resolve()
            if path.is_relative_to(folder) and path.is_file():
                return FileResponse(path)
        raise HTTPException(404)

    # --- downloads ----------------------------------------------------------------------------------

    async def download(self, request: Request) -> Response:
        """A built document, only as the manifest lists it, only to those who may read its unit."""
        session = self.who(request)
        year, rel = request.path_params["year"], request.path_params["path"]
        if year not in [str(y) for y in self.ws.years()]:
            raise HTTPException(404, _("there is no award year {year}").format(year=year))
        season = await self.season(int(year))
        entry = next((f for f in season.manifest.get("files", []) if f.get("path") == rel), None) if season.manifest else None
        unit = entry.get("unit") if entry else None
        if entry is not None and not auth.may_read(session.user, unit):
            self.store.record(session.user.name, "unduh-ditolak", f"{year}/{rel}")
            raise HTTPException(403, _("this account may not download {path}").format(path=rel))
        if entry is None:
            if session.user.role == "unit" and rel not in {kind.path_for(session.user.unit) for kind in registry.KINDS
                                                           if kind.per_unit}:  # not its own: not even whether it exists
                raise HTTPException(403, _("this account may not download {path}").format(path=rel))
            raise HTTPException(404, _("{path} is not a built document of {year}").format(path=rel, year=year))
        path = (self.ws.build_dir(season.year) / rel).resolve()
        if not path.is_relative_to(self.ws.build_dir(season.year).resolve()) or not path.is_file():
            raise HTTPException(404)
        self.store.record(session.user.name, "unduh", f"{year}/{rel}")
        return FileResponse(path, filename=path.name, media_type=mimetypes.guess_type(path.name)[0])

    async def year_page(self, request: Request) -> Response:
        """The year's documents: the recap, letter and release, the archive index, every unit's own (a unit: its own)."""
        session = self.who(request)
        year = self.year(request)
        try:
            season = await self.season(year)
        except DossierError as exc:
            return self.page(request, "kesalahan.html", session, 200, year=year, message=exc.message)
        user = session.user
        units = [{"code": u.code, "name": u.name, "current": season.current(u.code),
                  "documents": _documents(season.documents(u.code))}
                 for u in season.award_year.units if auth.may_read(user, u.code)]
        year_documents = _by_document(_documents(season.documents(None))) if auth.sees_all(user) else []
        archived = auth.sees_all(user) and (self.ws.archive_dir(year) / "daftar-arsip.pdf").is_file()
        return self.page(request, "tahun.html", session, year=year, units=units, year_documents=year_documents,
                         year_current=season.current(None), archived=archived, sees_all=auth.sees_all(user))

    async def archive_index(self, request: Request) -> Response:
        session = self.who(request)
        if not auth.sees_all(session.user):
            raise HTTPException(403, _("this account may not see the archive"))
        year = self.year(request)
        path = self.ws.archive_dir(year) / "daftar-arsip.pdf"
        if not path.is_file():
            raise HTTPException(404, _("the year {year} is not archived yet").format(year=year))
        self.store.record(session.user.name, "unduh", f"archive/{year}/daftar-arsip.pdf")
        return FileResponse(path, filename=f"daftar-arsip-{year}.pdf")

    # --- jobs ------------------------------------------------------------------------------------------

    def job_rights(self, session: Session) -> None:
        if not auth.may_run_jobs(session.user):
            raise HTTPException(403, _("only the secretariat runs jobs"))

    async def job_list(self, request: Request) -> Response:
        session = self.who(request)
        self.job_rights(session)
        year = self.year(request)
        template = "pekerjaan_tabel.html" if request.headers.get("hx-request") else "pekerjaan.html"
        season_units = []
        try:
            season_units = [u.code for u in (await self.season(year)).award_year.units]
        except DossierError:
            pass
        return self.page(request, template, session, year=year, jobs=self.store.jobs(), names=jobs.COMMANDS,
                         units=season_units)

    async def job_start(self, request: Request) -> Response:
        session = self.who(request)
        self.job_rights(session)
        form = await self.posted(request, session, max_files=0)
        name, unit = str(form.get("perintah", "")), str(form.get("unit", "")).strip()
        year = self.year(request)
        if name not in jobs.COMMANDS or ("{unit}" in jobs.COMMANDS[name] and not unit):
            raise HTTPException(400, _("unknown job '{name}'").format(name=name))
        if unit:
            season = await self.season(year)
            if season.unit(unit) is None:
                raise HTTPException(400, _("there is no unit {code} in {year}").format(code=unit, year=year))
        job_id = self.store.add_job(jobs.command(name, year, unit), session.user.name)
        self.store.record(session.user.name, "pekerjaan", str(job_id), " ".join(jobs.command(name, year, unit)))
        self.runner.poke()
        return RedirectResponse(f"/pekerjaan/{job_id}?tahun={year}", 303)

    def job_or_404(self, request: Request):
        job = self.store.job(int(request.path_params["job"]))
        if job is None:
            raise HTTPException(404)
        return job

    async def job_page(self, request: Request) -> Response:
        session = self.who(request)
        self.job_rights(session)
        job = self.job_or_404(request)
        log = self.store.log_path(job.id)
        text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        lines = [line for line in text.splitlines() if not line.startswith("{")]
        events = [json.loads(line) for line in text.splitlines() if line.startswith("{") and _is_json(line)]
        return self.page(request, "pekerjaan_satu.html", session, year=self.year(request), job=job, lines=lines,
                         progress=_progress(events))

    async def job_events(self, request: Request) -> Response:
        """The job's output as server-sent events: `line` for text, `progress` for build events, `end` at the end."""
        session = self.who(request)
        self.job_rights(session)
        job = self.job_or_404(request)
        log = self.store.log_path(job.id)

        async def stream():
            position, events, state = 0, [], ""
            while True:
                current = self.store.job(job.id)
                if current is not None and current.state != state:
                    state = current.state
                    label = {"state": state, "label": _(jobs.STATES.get(state, state))}
                    yield f"event: state\ndata: {json.dumps(label)}\n\n"
                text = ""
                if log.is_file():
                    with log.open("rb") as handle:
                        handle.seek(position)
                        chunk = handle.read()
                    complete = chunk.rfind(b"\n") + 1  # only whole lines
                    position += complete
                    text = chunk[:complete].decode("utf-8", errors="replace")
                for line in text.splitlines():
                    if line.startswith("{") and _is_json(line):
                        events.append(json.loads(line))
                        yield f"event: progress\ndata: {json.dumps(_progress(events))}\n\n"
                    else:
                        yield f"event: line\ndata: {json.dumps(line)}\n\n"
                if current is None or current.finished:
                    yield f"event: end\ndata: {json.dumps(_(jobs.STATES.get(current.state, '')) if current else '')}\n\n"
                    return
                if await request.is_disconnected():
                    return
                await asyncio.sleep(0.3)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def job_cancel(self, request: Request) -> Response:
        session = self.who(request)
        self.job_rights(session)
        await self.posted(request, session, max_files=0)
        job = self.job_or_404(request)
        if self.runner.cancel(job.id):
            self.store.record(session.user.name, "pekerjaan-batal", str(job.id))
        return RedirectResponse(f"/pekerjaan/{job.id}", 303)

    # --- who did what -------------------------------------------------------------------------------

    async def audit(self, request: Request) -> Response:
        session = self.who(request)
        if session.user.role != "sekretariat":
            raise HTTPException(403, _("only the secretariat sees who did what"))
        return self.page(request, "jejak.html", session, year=self.year_or_none(), rows=self.store.audit(500))

    async def audit_csv(self, request: Request) -> Response:
        session = self.who(request)
        if session.user.role != "sekretariat":
            raise HTTPException(403, _("only the secretariat sees who did what"))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["waktu", "pengguna", "tindakan", "sasaran", "keterangan"])
        for at, user, action, target, detail in self.store.audit():
            writer.writerow([datetime.fromtimestamp(at).isoformat(timespec="seconds"), user, action, target, detail])
        self.store.record(session.user.name, "unduh", "jejak.csv")
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="jejak.csv"'})

    def year_or_none(self) -> int | None:
        try:
            return self.ws.year(None)
        except DossierError:
            return None

    # --- errors ---------------------------------------------------------------------------------------

    async def failed(self, request: Request, exc: Exception) -> Response:
        """A mistake in the workspace (a register that cannot be read, a settings error): said, not a traceback."""
        message = exc.message if isinstance(exc, DossierError) else str(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=409)
        return self.page(request, "kesalahan.html", self.gate.session(request), 409, year=self.year_or_none(), message=message)

    async def refused(self, request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 303:
            assert exc.headers is not None, "a 303 is raised with its Location"
            return RedirectResponse(exc.headers["Location"], 303)
        message = exc.detail if isinstance(exc.detail, str) and exc.detail != _http_phrase(exc.status_code) else ""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message or _http_phrase(exc.status_code)}, status_code=exc.status_code)
        session = self.gate.session(request)
        return self.page(request, "kesalahan.html", session, exc.status_code, year=self.year_or_none(),
                         message=message or _http_phrase(exc.status_code), code=exc.status_code)


def _documents(entries: list[dict]) -> list[dict]:
    """Manifest entries as the pages list them, in the registry's order: each with its name, format, file and size."""
    order = {k.kind: i for i, k in enumerate(registry.KINDS)}
    names = {k.kind: k.name for k in registry.KINDS if k.name}
    listed = []
    for entry in sorted(entries, key=lambda e: (order.get(e.get("kind", ""), len(order)), str(e.get("path", "")))):
        path, kind = str(entry.get("path", "")), entry.get("kind", "")
        listed.append({"path": path, "name": _(names[kind]) if kind in names else path,
                       "format": Path(path).suffix.lstrip(".").upper(), "bytes": entry.get("bytes") or 0,
                       "pages": entry.get("pages")})
    return listed


def _by_document(listed: list[dict]) -> list[list[dict]]:
    """The files of `_documents` in one list per document: its formats side by side (the release's PDF and DOCX)."""
    groups: list[list[dict]] = []
    for document in listed:
        if groups and groups[-1][0]["name"] == document["name"]:
            groups[-1].append(document)
        else:
            groups.append([document])
    return groups


def _http_phrase(status: int) -> str:
    return HTTPStatus(status).phrase


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _progress(events: list[dict]) -> dict:
    """What the build's events say so far: tasks done of all, the last one, failures."""
    started = next((e for e in reversed(events) if e.get("event") == "started"), None)
    done = [e for e in events if e.get("event") in ("done", "unit_failed") and "label" in e]
    finished = next((e for e in events if e.get("event") == "finished"), None)
    return {"tasks": started.get("tasks", 0) if started else 0, "done": len([e for e in done if e["event"] == "done"]),
            "failed": [e.get("label") for e in done if e["event"] == "unit_failed"],
            "last": done[-1].get("label") if done else "", "finished": bool(finished),
            "ok": finished.get("ok") if finished else None}


class SecurityHeaders:
    """Add the security headers to every response (a plain ASGI middleware: streams pass through)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if "cache-control" not in headers:  # pages say who is signed in: never kept; the static files may be
                    headers["Cache-Control"] = "max-age=3600" if scope["path"].startswith("/statis/") else "no-store"
            await send(message)

        await self.app(scope, receive, sending)


def create_app(root: Path, *, proxy_header: str | None = None, proxy_from: str | None = None) -> Starlette:
    """The web workspace of the workspace at `root`."""
    site = Site(root, proxy_header, proxy_from)

    @asynccontextmanager
    async def lifespan(_app):
        site.runner.start()
        yield
        await site.runner.stop()

    routes = [
        Route("/masuk", site.sign_in_form, methods=["GET"]),
        Route("/masuk", site.sign_in, methods=["POST"]),
        Route("/keluar", site.sign_out, methods=["POST"]),
        Route("/", site.board),
        Route("/api/status", site.status),
        Route("/unit/{code}", site.unit_page),
        Route("/unit/{code}/unggah/{what}", site.upload, methods=["POST"]),
        Route("/unit/{code}/bukti/{name}", site.evidence_file),
        Route("/unit/{code}/lampirkan", site.attach, methods=["POST"]),
        Route("/unit/{code}/pratinjau", site.preview),
        Route("/dokumen-statis/{path:path}", site.document_static),
        Route("/unduh/{year}/{path:path}", site.download),
        Route("/tahun", site.year_page),
        Route("/arsip", site.archive_index),
        Route("/pekerjaan", site.job_list, methods=["GET"]),
        Route("/pekerjaan", site.job_start, methods=["POST"]),
        Route("/pekerjaan/{job:int}", site.job_page),
        Route("/pekerjaan/{job:int}/peristiwa", site.job_events),
        Route("/pekerjaan/{job:int}/batal", site.job_cancel, methods=["POST"]),
        Route("/jejak", site.audit),
        Route("/jejak.csv", site.audit_csv),
        Mount("/statis", StaticFiles(directory=HERE / "static"), name="statis"),
    ]
    # Starlette types a handler as taking any Exception; each of these takes the class it is registered for.
    handlers = {HTTPException: site.refused, DossierError: site.failed}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers,  # type: ignore[arg-type]
                    middleware=[Middleware(SecurityHeaders)])
    app.state.site = site

    return app
