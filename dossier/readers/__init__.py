"""Spreadsheets -> model, with problems that name the file, sheet and cell.

`read_award_year` reads the register, every LKE workbook and the evidence they
name, cross-checks them, and collects every problem instead of stopping at
the first; only a missing register stops it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dossier.errors import Problem, WorkspaceError
from dossier.layout import LKE_UNIT_LABEL, REGISTER, UNIT
from dossier.model import AwardYear, Lke
from dossier.readers.cache import LkeCache
from dossier.readers.lke import LkeRead, read_own_lke
from dossier.readers.official import is_official, read_official
from dossier.readers.register import read_register
from dossier.rules import Edition

LKE_SUFFIXES = (".xlsx", ".xlsm")
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
    if not register_path.is_file():
        raise WorkspaceError(
            f"{register_path}: the award year's register is missing; every award year needs "
            f"inputs/{year}/{REGISTER} (run 'dossier init' to create a blank one)"
        )
    register = read_register(register_path, year, REGISTER)
    problems: list[Problem] = list(register.problems)
    units = {u.code.upper(): u for u in register.units}
    known = ", ".join(u.code for u in register.units) or "none"
    found: dict[str, Lke] = {}
    paths = lke_files(inputs / "lke", problems)
    jobs = [(path, path.relative_to(inputs).as_posix(), edition, inputs / "bukti") for path in paths]
    results = {job[1]: cache.get(job[1], job[0]) for job in jobs} if cache else {}
    unread = [job for job in jobs if results.get(job[1]) is None]
    for job, result in zip(unread, mapper(_read_lke, unread)):
        results[job[1]] = result
        if cache:
            cache.put(job[1], job[0], result)
    for rel, result in ((job[1], results[job[1]]) for job in jobs):
        problems.extend(result.problems)
        lke = result.lke
        if lke is None:
            continue
        unit = units.get(lke.unit_code.upper())
        if unit is None:
            if register.units_read:
                problems.append(
                    Problem(
                        result.code_where or rel,
                        f"{LKE_UNIT_LABEL} '{lke.unit_code}' is not a unit of {REGISTER} (sheet {UNIT.sheet}); "
                        f"expected one of {known}, or add the unit to the register",
                    )
                )
            continue
        if unit.code in found:
            problems.append(
                Problem(
                    result.code_where or rel,
                    f"unit {unit.code} already has an LKE workbook, {found[unit.code].source}; "
                    f"keep one workbook per unit and remove the other",
                )
            )
            continue
        found[unit.code] = replace(lke, unit_code=unit.code)
    for unit in register.units:
        if unit.code not in found:
            problems.append(
                Problem(
                    unit.where,
                    f"unit {unit.code} has no LKE workbook in lke/ (or its workbook could not be read); "
                    f"put its filled LKE there ('dossier lke-template' writes a blank one)",
                )
            )
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


def lke_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The LKE workbooks in `folder`, by name; lock and hidden files skipped, other spreadsheets reported."""
    if not folder.is_dir():
        problems.append(Problem("lke/", "the folder lke/ is missing; put each unit's filled LKE workbook (.xlsx) there"))
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
            problems.append(Problem(rel, f"not read: '{suffix}' files are not supported; save it as an Excel workbook (.xlsx)"))
        else:
            problems.append(Problem(rel, "ignored: only Excel workbooks (.xlsx, .xlsm) are read from lke/", "warning"))
    return workbooks
