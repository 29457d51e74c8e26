"""The LKE read cache: a rebuild reads only the workbooks that changed, and reads them the same."""

from __future__ import annotations

import os
import shutil

import pytest
from openpyxl import load_workbook

import dossier.readers as readers
from dossier.readers import read_award_year
from dossier.readers.cache import LkeCache
from dossier.rules import load_edition

from .conftest import REPO, SAMPLE_YEAR

EDITION = load_edition("2021")


@pytest.fixture
def year_dir(tmp_path):
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    return tmp_path / "inputs" / str(SAMPLE_YEAR)


def cached(year_dir, path):
    """Read with the cache at `path`, then save it, as a build does."""
    cache = LkeCache(path, EDITION.name, year_dir / "bukti")
    result = read_award_year(year_dir, SAMPLE_YEAR, EDITION, cache=cache)
    cache.save()
    return result


def counting(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = readers.read_lke

    def read_lke(path, rel, edition, bukti):
        seen.append(rel)
        return real(path, rel, edition, bukti)

    monkeypatch.setattr(readers, "read_lke", read_lke)
    return seen


@pytest.mark.slow
def test_a_cached_read_equals_a_fresh_read_and_reads_nothing_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    fresh = read_award_year(year_dir, SAMPLE_YEAR, EDITION)
    first = cached(year_dir, cache)
    seen = counting(monkeypatch)
    second = cached(year_dir, cache)
    assert seen == []
    assert fresh == first == second


@pytest.mark.slow
def test_only_the_changed_workbook_is_read_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    changed = sorted((year_dir / "lke").glob("*.xlsx"))[0]
    untouched = sorted((year_dir / "lke").glob("*.xlsx"))[1]
    os.utime(untouched, ns=(untouched.stat().st_atime_ns, untouched.stat().st_mtime_ns + 10**9))  # same content
    book = load_workbook(changed)
    book.save(changed)
    seen = counting(monkeypatch)
    cached(year_dir, cache)
    assert seen == [changed.relative_to(year_dir).as_posix()]


@pytest.mark.slow
def test_a_change_in_bukti_reads_every_workbook_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    evidence = next(p for p in (year_dir / "bukti").rglob("*.pdf"))
    evidence.unlink()  # an evidence file disappears: every LKE citing it must now say so
    seen = counting(monkeypatch)
    after = cached(year_dir, cache)
    assert len(seen) == len(list((year_dir / "lke").glob("*.xlsx")))
    assert after == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


@pytest.mark.slow
@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'{"format": "dossier-lke-cache/2", "scope": 1}', b"\xff\x00", b'{"format": "dossier-lke-cache/2", "scope": "x", "entries": {"a": 5}}'])
def test_an_unreadable_cache_is_ignored(year_dir, tmp_path, garbage):
    cache = tmp_path / "cache.json"
    cache.write_bytes(garbage)
    assert cached(year_dir, cache) == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


@pytest.mark.slow
def test_damaged_entries_are_read_again(year_dir, tmp_path):
    import json

    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    data = json.loads(cache.read_text())
    for rel, entry in data["entries"].items():
        entry["read"] = {"source": rel, "lke": {"answers": 5}}
    cache.write_text(json.dumps(data))
    assert cached(year_dir, cache) == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


@pytest.mark.slow
def test_a_moved_workspace_reads_its_cache_and_its_evidence_in_the_new_place(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    moved = tmp_path / "elsewhere" / "inputs"
    shutil.move(year_dir.parent, moved)
    year_dir = moved / str(SAMPLE_YEAR)
    seen = counting(monkeypatch)
    after = cached(year_dir, cache)
    assert seen == []
    assert after == read_award_year(year_dir, SAMPLE_YEAR, EDITION)
    paths = [e.path for lke in after.lke.values() for a in lke.answers.values() for e in a.evidence if e.path]
    assert paths and all(p.is_relative_to(year_dir.resolve() / "bukti") for p in paths)
    assert "elsewhere" not in cache.read_text()  # no absolute path is stored


@pytest.mark.slow
def test_an_edited_cache_entry_is_not_trusted(year_dir, tmp_path):
    import json

    cache = tmp_path / "cache.json"
    fresh = cached(year_dir, cache)
    data = json.loads(cache.read_text())
    edited = 0
    for entry in data["entries"].values():
        for answer in (entry["read"]["lke"] or {"answers": {}})["answers"].values():
            if answer["index"] is not None:  # a survey index, as the faulty case changed
                answer["index"] = 4.0 if answer["index"] != 4.0 else 1.0
                edited += 1
    assert edited
    cache.write_text(json.dumps(data))
    assert cached(year_dir, cache) == fresh == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


@pytest.mark.slow
def test_a_file_replaced_by_another_of_the_same_size_and_time_is_noticed(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    lke = sorted((year_dir / "lke").glob("*.xlsx"))[0]
    evidence = next(p for p in (year_dir / "bukti").rglob("*.pdf"))
    for path in (lke, evidence):
        stat = path.stat()
        data = bytearray(path.read_bytes())
        data[-40] ^= 1  # one bit flipped inside the zip's central directory / the PDF's trailer area
        path.write_bytes(bytes(data))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == stat.st_size
    seen = counting(monkeypatch)
    cached(year_dir, cache)
    assert len(seen) == len(list((year_dir / "lke").glob("*.xlsx")))  # bukti changed: every workbook again
