"""Synthesise a large award year for the benchmark: N units built from the sample year's pieces.

Units, profiles and answers vary per unit but deterministically (a seeded
random.Random), so two runs benchmark the same dossiers. Evidence files are the
sample year's, rendered once and copied under each unit's own folder (the paths
differ, so every unit's packet reads its own files).
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import tempfile
from pathlib import Path

from dossier import sample
from dossier.model import Innovation, Unit
from dossier.rules import load_edition
from dossier.workbooks import write_lke_template, write_register

YEAR = 2024
CITIES = [
    ("Bitung", "Sulawesi Utara"), ("Kupang", "Nusa Tenggara Timur"), ("Mataram", "Nusa Tenggara Barat"),
    ("Ambon", "Maluku"), ("Makassar", "Sulawesi Selatan"), ("Sorong", "Papua Barat Daya"),
    ("Belawan", "Sumatera Utara"), ("Tanjung Pinang", "Kepulauan Riau"), ("Cilacap", "Jawa Tengah"),
    ("Banyuwangi", "Jawa Timur"), ("Pontianak", "Kalimantan Barat"), ("Kendari", "Sulawesi Tenggara"),
    ("Ternate", "Maluku Utara"), ("Merauke", "Papua Selatan"), ("Padang", "Sumatera Barat"),
]
KINDS = [
    ("Balai Pengawasan Sumber Daya Maritim", sample.UPT), ("Balai Karantina Hasil Laut", sample.UPT),
    ("Stasiun Pemantauan Pesisir", sample.UPT), ("Loka Riset Budidaya Laut", sample.UPT),
    ("Balai Diklat Maritim", sample.DIKLAT),
]
HEADS = ["Ir. Hendrik Mamahit, M.Si.", "drh. Maria Goreti Bunga", "Dr. Yohana Latuconsina, S.Pi., M.Si.",
         "Andi Muhammad Rusdi, S.Pi., M.M.", "Yakobus Kambu, S.Sos.", "Siti Rahmawati, S.E., M.Ak.",
         "I Gede Putu Artawan, S.T.", "Rudi Hartono Simanjuntak, S.H."]


def synth_units(n: int, seed: int = 2024) -> list[tuple[Unit, sample.Profile, str]]:
    """N units with their answering profiles and the sample unit whose evidence they copy."""
    rng = random.Random(f"bench-{seed}")
    bases = list(sample.PROFILES)
    units = []
    for i in range(n):
        base = bases[i % len(bases)]
        template = next(u for u in sample.UNITS if u.code == base)
        profile = sample.PROFILES[base]
        code = f"U{i + 1:03d}"
        city, province = CITIES[rng.randrange(len(CITIES))]
        prefix, kind = KINDS[rng.randrange(len(KINDS))]
        wbbm = rng.random() < 0.15
        top = min(0.95, max(0.3, profile.best[0] + rng.uniform(-0.15, 0.15)))
        best = (top, (1 - top) * 0.8, (1 - top) * 0.2)
        profile = dataclasses.replace(
            profile,
            best=best,
            ipak=round(min(4.0, max(3.0, profile.ipak + rng.uniform(-0.2, 0.2))), 2),
            ipkp=round(min(4.0, max(3.0, profile.ipkp + rng.uniform(-0.25, 0.25))), 2),
            lke_file=f"LKE {code}.xlsx",
        )
        innovations = tuple(Innovation(code, inv.name, inv.year, inv.description) for inv in template.innovations)
        unit = dataclasses.replace(
            template,
            code=code,
            name=f"{prefix} {city} {i + 1}",
            kind=kind,
            city=city,
            province=province,
            head=HEADS[rng.randrange(len(HEADS))],
            proposed="WBBM" if wbbm else "WBK",
            current="WBK" if wbbm else "",
            category=sample.WBBM_CATEGORY if wbbm else sample.WBK_CATEGORY,
            innovations=innovations,
        )
        units.append((unit, profile, base))
    return units


def write_year(workspace: Path, n: int, seed: int = 2024) -> Path:
    """Write an award year of `n` units under workspace/inputs/<YEAR>/; reuse it when it is already there."""
    folder = workspace / "inputs" / str(YEAR)
    done = folder / ".synth-complete"
    if done.is_file() and done.read_text() == f"{n} {seed}\n":
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    edition = load_edition()
    with tempfile.TemporaryDirectory(prefix="dossier-bench-sample-") as scratch:
        sample.write_sample_year(Path(scratch), YEAR)  # the evidence files, rendered once
        base_bukti = Path(scratch) / "inputs" / str(YEAR) / "bukti"
        synthesised = synth_units(n, seed)
        write_register(folder / "nominasi.xlsx", YEAR, sample.sample_award(YEAR), [u for u, _, _ in synthesised],
                       sample.sample_quotes())
        for unit, profile, base in synthesised:
            answers = sample._unit_answers(unit, profile, edition, YEAR)
            write_lke_template(folder / "lke" / profile.lke_file, edition, unit_code=unit.code, unit_name=unit.name,
                               year=YEAR, ministry=sample.MINISTRY, answers=answers)
            target = folder / "bukti" / unit.code
            target.mkdir(parents=True, exist_ok=True)
            for key in profile.documents:
                name = sample.DOCUMENTS[key].file
                shutil.copyfile(base_bukti / base / name, target / name)
    done.write_text(f"{n} {seed}\n")
    return folder


def change_answer(lke: Path, code: str = "PPA1A") -> str:
    """Flip one indicator's Jawaban (Ya <-> Tidak, or A <-> B) in an LKE workbook and save it; return the new answer."""
    from openpyxl import load_workbook

    from dossier.workbooks import LKE_COLUMNS, LKE_HEADER_ROW

    columns = list(LKE_COLUMNS)
    code_col, answer_col = columns.index("Kode") + 1, columns.index("Jawaban") + 1
    wb = load_workbook(lke)
    ws = wb["LKE"]
    for row in range(LKE_HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, code_col).value == code:
            old = ws.cell(row, answer_col).value
            new = {"Ya": "Tidak", "Tidak": "Ya", "A": "B"}.get(old, "A")
            ws.cell(row, answer_col).value = new
            wb.save(lke)
            return new
    raise ValueError(f"{lke}: sheet LKE has no row with Kode {code}")
