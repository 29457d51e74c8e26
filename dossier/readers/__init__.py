"""Spreadsheets -> model, with problems that name the file, sheet and cell.

`read_award_year` reads the register, every LKE workbook and the evidence they
name, cross-checks them, and collects every problem instead of stopping at
the first; only a missing register stops it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from dossier.errors import Message, Place, Problem, WorkspaceError, msg
from dossier.i18n import _
from dossier.layout import LKE_UNIT_LABEL, REGISTER, UNIT
from dossier.model import Answer, AwardYear, Lke, Unit
from dossier.readers.cache import LkeCache
from dossier.readers.evidence import report_without_evidence
from dossier.readers.lke import LkeRead, read_own_lke
from dossier.readers.official import read_official
from dossier.readers.official_form import is_official
from dossier.readers.register import Register, read_register
from dossier.rules import Edition

BERKAS = UNIT.header("lke_file")  # the register's optional column naming a unit's LKE file
BERKAS_TPI = UNIT.header("lke_tpi_file")  # ... and the one naming the unit's TPI workbook
LKE_SUFFIXES = (".xlsx", ".xlsm")
# A second workbook of a unit holding the TPI's answers (as the official layout has no TPI columns):
# "TPI" as a word in its file name, e.g. "UPT01 LKE ZI TPI.xlsx" or "UPT01_tpi.xlsx", or named in its `Berkas LKE TPI`.
TPI_NAME = re.compile(r"(?<![a-z])tpi(?![a-z])", re.IGNORECASE)
# Spreadsheets in lke/ that are not read: said so, rather than silently skipped.
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".csv", ".numbers")

__all__ = ["read_award_year", "read_lke", "read_register"]


def read_lke(path: Path, rel: str, edition: Edition, bukti: Path) -> LkeRead:
    """Read one LKE workbook, in dossier's own layout or the official KemenPAN-RB one, into the same model."""
    if is_official(path, rel):
        return read_official(path, rel, edition, bukti)
    return read_own_lke(path, rel, edition, bukti)


def _read_lke(job: tuple) -> LkeRead:
    """Read one LKE workbook; a module-level function so worker processes can run it."""
    return read_lke(*job)


def read_award_year(inputs: Path, year: int, edition: Edition, *, mapper=map, cache: LkeCache | None = None) -> AwardYear:
    """Read `inputs/<year>`: the register, every LKE workbook and its evidence; collect every problem.

    `mapper` reads the LKE workbooks (a process pool's `map` reads them in parallel); results
    come back in order, so problems are listed the same way whatever reads them. With
    `cache`, workbooks unchanged since the last read are not read again (the caller saves it).
    """
    register_path = inputs / REGISTER
    others = register_copies(inputs)
    if not register_path.is_file():
        if others:
            raise WorkspaceError(
                _("{path}: the award year's register is missing, but the folder holds {found}; "
                  "save the register as inputs/{year}/{register} (an Excel workbook, .xlsx) and run again")
                .format(path=register_path, found=", ".join(p.name for p in others), year=year, register=REGISTER)
            )
        raise WorkspaceError(
            _("{path}: the award year's register is missing; every award year needs "
              "inputs/{year}/{register} (run 'dossier init' to create a blank one)")
            .format(path=register_path, year=year, register=REGISTER)
        )
    # A cache may keep the register too (the web server's, by content): `register(path, year)`.
    kept = getattr(cache, "register", None)
    register = kept(register_path, year) if kept else read_register(register_path, year, REGISTER)
    problems: list[Problem] = list(register.problems)
    problems.extend(newer_copies(register_path, others))
    paths = lke_files(inputs / "lke", problems)
    jobs = [(path, path.relative_to(inputs).as_posix(), edition, inputs / "bukti") for path in paths]
    results = {job[1]: cache.get(job[1], job[0]) for job in jobs} if cache else {}
    unread = [job for job in jobs if results.get(job[1]) is None]
    for job, result in zip(unread, mapper(_read_lke, unread)):
        results[job[1]] = result
        if cache:
            cache.put(job[1], job[0], result)
    reads = [read for job in jobs if (read := results[job[1]]) is not None]  # all of them: each job is read by now
    for result in reads:
        problems.extend(result.problems)
    named = tpi_named(register, [Path(r.source).name for r in reads], problems)
    reviews = [r for r in reads if _names_tpi(Path(r.source).name, register) or _name_key(Path(r.source).name) in named]
    found = match_units(register, [r for r in reads if r not in reviews], problems)
    reviewed = merge_reviews(register, reviews, found, problems, edition, named) if reviews else {}
    for unit in register.units:
        if unit.code in found:
            report_without_evidence(found[unit.code], edition, problems)
    _name_units(problems, {lke.source: code for code, lke in found.items()} | reviewed)
    return AwardYear(
        year=year,
        edition=edition.name,
        inputs=inputs,
        award=register.award,
        units=register.units,
        quotes=register.quotes,
        lke={u.code: found[u.code] for u in register.units if u.code in found},
        problems=problems,
    )


def _name_units(problems: list[Problem], units: dict[str, str]) -> None:
    """Say which unit each workbook's problems concern (`units`: workbook -> unit code), once matched."""
    problems[:] = [replace(p, unit=units[p.file]) if not p.unit and p.file in units else p for p in problems]


def _row_of(register: Register, unit: Unit) -> Place:
    """Where a unit's row is in the register."""
    return register.unit_cells.get(unit.code) or Place(REGISTER)


# Other files beside the register that look like it: a CSV export, a cloud-sync conflict copy ("nominasi (1).xlsx").
REGISTER_LIKE = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


def register_copies(inputs: Path) -> list[Path]:
    """Files in the year's folder named like the register but not it: nominasi.csv, nominasi (1).xlsx, Nominasi-revisi.xlsx."""
    stem = Path(REGISTER).stem.casefold()
    if not inputs.is_dir():
        return []
    return sorted(p for p in inputs.iterdir()
                  if p.is_file() and p.name != REGISTER and not p.name.startswith(("~$", ".~lock", "."))
                  and p.suffix.casefold() in REGISTER_LIKE and p.stem.casefold().startswith(stem))


def newer_copies(register: Path, others: list[Path]) -> list[Problem]:
    """A warning for each copy of the register saved after it: the corrections may be in the copy, not read."""
    mtime = register.stat().st_mtime
    return [Problem(Place(other.name), msg("this file is newer than {register}, which is the one read", register=REGISTER),
                    "warning", fix=msg("if it holds the register's corrections, save it as {register} in its place, "
                                       "else delete it", register=REGISTER),
                    code="register.copy.newer")
            for other in others if other.stat().st_mtime > mtime]


# A file belongs to a unit when its name starts with the unit's code and then one of these.
CODE_ENDS = " -_."


def match_units(register: Register, reads: list[LkeRead], problems: list[Problem]) -> dict[str, Lke]:
    """Give each LKE workbook read to its unit of the register; report every file or unit left over.

    A workbook belongs to the unit whose `Berkas LKE` names its file; else to the unit whose
    code starts its file name (followed by a space, '-', '_' or '.'); else to the unit its
    own `Kode Unit` cell names (the workbooks `dossier lke-template` writes). Nothing is
    dropped silently: a file that fits no unit or several, and a unit left without a
    workbook, are errors; where a code is close to another, the message says which was meant.
    """
    units = register.units
    by_code = {u.code.upper(): u for u in units}
    named = {_berkas(u): u for u in units if u.lke_file}
    read_names = {_name_key(Path(r.source).name) for r in reads}
    for listed in units:
        if listed.lke_file and _berkas(listed) not in read_names:
            names = [Path(r.source).name for r in reads]
            problems.append(_no_such_file(_row_of(register, listed), BERKAS, listed.code, listed.lke_file, names))
    found: dict[str, Lke] = {}
    unmatched: list[tuple[Place, str, bool]] = []  # (where, the code or file name, whether a cell named it)
    for result in reads:
        lke = result.lke
        if lke is None:
            continue
        name = Path(result.source).name
        where = result.code_where or Place(result.source)
        in_cell = bool(result.code_where and result.code_where.cell)  # our own template names its unit in a cell; the official form does not
        unit = named.get(_name_key(name))
        how: Message | str = msg("its {column} in {register}", column=BERKAS, register=REGISTER)
        if unit is None:
            prefixed = [u for u in units if starts_with_code(name, u.code) and not u.lke_file]
            if len(prefixed) > 1:
                problems.append(Problem(
                    Place(result.source),
                    msg("the file name fits several units: {units}", units=_listed(u.code for u in prefixed)),
                    fix=msg("rename the file, or name it in the {column} column of the right unit in {register} (sheet {sheet})",
                            column=BERKAS, register=REGISTER, sheet=UNIT.sheet),
                    code="match.file.several_units",
                ))
                continue
            unit = prefixed[0] if prefixed else None
            how = msg("its file name")
        if unit is None and in_cell:
            unit = by_code.get(lke.unit_code.upper())
            if unit is not None and unit.lke_file:
                said: dict[str, object] = {"label": LKE_UNIT_LABEL, "unit": unit.code, "column": BERKAS}
                problems.append(Problem(
                    where,
                    msg("{label} is {unit}, but {register} names '{file}' as that unit's {column}",
                        register=REGISTER, file=unit.lke_file, **said),
                    fix=msg("correct {label}, or the {column} of unit {unit}", **said),
                    code="match.unit_code.named_elsewhere", unit=unit.code,
                ))
                continue
            how = LKE_UNIT_LABEL
        if unit is None:
            if register.units_read:
                unmatched.append((where, lke.unit_code, True) if in_cell else (Place(result.source), name, False))
            continue
        if in_cell and how != LKE_UNIT_LABEL and lke.unit_code.upper() != unit.code.upper():
            problems.append(Problem(
                where,
                msg("{label} is '{written}', but {how} makes this the workbook of unit {unit}",
                    label=LKE_UNIT_LABEL, written=lke.unit_code, how=how, unit=unit.code),
                fix=msg("correct {label} or the file name", label=LKE_UNIT_LABEL),
                code="match.unit_code.differs", unit=unit.code,
            ))
            continue
        if unit.code in found:
            problems.append(Problem(
                where,
                msg("unit {unit} already has an LKE workbook, {file}", unit=unit.code, file=found[unit.code].source),
                fix=msg("keep one workbook per unit and remove the other"),
                code="match.unit.two_workbooks", unit=unit.code,
            ))
            continue
        found[unit.code] = replace(lke, unit_code=unit.code)
    left = [u for u in units if u.code not in found]
    for where, written, in_cell in unmatched:
        near = _close(written, [u.code for u in left] or [u.code for u in units])
        if not near and not in_cell:  # "LKE ZI Phala Martha revisi.xlsx": named by the unit's name, not its code
            near = _named(written, left) or _named(written, units)
        codes = _listed(u.code for u in units)
        said = {"label": LKE_UNIT_LABEL, "written": written, "register": REGISTER, "sheet": UNIT.sheet,
                "near": near[0] if near else "", "codes": codes, "column": BERKAS}
        what = (msg("{label} '{written}' is not a unit of {register} (sheet {sheet}), so this LKE is not used", **said)
                if in_cell else msg("the file name fits no unit of {register} (sheet {sheet}), so this LKE is not used", **said))
        if in_cell and near:
            fix = msg("it is probably unit {near}: write {near} in {label}, or add the unit to the register", **said)
        elif in_cell:
            fix = msg("expected one of {codes}, or add the unit to the register", **said)
        elif near:
            fix = msg("it is probably unit {near}: start the file name with {near}, or name the file in the unit's "
                      "{column} column", **said)
        else:
            fix = msg("start the file name with the unit's code ({codes}), or name the file in the unit's {column} column",
                      **said)
        problems.append(Problem(where, what, fix=fix, code="match.workbook.no_unit"))
    for unit in left:
        near = _close(unit.code, [w for _, w, _ in unmatched]) or [
            w for _, w, in_cell in unmatched if not in_cell and _named(w, left) == [unit.code]]
        problems.append(Problem(
            _row_of(register, unit),
            msg("unit {unit} has no LKE workbook in lke/ (or its workbook could not be read)", unit=unit.code),
            fix=msg("the workbook of '{near}' is probably this unit's", near=near[0]) if near else
            msg("put its filled LKE there, its file name starting with the unit's code "
                "('dossier lke-template' writes a blank one)"),
            code="match.unit.no_workbook", unit=unit.code,
        ))
    return found


def tpi_named(register: Register, names: list[str], problems: list[Problem]) -> dict[str, Unit]:
    """The units' `Berkas LKE TPI`: compared file name -> unit; a name lke/ lacks, or one two units give, is a problem."""
    named: dict[str, Unit] = {}
    for unit in register.units:
        if not unit.lke_tpi_file:
            continue
        key = _file_key(unit.lke_tpi_file)
        where = register.tpi_cells.get(unit.code) or _row_of(register, unit)
        if key in named:
            problems.append(Problem(
                where,
                msg("{column} of unit {unit} is '{file}', which is already the {column} of unit {other}",
                    column=BERKAS_TPI, unit=unit.code, file=unit.lke_tpi_file, other=named[key].code),
                fix=msg("each unit needs its own TPI workbook: correct one of the two"),
                code="match.tpi.named_twice", unit=unit.code,
            ))
            continue
        named[key] = unit
        if key not in {_name_key(n) for n in names}:
            problems.append(_no_such_file(where, BERKAS_TPI, unit.code, unit.lke_tpi_file, names))
    return named


def merge_reviews(
    register: Register, reviews: list[LkeRead], found: dict[str, Lke], problems: list[Problem], edition: Edition,
    named: dict[str, Unit] | None = None,
) -> dict[str, str]:
    """Give each TPI workbook to its unit, and merge it into the unit's as the TPI's review; return workbook -> unit.

    A workbook `named` in a unit's `Berkas LKE TPI` is that unit's; the others go to their units as
    the units' own workbooks do (by file name, or the `Kode Unit` cell).
    """
    named = named or {}
    matching: list[Problem] = []
    matched = match_units(register, [r for r in reviews if _name_key(Path(r.source).name) not in named], matching)
    sources = {r.source for r in reviews}
    reviewed: dict[str, str] = {}
    # Only what concerns the TPI's files: that a unit has no TPI workbook is no problem.
    problems.extend(p for p in matching if p.file in sources)
    for review in reviews:
        unit = named.get(_name_key(Path(review.source).name))
        if unit is None or review.lke is None:
            continue
        if review.code_where and review.code_where.cell and review.lke.unit_code.upper() != unit.code.upper():
            problems.append(Problem(
                review.code_where,
                msg("{label} is '{written}', but the {column} of unit {unit} in {register} names this workbook",
                    label=LKE_UNIT_LABEL, written=review.lke.unit_code, column=BERKAS_TPI, unit=unit.code, register=REGISTER),
                fix=msg("correct {label} or the {column}", label=LKE_UNIT_LABEL, column=BERKAS_TPI),
                code="match.tpi.unit_code_differs", unit=unit.code,
            ))
            continue
        if unit.code in matched:
            problems.append(Problem(
                Place(review.source),
                msg("unit {unit} already has a TPI workbook, {file}, and its {column} names this one too",
                    unit=unit.code, file=matched[unit.code].source, column=BERKAS_TPI),
                fix=msg("keep one TPI workbook per unit and remove the other"),
                code="match.tpi.two_workbooks", unit=unit.code,
            ))
            continue
        matched[unit.code] = replace(review.lke, unit_code=unit.code)
    for code, tpi in matched.items():
        reviewed[tpi.source] = code
        if code in found:
            found[code] = with_review(found[code], tpi, edition, problems)
        else:
            problems.append(Problem(Place(tpi.source),
                                    msg("{file} holds the TPI's answers for unit {unit}, but the unit's own LKE workbook "
                                        "is missing", file=tpi.source, unit=code),
                                    fix=msg("put it in lke/ beside the TPI's"), code="match.tpi.no_own_workbook", unit=code))
    return reviewed


def with_review(own: Lke, review: Lke, edition: Edition, problems: list[Problem] | None = None) -> Lke:
    """The unit's workbook with what the TPI's workbook changed or wrote anew as the TPI's review.

    The TPI's workbook is most often a copy of the unit's: an answer or note it repeats word for
    word is the unit's, not the TPI's. Where the unit's own workbook already holds a TPI answer
    (its Jawaban TPI) and the TPI's workbook another, the TPI's workbook counts, said in `problems`.
    The two are compared in the one field the indicator's kind in `edition` answers with: a
    TPI index of 0 or a count of 0 is an answer like any other.
    """
    answers = dict(own.answers)
    for code, tpi in review.answers.items():
        answer = answers.get(code) or Answer(code)
        values: dict[str, Any] = {}
        if tpi.choice is not None and tpi.choice != answer.choice:
            values["tpi_choice"] = tpi.choice
        if tpi.counts:
            changed = {n: c for n, c in tpi.counts.items() if (answer.counts or {}).get(n) != c}
            if changed:
                values["tpi_counts"] = changed
        if tpi.index is not None and tpi.index != answer.index:
            values["tpi_index"] = tpi.index
        note = _written_anew(tpi.note or tpi.tpi_note, answer.note)
        if not (values or note):
            continue
        kind = edition.indicators[code].kind if code in edition.indicators else ""
        field = {"count": "tpi_counts", "index": "tpi_index"}.get(kind, "tpi_choice")
        mine, theirs = getattr(answer, field), values.get(field)
        if mine is not None and theirs is not None and mine != theirs and problems is not None:
            place = Place.in_file(own.source, answer.where_tpi.removeprefix(f"{own.source}, "))
            problems.append(Problem(
                place,
                msg("the TPI's answer for {code} is '{own}' here, in the unit's own workbook, but '{review}' in the "
                    "TPI's workbook ({where})", code=code, own=_shown(mine), review=_shown(theirs), where=tpi.where),
                "warning", fix=msg("the TPI's workbook counts: clear the Jawaban TPI here if that is right"),
                code="match.tpi.answered_in_both", unit=own.unit_code, indicator=code))
        answers[code] = replace(answer, tpi_note=note or answer.tpi_note, where_tpi=tpi.where if values else answer.where_tpi,
                                **values)
    return replace(own, answers=answers)


def _written_anew(note: str, unit_note: str) -> str:
    """What the TPI wrote in a copy of the unit's notes: nothing if the same, what it added after them."""
    theirs, mine = " ".join(note.split()), " ".join(unit_note.split())
    if not theirs or theirs == mine:
        return ""
    if mine and theirs.startswith(mine):
        return theirs[len(mine):].strip(" \n;,.-")
    return note.strip()


def _shown(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{n}: {c}" for n, c in sorted(value.items()))
    return str(value)


def _names_tpi(name: str, register: Register) -> bool:
    """True for a file name with "TPI" as a word besides the unit codes it holds, and not named in a `Berkas LKE`.

    Fish auction sites (Tempat Pelelangan Ikan) are often coded TPI01: their own `TPI01 LKE.xlsx`
    or `LKE TPI01.xlsx` is no TPI review, while `TPI01 LKE TPI.xlsx` is.
    """
    if _name_key(name) in {_berkas(u) for u in register.units if u.lke_file}:
        return False
    stem = Path(name).stem
    for code in sorted((u.code for u in register.units), key=len, reverse=True):
        stem = re.sub(rf"(?<![a-z0-9]){re.escape(code)}(?![a-z0-9])", " ", stem, flags=re.IGNORECASE)
    return bool(TPI_NAME.search(stem))


def _berkas(unit) -> str:
    """The file name a unit's `Berkas LKE` gives, as compared: 'lke/UPT01 Final.xlsx' -> 'upt01 final.xlsx'."""
    return _file_key(unit.lke_file)


def _file_key(written: str) -> str:
    """A file name as written in the register, as compared: 'lke\\UPT01 TPI.xlsx' -> 'upt01 tpi.xlsx'."""
    return _name_key(Path(written.replace("\\", "/")).name)


def _name_key(name: str) -> str:
    """A file name as compared: case and Unicode composition aside (macOS writes 'é' as e + an accent)."""
    return unicodedata.normalize("NFC", name).casefold()


def starts_with_code(name: str, code: str) -> bool:
    """'UPT01 LKE.xlsx', 'upt01-final.xlsx' and 'UPT01.xlsx' start with the code UPT01; 'UPT011.xlsx' does not."""
    return len(name) > len(code) and name[: len(code)].upper() == code.upper() and name[len(code)] in CODE_ENDS


def _code_key(code: str) -> str:
    """A code as a person may mistype it: 'UPT 04', 'upt04', 'UPT-4' and 'UPT4' all read 'upt4'."""
    squashed = re.sub(r"[\s_.-]+", "", Path(code).stem if code.lower().endswith((".xlsx", ".xlsm")) else code).casefold()
    return re.sub(r"(?<!\d)0+(?=\d)", "", squashed)


def _close(written: str, codes) -> list[str]:
    """The codes `written` probably meant: the same once spaces, case and leading zeros are set aside,
    else the one code inside it, else the most alike."""
    codes = list(dict.fromkeys(codes))
    key = _code_key(written)
    same = [c for c in codes if _code_key(c) == key]
    if same:
        return same
    inside = [  # 'Formulir UPT04 final.xlsx' holds the code UPT04, either way round
        c for c in codes if min(len(_code_key(c)), len(key)) > 2 and (_code_key(c) in key or key in _code_key(c))
    ]
    if len(inside) == 1:
        return inside
    keys = {_code_key(c): c for c in codes}
    return [keys[k] for k in difflib.get_close_matches(key, list(keys), n=1, cutoff=0.75)]


# Words of a unit's name that tell no unit from another.
GENERIC_WORDS = frozenset("""balai besar kantor unit upt loka pusat dinas badan direktorat sekolah rumah sakit
    kelas dan di the of lke zi zona integritas wbk wbbm revisi final""".split())


def _named(file_name: str, units) -> list[str]:
    """The one unit whose name the file name carries ('LKE ZI Phala Martha revisi.xlsx' -> the unit named
    '... Phala Martha'): the most of its telling words, at least two or all of them; [] if none or a tie."""
    def telling(text: str) -> list[str]:
        words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).casefold())
        return [w for w in words if w not in GENERIC_WORDS and len(w) > 2 and not w.isdigit()]

    in_file = set(telling(Path(file_name).stem))
    scored = []
    for unit in units:
        own = set(telling(unit.name))
        shared = len(own & in_file)
        if own and (shared >= 2 or shared == len(own)):
            scored.append((shared, unit.code))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return []
    return [scored[0][1]]


def _listed(codes) -> Message | str:
    return ", ".join(codes) or msg("none")


def _no_such_file(where: Place, column: str, unit: str, written: str, names: list[str]) -> Problem:
    """The problem of a `Berkas LKE` or `Berkas LKE TPI` naming a file lke/ lacks, with the name probably meant."""
    near = _close(written, names)
    said = {"column": column, "unit": unit, "file": written}
    if near:
        return Problem(where, msg("{column} of unit {unit} is '{file}', but lke/ holds no such workbook", **said),
                       fix=msg("did you mean '{near}'?", near=near[0]), code="match.file.not_found", unit=unit)
    return Problem(where, msg("{column} of unit {unit} is '{file}', but lke/ holds no such workbook (workbooks found: {found})",
                              found=_listed(names), **said), code="match.file.not_found", unit=unit)


def lke_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The LKE workbooks in `folder`, by name; lock and hidden files skipped, other spreadsheets reported."""
    if not folder.is_dir():
        problems.append(Problem(Place("lke/"), msg("the folder lke/ is missing"),
                                fix=msg("put each unit's filled LKE workbook (.xlsx) there"), code="lke.folder.missing"))
        return []
    workbooks = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith(("~$", ".")) or not path.is_file():
            continue  # Excel's lock files (~$x.xlsx), LibreOffice's (.~lock.x#), hidden files, folders
        suffix = path.suffix.lower()
        rel = f"lke/{name}"
        if suffix in LKE_SUFFIXES or suffix == ".xls":  # .xls is refused with advice by the reader
            workbooks.append(path)
        elif suffix in OTHER_SPREADSHEETS:
            problems.append(Problem(Place(rel), msg("not read: '{suffix}' files are not supported", suffix=suffix),
                                    fix=msg("save it as an Excel workbook (.xlsx)"), code="lke.file.not_supported"))
        else:
            problems.append(Problem(Place(rel), msg("ignored: only Excel workbooks (.xlsx, .xlsm) are read from lke/"),
                                    "warning", code="lke.file.ignored"))
    return workbooks
