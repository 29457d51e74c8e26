"""Files sent through the browser, filed where the CLI reads them, never overwriting the old.

- A unit's LKE workbook goes to `inputs/<year>/lke/` under the name the year already
  knows it by (its current file, the register's `Berkas LKE`), else `<code> LKE.xlsx`.
- The TPI's review workbook likewise, else `<code> LKE TPI.xlsx` ("TPI" in the name
  makes it the review, see readers/__init__.py).
- Evidence goes to `inputs/<year>/bukti/<code>/<name>`, cited in the LKE as `<code>/<name>`.

A file that is replaced is first moved to `.versi/` beside it, as
`<stem>.<YYYYMMDD-HHMMSS>.<suffix>`: a hidden folder, which the readers skip. Names are
made safe (the last path part only, letters, digits and `._-()` and spaces), sizes and
types are limited, and every file is written to a hidden temporary name, flushed, then
renamed into place. A workbook is read before it is kept: one the readers cannot open at
all (a zip bomb, an encrypted or corrupt file) is refused and nothing is written.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl

from dossier.cells import put
from dossier.errors import DossierError
from dossier.i18n import _
from dossier.readers import TPI_NAME, read_lke
from dossier.readers.evidence import split_entries
from dossier.readers.safety import guard_package
from dossier.web.season import VERSIONS, Season

MB = 1024 * 1024
LKE_LIMIT = 20 * MB
EVIDENCE_LIMIT = 50 * MB
LKE_TYPES = (".xlsx", ".xlsm")
EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")
_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")


class UploadError(DossierError):
    """Raised when an uploaded file is refused: too large, of a type not taken, unreadable, badly named."""


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name, made safe: no folders, no control or odd characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if dot and len(name) > 120:
        name = stem[: 119 - len(suffix)] + "." + suffix
    if not name or name.startswith(".") or name in ("_",):
        raise UploadError(_("the file name '{name}' cannot be used; give the file a name of letters and digits.")
                          .format(name=name))
    return name


def check_upload(name: str, size: int, types: tuple[str, ...], limit: int) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in types:
        raise UploadError(_("{name}: files of type '{suffix}' are not taken here; send one of {types}.")
                          .format(name=name, suffix=suffix or "-", types=", ".join(types)))
    if size > limit:
        raise UploadError(_("{name}: the file is {size} MB, more than the {limit} MB allowed; send a smaller file.")
                          .format(name=name, size=round(size / MB, 1), limit=limit // MB))
    if size == 0:
        raise UploadError(_("{name}: the file is empty; send the file again.").format(name=name))


def lke_target(season: Season, code: str, review: bool) -> str:
    """The name in lke/ a unit's workbook (or the TPI's review of it) is kept under."""
    unit = season.unit(code)
    current = [p.name for p in season.lke_files(code) if bool(TPI_NAME.search(p.stem)) == review]
    if review:
        if unit.lke_tpi_file:
            return Path(unit.lke_tpi_file.replace("\\", "/")).name
        return current[0] if current else f"{code} LKE TPI.xlsx"
    if unit.lke_file:
        return Path(unit.lke_file.replace("\\", "/")).name
    lke = season.award_year.lke.get(code)
    if lke:
        return Path(lke.source).name
    return current[0] if current else f"{code} LKE.xlsx"


def store_lke(season: Season, code: str, data: bytes, uploaded_name: str, *, review: bool = False):
    """Keep a unit's LKE workbook (or the TPI's review) in lke/, after the readers could open it.

    Returns where it was kept and the read of it (the server keeps the read, not to read it twice).
    """
    name = safe_name(uploaded_name)
    check_upload(name, len(data), LKE_TYPES, LKE_LIMIT)
    inputs = season.ws.inputs(season.year)
    known = inputs / "lke" / lke_target(season, code, review)
    target = known.with_suffix(Path(name).suffix.lower())  # an .xlsm may follow an .xlsx
    # Read it at its future name, in a hidden folder, so the guards of the CLI's readers judge it first.
    trial_dir = inputs / "lke" / VERSIONS / ".periksa"
    trial_dir.mkdir(parents=True, exist_ok=True)
    trial = trial_dir / target.name
    try:
        _write(trial, data)
        read = read_lke(trial, f"lke/{target.name}", season.ws.edition(season.year), inputs / "bukti")
        if read.lke is None:
            reasons = "; ".join(str(p) for p in read.problems if p.severity == "error") or _("unreadable")
            raise UploadError(_("{name}: the workbook cannot be read, so it was not kept: {reasons}")
                              .format(name=name, reasons=reasons))
        _keep_previous(known)
        _keep_previous(target)
        os.replace(trial, target)
    finally:
        trial.unlink(missing_ok=True)
    return target, read


def store_evidence(season: Season, code: str, data: bytes, uploaded_name: str) -> Path:
    """Keep an evidence file in bukti/<code>/; the name to cite in the LKE is `<code>/<name>`."""
    name = safe_name(uploaded_name)
    check_upload(name, len(data), EVIDENCE_TYPES, EVIDENCE_LIMIT)
    folder = season.ws.inputs(season.year) / "bukti" / code
    target = folder / name
    _keep_previous(target)
    _write(target, data)
    return target


def attach_evidence(season: Season, code: str, indicator: str, entry: str) -> Path:
    """Name an evidence file in the indicator's Bukti Dukung cell of the unit's workbook, so nobody types paths.

    The workbook is opened as it is (formulas, lists and protection kept), the entry added on a
    line of its own (the readers split entries on new lines), and saved as a new version: the
    previous one goes to .versi/ like any replaced upload.
    """
    lke = season.award_year.lke.get(code)
    if lke is None:
        raise UploadError(_("unit {code} has no readable LKE workbook yet; upload it first, then attach evidence")
                          .format(code=code))
    answer = lke.answers.get(indicator)
    if answer is None or "!" not in answer.where:
        raise UploadError(_("indicator {indicator} has no row in {file}; choose an indicator of the LKE")
                          .format(indicator=indicator, file=lke.source))
    path = season.ws.inputs(season.year) / lke.source
    sheet_name, _sep, cell = answer.where.split(", ", 1)[1].rpartition("!")
    row = int(re.sub(r"^[A-Z]+", "", cell))
    guard_package(path, lke.source)
    book = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    sheet = book[sheet_name.strip("'")]
    column = next((c.column for r in range(1, 21) for c in sheet[r]
                   if isinstance(c.value, str) and c.value.strip().casefold().startswith(("bukti", "link", "tautan"))), None)
    if column is None:
        raise UploadError(_("{file}, sheet {sheet}: no Bukti Dukung column in the header rows; name the evidence in the workbook "
                            "itself").format(file=lke.source, sheet=sheet.title))
    entries = split_entries(sheet.cell(row, column).value)
    if entry not in entries:
        put(sheet, row, column, "\n".join([*entries, entry]))  # text, however the cell began ('=HYPERLINK(...)')
    out = io.BytesIO()
    book.save(out)
    _keep_previous(path)
    _write(path, out.getvalue())
    return path


def versions(path: Path) -> list[Path]:
    """The previous versions kept of `path`, newest first."""
    folder = path.parent / VERSIONS
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}") if p.is_file()), reverse=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _keep_previous(target: Path) -> None:
    if target.is_file():
        folder = target.parent / VERSIONS
        folder.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        os.replace(target, folder / f"{target.stem}.{stamp}{target.suffix}")


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a hidden temporary file in the same folder, flushed, renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".unggah.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
