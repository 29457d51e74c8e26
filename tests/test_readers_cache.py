"""The LKE read cache: a rebuild reads only the workbooks that changed, and reads them the same."""

from __future__ import annotations

import os
import shutil

import pytest

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


def test_a_cached_read_equals_a_fresh_read_and_reads_nothing_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    fresh = read_award_year(year_dir, SAMPLE_YEAR, EDITION)
    first = cached(year_dir, cache)
    seen = counting(monkeypatch)
    second = cached(year_dir, cache)
    assert seen == []
    assert fresh == first == second


def test_only_the_changed_workbook_is_read_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    changed = sorted((year_dir / "lke").glob("*.xlsx"))[0]
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    seen = counting(monkeypatch)
    cached(year_dir, cache)
    assert seen == [changed.relative_to(year_dir).as_posix()]


def test_a_change_in_bukti_reads_every_workbook_again(year_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    evidence = next(p for p in (year_dir / "bukti").rglob("*.pdf"))
    evidence.unlink()  # an evidence file disappears: every LKE citing it must now say so
    seen = counting(monkeypatch)
    after = cached(year_dir, cache)
    assert len(seen) == len(list((year_dir / "lke").glob("*.xlsx")))
    assert after == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'{"format": "dossier-lke-cache/2", "scope": 1}', b"\xff\x00", b'{"format": "dossier-lke-cache/2", "scope": "x", "entries": {"a": 5}}'])
def test_an_unreadable_cache_is_ignored(year_dir, tmp_path, garbage):
    cache = tmp_path / "cache.json"
    cache.write_bytes(garbage)
    assert cached(year_dir, cache) == read_award_year(year_dir, SAMPLE_YEAR, EDITION)


def test_damaged_entries_are_read_again(year_dir, tmp_path):
    import json

    cache = tmp_path / "cache.json"
    cached(year_dir, cache)
    data = json.loads(cache.read_text())
    for rel, entry in data["entries"].items():
        entry["read"] = {"source": rel, "lke": {"answers": 5}}
    cache.write_text(json.dumps(data))
    assert cached(year_dir, cache) == read_award_year(year_dir, SAMPLE_YEAR, EDITION)
