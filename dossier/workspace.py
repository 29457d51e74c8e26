"""Where things live in a workspace: inputs/<year>, build/<year>, archive/<year>, templates/."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from dossier.cells import put
from dossier.config import Settings, load_settings
from dossier.errors import Place, Problem, WorkspaceError, msg
from dossier.i18n import N_, _
from dossier.layout import REGISTER
from dossier.model import AwardYear
from dossier.rules import Edition, load_edition


@dataclass
class Workspace:
    """A dossier workspace folder and its settings."""

    root: Path

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.root)

    @property
    def inputs_root(self) -> Path:
        return self.root / "inputs"

    def years(self) -> list[int]:
        """The award years that have an inputs folder, oldest first."""
        if not self.inputs_root.is_dir():
            return []
        return sorted(int(p.name) for p in self.inputs_root.iterdir() if p.is_dir() and is_year(p.name))

    def year(self, year: int | str | None) -> int:
        """The year asked for, or the newest one under inputs/."""
        years = self.years()
        if year is None:
            if not years:
                raise WorkspaceError(
                    _("{folder}: no award year found. Expected a folder such as inputs/2024/ holding nominasi.xlsx; "
                      "run 'dossier init' to create one, or pass -C to choose another workspace.")
                    .format(folder=self.inputs_root)
                )
            return years[-1]
        year = check_year(year)
        if year not in years:
            found = ", ".join(map(str, years)) or _("none")
            raise WorkspaceError(_("{folder}: there is no award year {year} (years found: {found}).")
                                 .format(folder=self.inputs_root / str(year), year=year, found=found))
        return year

    def inputs(self, year: int) -> Path:
        return self.inputs_root / str(year)

    def check_has_lke(self, year: int) -> None:
        """Refuse a year whose lke/ holds no workbook yet when an earlier year exists: it was just started.

        After 'init --year 2026' every command works on 2026 by default; a user still finishing
        2025 is told so, rather than shown an error per unit.
        """
        earlier = [y for y in self.years() if y < year]
        folder = self.inputs(year) / "lke"
        workbooks = [p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith(("~$", "."))] \
            if folder.is_dir() else []
        if earlier and not workbooks:
            raise WorkspaceError(
                _("award year {year} has no LKE workbook yet (inputs/{year}/lke/ is empty): it was only just started. "
                  "To work on the previous year, add --year {previous}; for {year}, first put the units' filled LKE "
                  "workbooks into inputs/{year}/lke/.").format(year=year, previous=earlier[-1]))

    def build_dir(self, year: int) -> Path:
        return self.root / "build" / str(year)

    def archive_dir(self, year: int) -> Path:
        return self.root / "archive" / str(year)

    @property
    def templates(self) -> Path | None:
        """The workspace's own template overrides, if it has any."""
        folder = self.root / "templates"
        return folder if folder.is_dir() else None

    def edition(self, year: int) -> Edition:
        """The LKE edition that scores `year` (workspace rules/ first, then the built-in ones)."""
        return load_edition(self.settings.edition_for(year), (self.root / "rules",))

    def load(self, year: int, *, mapper=map, cache=None) -> AwardYear:
        """Read the register, every LKE workbook and the evidence of one award year.

        With `cache` (an LkeCache), workbooks unchanged since the last build are not read again.
        """
        from dossier.readers import read_award_year

        award_year = read_award_year(self.inputs(year), year, self.edition(year), mapper=mapper, cache=cache)
        award_year.problems.extend(self.settings_problems())
        return award_year

    def settings_problems(self) -> list[Problem]:
        """Warnings for empty settings a document needs: better said now than found as dotted lines in print."""
        from dossier.config import FILENAME, schema

        declared = dict(schema())
        needed = (
            ("tpi_lead", msg("write the TPI lead who signs each dossier, or the dossiers print a dotted line in its place")),
            ("tpi_nip", msg("write the NIP under that signature, or the dossiers print a dotted line in its place")),
        )
        return [
            Problem(Place(FILENAME, spot=declared[name].name), msg("empty"), "warning", fix=fix,
                    code="settings.signer.empty")
            for name, fix in needed
            if not getattr(self.settings, name).strip()
        ]


FIRST_YEAR, LAST_YEAR = 1900, 2999  # award years dossier accepts


def is_year(written: str) -> bool:
    """Whether a folder name or an option is an award year: ASCII digits, 1900-2999."""
    return written.isascii() and written.isdigit() and FIRST_YEAR <= int(written) <= LAST_YEAR


def check_year(value) -> int:
    """An award year given to the library; WorkspaceError when it is not one."""
    text = str(value).strip()
    if not is_year(text):
        raise WorkspaceError(
            _("award year {value!r}: expected a year from {first} to {last} written in the digits 0-9, e.g. 2024.")
            .format(value=text[:20], first=FIRST_YEAR, last=LAST_YEAR)
        )
    return int(text)


# The how-to `dossier init` leaves in the workspace, in the language spoken (Indonesian unless
# English is asked for). Its steps are the README's "yearly workflow", in the same order with
# the same commands (a test holds them together). One message, so a translator sees it whole.
HOWTO = N_("""\
DOSSIER WORKSPACE - HOW TO USE IT
=================================

Each award year has its own folder under inputs/ (for example inputs/{year}/).
Every command works on the current folder; add -C FOLDER to work on another.

1. Create the workspace (done):          dossier init
2. Fill in inputs/{year}/nominasi.xlsx: the award facts (sheet Penghargaan), one row
   per proposed unit (sheet Unit), quotes for the press release (Kutipan) and the
   units' innovations (Inovasi). Use the dropdowns for the predicates.
3. Make a blank LKE workbook for every unit that has none yet, and send it to the unit:
       dossier lke-template
   The workbooks are written to build/{year}/lke-kosong/, named "<code> LKE.xlsx".
   Run it again when a unit is added; --unit CODE writes one unit's again;
   --format resmi writes the official KemenPAN-RB form (sheet LKE ZI) instead.
4. Put each filled LKE workbook back into inputs/{year}/lke/. Its file name starts
   with the unit's code (UPT01 LKE.xlsx, UPT01-final.xlsx), or the register's column
   Berkas LKE names the file. Put the evidence files (bukti dukung) into
   inputs/{year}/bukti/. In the LKE, the Bukti Dukung column names each file relative
   to that bukti folder, for example UPT01/sk-tim.pdf, or gives a web address.
5. Check everything at once:            dossier validate
6. See the scores and the eligibility:  dossier score
7. Build the dossiers, packets, recap and press release:
       dossier build
   Everything is written to build/{year}/.
8. After the announcement, fill in the Hasil Penetapan and Kategori Penghargaan
   columns, then rebuild the recap and the press release:
       dossier report
9. Keep the year's PDFs, and later prove they were not changed:
       dossier archive
       dossier archive verify
10. The next year starts from this one:  dossier init --year {next_year}
   It copies the units into a new register; the predicates won become Predikat Saat Ini.

Settings (the TPI lead who signs, the logo, the LKE edition) are in dossier.toml.
""")


def create_workspace(root: Path, year: int) -> list[Path]:
    """Lay out a new workspace for `year`; refuse to overwrite anything that exists."""
    from dossier.config import DEFAULT_TOML, FILENAME
    from dossier.workbooks import write_register

    year_dir = root / "inputs" / str(year)
    targets = [root / FILENAME, year_dir / REGISTER, root / "CARA-PAKAI.txt"]
    existing = [p for p in targets if p.exists()]
    if existing:
        raise WorkspaceError(
            _("{path} already exists; 'dossier init' never overwrites. Choose an empty folder, or remove the file first.")
            .format(path=existing[0])
        )
    for folder in (year_dir / "lke", year_dir / "bukti"):
        folder.mkdir(parents=True, exist_ok=True)
    (root / FILENAME).write_text(DEFAULT_TOML, encoding="utf-8")
    write_register(year_dir / REGISTER, year)
    (root / "CARA-PAKAI.txt").write_text(_(HOWTO).format(year=year, next_year=year + 1), encoding="utf-8")
    return targets + [year_dir / "lke", year_dir / "bukti"]


def is_workspace(root: Path) -> bool:
    """Whether `root` already holds a workspace (its dossier.toml)."""
    from dossier.config import FILENAME

    return (root / FILENAME).is_file()


@dataclass
class NewYear:
    """What `start_year` laid out: the register, the year it was carried from, what was left behind."""

    register: Path
    carried_from: int | None
    units: int
    left_out: list[Problem]


def start_year(ws: Workspace, year: int) -> NewYear:
    """Lay out `inputs/<year>/` in an existing workspace, its register carried forward from the newest earlier year.

    The units stay; a predicate won last year (Hasil Penetapan WBK or WBBM) becomes the
    Predikat Saat Ini. Everything that belongs to one year is left empty for the new one: the
    ceremony and its name, the date of the proposal, the ministry's audit opinion and SAKIP
    rating, each unit's result, award category and who received it, the Berkas LKE and Berkas
    LKE TPI names, and the quotes. The office's own extra columns of the Unit sheet (Email PIC,
    No. HP PIC) are kept, unit by unit. dossier.toml is not touched.
    """
    import shutil

    from dossier.readers.register import read_register
    from dossier.workbooks import write_register

    target = ws.inputs(year)
    if target.exists():
        raise WorkspaceError(
            _("{folder} already exists: award year {year} is laid out already. "
              "'dossier init' never overwrites; choose another --year, or remove that folder first.")
            .format(folder=target, year=year)
        )
    earlier = [y for y in ws.years() if y < year and (ws.inputs(y) / REGISTER).is_file()]
    award, units, left_out, source = None, [], [], None
    if earlier:
        source = earlier[-1]
        previous = read_register(ws.inputs(source) / REGISTER, source, f"inputs/{source}/{REGISTER}")
        left_out = [p for p in previous.problems if p.kind == "unusable-row" or not previous.units_read]
        award = replace(
            previous.award, year=year, **YEAR_BOUND_AWARD,
        )
        units = [
            replace(
                u,
                current=u.result if u.result in ("WBK", "WBBM") else u.current,
                **YEAR_BOUND_UNIT, where="",
            )
            for u in previous.units
        ]
    try:
        for folder in (target / "lke", target / "bukti"):
            folder.mkdir(parents=True)
        write_register(target / REGISTER, year, award, units)
        if source is not None:
            carry_extra_columns(ws.inputs(source) / REGISTER, target / REGISTER, year)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a failed start leaves nothing behind
        raise
    return NewYear(target / REGISTER, source, len(units), left_out)


# What belongs to one award year only, left empty when the next year's register is carried forward.
YEAR_BOUND_AWARD: dict[str, Any] = {"ceremony_date": None, "ceremony_place": "", "opened_by": "", "attended_by": "", "event_name": "",
                                    "proposal_date": None, "bpk_opinion": "", "sakip": "",
                                    "evaluation_date": None, "national_evaluated": "", "national_awarded": ""}
YEAR_BOUND_UNIT: dict[str, Any] = {"result": "", "category": "", "recipient": "", "lke_file": "", "lke_tpi_file": ""}


def carry_extra_columns(previous: Path, target: Path, year: int) -> None:
    """Copy the Unit sheet's columns that are the office's own (Email PIC, No. HP PIC) into the new register.

    They are kept at the right of the new sheet, under their own headers, each value on its unit's row.
    """
    from copy import copy

    from openpyxl import load_workbook

    from dossier.layout import UNIT
    from dossier.readers.safety import name_key, sheet, text, value_at, workbook
    from dossier.workbook_style import save_workbook

    ours = {h.casefold() for h in UNIT.headers}
    with workbook(previous, previous.name) as book:
        ws = sheet(book, UNIT.sheet)
        if ws is None:
            return
        rows = list(ws.iter_rows(max_row=2000, values_only=True))
    code_key = UNIT.header("code").casefold()
    header_row = next((i for i, row in enumerate(rows[:20]) if code_key in [name_key(v) for v in row]), None)
    if header_row is None:
        return
    keys = [name_key(v) for v in rows[header_row]]
    code_col = keys.index(code_key) + 1
    extra = [(c, text(v)) for c, v in enumerate(rows[header_row], start=1) if text(v) and name_key(v) not in ours]
    if not extra:
        return
    values = {text(value_at(row, code_col)).upper(): row for row in rows[header_row + 1:] if text(value_at(row, code_col))}
    new = load_workbook(target)
    out = new[UNIT.sheet]
    first = out.max_column + 1
    for i, (_column, header) in enumerate(extra):
        put(out, 1, first + i, header).font = copy(out.cell(1, 1).font)
        out.column_dimensions[out.cell(1, first + i).column_letter].width = 18
    for r in range(2, out.max_row + 1):
        row = values.get(text(out.cell(r, 1).value).upper())
        if row is None:
            continue
        for i, (column, _header) in enumerate(extra):
            value = value_at(row, column)
            if value is not None and text(value):
                put(out, r, first + i, value)
    save_workbook(new, target, year)


def write_blank_lkes(ws: Workspace, year: int, codes: list[str], output: Path | None, layout: str = "dossier") -> list[Path]:
    """Write a blank LKE workbook for each unit of the register that has none in lke/, and for each unit named.

    `layout` "resmi" writes the official KemenPAN-RB form instead of our own.
    A unit without an LKE is the normal state at this step; only register rows that cannot
    be told apart (no code, a bad or repeated code) stop it.
    """
    from dossier.errors import InputErrors
    from dossier.official_template import write_official_template
    from dossier.readers.register import UNUSABLE_ROW
    from dossier.workbooks import write_lke_template

    award_year = ws.load(year)
    units = award_year.units
    unusable = [p for p in award_year.errors if p.kind == UNUSABLE_ROW]
    if not units:
        unusable += [p for p in award_year.errors if p.file == REGISTER and p not in unusable]
    if unusable:
        raise InputErrors(unusable)
    register = ws.inputs(year) / REGISTER
    if not units:
        raise WorkspaceError(_("{register}: sheet Unit lists no units yet; add one row per unit first.")
                             .format(register=register))
    known = {u.code.upper(): u for u in units}
    unknown = [c for c in codes if c.upper() not in known]
    if unknown:
        listed = ", ".join(u.code for u in units)
        raise WorkspaceError(_("{register}: no unit with code {codes} in sheet Unit (codes: {known}).")
                             .format(register=register, codes=", ".join(unknown), known=listed))
    wanted = {known[c.upper()].code for c in codes} if codes else {u.code for u in units if u.code not in award_year.lke}
    folder = output or ws.build_dir(year) / "lke-kosong"
    edition = ws.edition(year)
    written = []
    for unit in units:
        if unit.code not in wanted:
            continue
        path = folder / (f"{unit.code} LKE ZI.xlsx" if layout == "resmi" else f"{unit.code} LKE.xlsx")
        write = write_official_template if layout == "resmi" else write_lke_template
        write(path, edition, unit_code=unit.code, unit_name=unit.name, year=year, ministry=award_year.award.ministry)
        written.append(path)
    return written
