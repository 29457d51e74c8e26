"""Where things live in a workspace: inputs/<year>, build/<year>, archive/<year>, templates/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from dossier.config import Settings, load_settings
from dossier.errors import WorkspaceError
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
        return sorted(int(p.name) for p in self.inputs_root.iterdir() if p.is_dir() and p.name.isdigit())

    def year(self, year: int | None) -> int:
        """The year asked for, or the newest one under inputs/."""
        years = self.years()
        if year is None:
            if not years:
                raise WorkspaceError(
                    f"{self.inputs_root}: no award year found. Expected a folder such as inputs/2024/ "
                    f"holding nominasi.xlsx; run 'dossier init' to create one, or pass -C to choose another workspace."
                )
            return years[-1]
        if year not in years:
            found = ", ".join(map(str, years)) or "none"
            raise WorkspaceError(f"{self.inputs_root / str(year)}: there is no award year {year} (years found: {found}).")
        return year

    def inputs(self, year: int) -> Path:
        return self.inputs_root / str(year)

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

        return read_award_year(self.inputs(year), year, self.edition(year), mapper=mapper, cache=cache)


HOWTO = """\
DOSSIER WORKSPACE - HOW TO USE IT
=================================

Each award year has its own folder under inputs/ (for example inputs/{year}/).

1. Fill in inputs/{year}/nominasi.xlsx: the award facts (sheet Penghargaan), one row
   per proposed unit (sheet Unit), quotes for the press release (Kutipan) and the
   units' innovations (Inovasi). Use the dropdowns for the predicates.
2. Make a blank LKE workbook for every unit and send it to the unit:
       dossier lke-template
   The workbooks are written to build/{year}/lke-kosong/.
3. Put each filled LKE workbook back into inputs/{year}/lke/ (any file name), and
   the evidence files (bukti dukung) into inputs/{year}/bukti/. In the LKE, the
   Bukti Dukung column names each file relative to that bukti folder, for example
   UPT01/sk-tim.pdf, or gives a web address.
4. Check everything at once:            dossier validate
5. See the scores and the eligibility:  dossier score
6. Build the dossiers, packets, recap and press release:
       dossier build
   Everything is written to build/{year}/.
7. After the announcement, fill in the Hasil Penetapan column and run dossier build
   again for the press release; then keep the year's PDFs with dossier archive.

Settings (the TPI lead who signs, the logo, the LKE edition) are in dossier.toml.
"""


def create_workspace(root: Path, year: int) -> list[Path]:
    """Lay out a new workspace for `year`; refuse to overwrite anything that exists."""
    from dossier.config import DEFAULT_TOML, FILENAME
    from dossier.workbooks import write_register

    year_dir = root / "inputs" / str(year)
    targets = [root / FILENAME, year_dir / REGISTER, root / "CARA-PAKAI.txt"]
    existing = [p for p in targets if p.exists()]
    if existing:
        raise WorkspaceError(
            f"{existing[0]} already exists; 'dossier init' never overwrites. "
            f"Choose an empty folder, or remove the file first."
        )
    for folder in (year_dir / "lke", year_dir / "bukti"):
        folder.mkdir(parents=True, exist_ok=True)
    (root / FILENAME).write_text(DEFAULT_TOML, encoding="utf-8")
    write_register(year_dir / REGISTER, year)
    (root / "CARA-PAKAI.txt").write_text(HOWTO.format(year=year), encoding="utf-8")
    return targets + [year_dir / "lke", year_dir / "bukti"]


def write_blank_lkes(ws: Workspace, year: int, codes: list[str], output: Path | None, layout: str = "dossier") -> list[Path]:
    """Write a blank LKE workbook per unit of the register (or only the units named); `layout` "resmi" is the official form."""
    from dossier.official_template import write_official_template
    from dossier.errors import InputErrors
    from dossier.workbooks import write_lke_template

    award_year = ws.load(year)
    register_errors = [p for p in award_year.errors if p.where.startswith(REGISTER)]
    if register_errors:
        raise InputErrors(register_errors)
    units = award_year.units
    unknown = [c for c in codes if c not in {u.code for u in units}]
    if unknown:
        known = ", ".join(u.code for u in units) or "none"
        raise WorkspaceError(f"{ws.inputs(year) / 'nominasi.xlsx'}: no unit with code {', '.join(unknown)} in sheet Unit (codes: {known}).")
    if not units:
        raise WorkspaceError(f"{ws.inputs(year) / 'nominasi.xlsx'}: sheet Unit lists no units yet; add one row per unit first.")
    folder = output or ws.build_dir(year) / "lke-kosong"
    edition = ws.edition(year)
    written = []
    for unit in units:
        if codes and unit.code not in codes:
            continue
        path = folder / (f"{unit.code} LKE ZI.xlsx" if layout == "resmi" else f"LKE {unit.code}.xlsx")
        write = write_official_template if layout == "resmi" else write_lke_template
        write(path, edition, unit_code=unit.code, unit_name=unit.name, year=year, ministry=award_year.award.ministry)
        written.append(path)
    return written
