"""The bundled sample award year: the outcomes it promises, and the files it writes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from dossier.model import Lke
from dossier.rules import load_edition
from dossier.sample import main, sample_answers, sample_award, sample_quotes, sample_units, write_sample_year
from dossier.scoring import score_unit

YEAR = 2024


@pytest.fixture(scope="module")
def edition():
    return load_edition()


@pytest.fixture(scope="module")
def answers(edition):
    return sample_answers(edition, YEAR)


@pytest.fixture(scope="module")
def scores(edition, answers):
    return {u.code: score_unit(u, Lke(u.code, "", answers[u.code]), edition) for u in sample_units()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The sample year written once through the module's command-line entry point."""
    workspace = tmp_path_factory.mktemp("sample")
    assert main([str(workspace)]) == 0
    return workspace / "inputs" / str(YEAR)


# --- The outcomes -----------------------------------------------------------------------


def test_units_are_invented_and_of_two_kinds():
    units = sample_units()
    assert len(units) >= 6
    assert len({u.code for u in units}) == len(units)
    kinds = Counter(u.kind for u in units)
    assert len(kinds) >= 2 and all(n >= 2 for n in kinds.values())
    assert all(u.result == "" for u in units)  # before the announcement
    assert all(u.innovations for u in units)


def test_at_least_two_units_proposed_for_wbk_are_eligible(scores):
    eligible = [c for c, s in scores.items() if s.unit.proposed == "WBK" and "WBK" in s.eligible]
    assert len(eligible) >= 2


def test_one_unit_holding_wbk_is_proposed_for_and_eligible_for_wbbm(scores):
    wbbm = [s for s in scores.values() if s.unit.proposed == "WBBM"]
    assert len(wbbm) == 1
    assert wbbm[0].unit.current == "WBK"
    assert "WBBM" in wbbm[0].eligible
    assert wbbm[0].shortfalls["WBBM"] == []


def test_one_unit_misses_exactly_the_ipkp_threshold(scores):
    near = scores["UPT04"]
    assert near.unit.proposed == "WBK"
    assert near.eligible == []
    [shortfall] = near.shortfalls["WBK"]
    assert shortfall.rule == "pelayanan_prima"
    assert shortfall.required == 14.0
    assert shortfall.reached == pytest.approx(3.10 / 4 * 17.5)  # 13.5625
    assert near.total >= 75 and near["pengungkit"] >= 40


def test_one_unit_is_clearly_not_eligible(scores):
    far = [s for s in scores.values() if not s.eligible and len(s.shortfalls["WBK"]) >= 3]
    assert [s.unit.code for s in far] == ["BD02"]
    assert scores["BD02"].total < 75


def test_answers_are_complete_varied_and_noted(edition, answers, scores):
    for code, unit_answers in answers.items():
        assert set(unit_answers) == set(edition.indicators), code
        assert scores[code].missing == []
        letters = Counter(a.choice for a in unit_answers.values() if a.choice)
        assert len(letters) >= 3, (code, letters)  # not all A
        assert letters["A"] < sum(letters.values())
        assert sum(1 for a in unit_answers.values() if a.note) >= 4, code


def test_reported_never_exceeds_obliged(answers):
    for code, unit_answers in answers.items():
        for indicator in ("PRE3A", "PRE3B"):
            counts = unit_answers[indicator].counts
            assert counts[4] <= counts[1] + counts[2] + counts[3], (code, indicator)


def test_every_indicator_cites_evidence_of_every_kind_but_three_of_bd02(answers):
    entries = [e for unit_answers in answers.values() for a in unit_answers.values() for e in a.evidence]
    without = sorted((code, c) for code, unit_answers in answers.items() for c, a in unit_answers.items() if not a.evidence)
    assert without == [("BD02", "PRE3A"), ("BD02", "PRE3B"), ("BD02", "PRF2A")]  # the sample's one evidence warning
    per_indicator = [len(a.evidence) for unit_answers in answers.values() for a in unit_answers.values()]
    assert max(per_indicator) <= 2
    suffixes = Counter(Path(e.entry).suffix for e in entries if not e.url)
    assert {".pdf", ".png", ".jpg", ".docx"} <= set(suffixes)
    assert suffixes[".docx"] == 1
    files = sum(1 for e in entries if not e.url)
    assert files < len(entries) / 2  # the rest cite the units' pages: a packet stays small
    assert all(e.entry.startswith("https://") for e in entries if e.url)


def test_ceremony_facts_and_quotes():
    award = sample_award(YEAR)
    assert award.ceremony_date.isoformat() == "2024-12-12"
    assert award.ceremony_date.weekday() == 3  # Kamis
    assert award.awarding_body == "Kementerian PANRB"
    assert all([award.ceremony_place, award.opened_by, award.attended_by, award.release_city])
    assert 2 <= len(sample_quotes()) <= 3


# --- The files ----------------------------------------------------------------------------


@pytest.mark.render
def test_generated_year_has_register_lke_and_evidence(generated):
    assert (generated / "nominasi.xlsx").is_file()
    lke = sorted(p.name for p in (generated / "lke").iterdir())
    assert len(lke) == len(sample_units())
    assert "LKE BPSDM Makassar.xlsx" in lke
    assert len({Path(n).stem.split()[0].lower() for n in lke}) > 1  # names differ in form, not only in code
    size = sum(p.stat().st_size for p in generated.rglob("*") if p.is_file())
    assert size < 3_000_000


@pytest.mark.render
def test_every_evidence_file_referenced_exists_and_opens(generated, answers):
    bukti = generated / "bukti"
    for unit_answers in answers.values():
        for answer in unit_answers.values():
            for entry in answer.evidence:
                if entry.url:
                    continue
                path = bukti / entry.entry
                assert path.is_file(), entry.entry
                if path.suffix == ".pdf":
                    assert len(PdfReader(path).pages) == 1
                elif path.suffix in (".png", ".jpg"):
                    with Image.open(path) as image:
                        assert image.size[0] >= 400
    docx = next(bukti.rglob("*.docx"))
    from docx import Document

    assert "Notulen" in Document(str(docx)).paragraphs[0].text


@pytest.mark.render
def test_sample_pdfs_carry_their_unit(generated):
    text = PdfReader(generated / "bukti/UPT03/sk-tim-zi.pdf").pages[0].extract_text()
    assert "STASIUN PEMANTAUAN PESISIR MATARAM" in text
    assert "TIM PEMBANGUNAN ZONA INTEGRITAS" in text


@pytest.mark.render
def test_generated_year_reads_back_clean_and_scores_the_same(generated, edition, scores):
    from dossier.readers import read_award_year

    year = read_award_year(generated, YEAR, edition)
    # The sample's units, like real ones, cite evidence for some indicators only: one warning each, nothing else.
    assert [p for p in year.problems if "have no evidence (Bukti Dukung is empty)" not in p.message] == []
    assert {p.severity for p in year.problems} <= {"warning"}
    assert [u.code for u in year.units] == [u.code for u in sample_units()]
    assert year.award == sample_award(YEAR)
    assert year.quotes == sample_quotes()
    for unit in year.units:
        assert unit.innovations == next(u for u in sample_units() if u.code == unit.code).innovations
        read = score_unit(unit, year.lke[unit.code], edition)
        assert read.nodes == pytest.approx(scores[unit.code].nodes)
        assert read.eligible == scores[unit.code].eligible


@pytest.mark.render
def test_generation_is_deterministic(generated, tmp_path):
    again = write_sample_year(tmp_path, YEAR)
    first = {p.relative_to(generated): p.read_bytes() for p in generated.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
