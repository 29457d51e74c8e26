"""The main commands, from an empty folder, in Indonesian and in English (issue 16).

Run as a user runs them, in a subprocess on an English machine (LANG=en_US.UTF-8):
Indonesian unless DOSSIER_LANG=en. Each output is checked for its language: the Indonesian
says what the English says, and no English is left in it (paths, codes and cell references
are neither and are set aside).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from .test_i18n import dossier
from .test_season import AWARD, YEAR, answer_blank, fill_register, unit
from .workbook_factory import full_answers

# Words that only English has, among those dossier's messages use.
ENGLISH = {"the", "is", "are", "was", "and", "not", "no", "with", "found", "error", "errors", "warning",
           "warnings", "wrote", "written", "nothing", "every", "unit(s)", "workbook", "workbooks", "file",
           "files", "sheet", "row", "cell", "answer", "answers", "missing", "changed", "eligible",
           "proposed", "code", "built", "archived", "verified", "checked", "intact", "usage", "options"}
INDONESIAN = {"dan", "yang", "tidak", "untuk", "dari", "di", "ke", "unit", "berkas", "kesalahan", "nilai"}


def words(text: str) -> set[str]:
    """The words of `text`, lower case, without paths, file names, cell references, options and codes."""
    text = re.sub(r"\S*[/\\.!]\S*|(?<!\w)-\S+", " ", text)  # build/2025/x.pdf, LKE!E57, --no-color
    return {w.lower() for w in re.findall(r"[A-Za-z()]+", text) if not w.isupper()}  # [OPTIONS], WBK, UPT01


def indonesian(text: str) -> bool:
    found = words(text)
    return not (found & ENGLISH) and bool(found & INDONESIAN)


def english(text: str) -> bool:
    found = words(text)
    return bool(found & ENGLISH) and not (found & {"yang", "kesalahan", "peringatan"})  # Ya, Tidak are answers


def both(*args: str, cwd, expect: int = 0) -> dict[str, str]:
    """The output of one command in each language; the exit code is the same in both."""
    said = {}
    for lang in ("id", "en"):
        result = dossier(*args, cwd=cwd, lang=None if lang == "id" else "en")
        assert result.returncode == expect, (lang, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        said[lang] = result.stdout + result.stderr
    return said


def assert_languages(said: dict[str, str]) -> None:
    assert indonesian(said["id"]), ("English left in the Indonesian:", words(said["id"]) & ENGLISH, said["id"])
    assert english(said["en"]), said["en"]


@pytest.mark.render
def test_the_main_commands_speak_both_languages(tmp_path):
    said = both("--help", cwd=tmp_path)
    assert_languages(said)

    result = dossier("init", "zi", "--year", str(YEAR), cwd=tmp_path)
    assert result.returncode == 0 and indonesian(result.stderr), result.stderr
    result = dossier("init", "en", "--year", str(YEAR), cwd=tmp_path, lang="en")
    assert result.returncode == 0 and english(result.stderr), result.stderr
    root = tmp_path / "zi"
    assert indonesian((root / "CARA-PAKAI.txt").read_text(encoding="utf-8"))
    assert english((tmp_path / "en" / "CARA-PAKAI.txt").read_text(encoding="utf-8"))

    inputs = root / "inputs" / str(YEAR)
    fill_register(inputs / "nominasi.xlsx", [unit("UPT01")], AWARD)
    assert_languages(both("lke-template", cwd=root))
    blank = root / "build" / str(YEAR) / "lke-kosong" / "UPT01 LKE.xlsx"
    answers = full_answers()
    code = next(c for c, v in answers.items() if isinstance(v, str))
    answer_blank(blank, answers | {code: "Mungkin"})  # not an option
    shutil.copy(blank, inputs / "lke" / blank.name)

    said = both("validate", cwd=root, expect=1)
    assert_languages(said)
    for lang in ("id", "en"):
        assert "Mungkin" in said[lang] and "UPT01 LKE.xlsx" in said[lang] and "LKE!" in said[lang]
    assert re.search(r"\b1 kesalahan\b", said["id"]) and re.search(r"\b1 error\b", said["en"])

    answer_blank(inputs / "lke" / blank.name, answers)
    assert_languages(both("validate", cwd=root))

    said = both("score", cwd=root)
    assert_languages(said)
    table = {lang: said[lang].splitlines()[0].split() for lang in said}
    assert table["en"][:3] == ["Code", "Unit", "Target"] and table["id"][0] == "Kode"
    scores = {lang: json.loads(dossier("score", "--json", cwd=root, lang=lang).stdout) for lang in ("id", "en")}
    assert scores["id"] == scores["en"]  # keys and values are for programs, never translated

    # Built again in English: the documents are Indonesian, byte for byte the same. The Word and Excel
    # files are enough to show it: each PDF is made from the same markup as its Word file.
    built = {}
    for lang, options in (("id", ()), ("en", ("--force", "--format", "docx"))):
        result = dossier("build", "-j", "1", *options, cwd=root, lang=None if lang == "id" else "en")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        built[lang] = result.stdout + result.stderr
        manifest = json.loads((root / "build" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
        built[lang + "-files"] = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert_languages(built)
    assert "umpan-balik/UPT01.pdf" in built["id-files"] and "umpan-balik/UPT01.xlsx" in built["en-files"]
    assert {p for p in built["en-files"] if p.endswith((".docx", ".xlsx"))} == {
        p for p in built["id-files"] if p.endswith((".docx", ".xlsx"))}
    assert all(built["id-files"][path] == digest for path, digest in built["en-files"].items())
    assert_languages(both("build", "-j", "1", cwd=root))  # nothing changed: said too
    assert_languages(both("archive", "--force", cwd=root))
    assert_languages(both("archive", "verify", cwd=root))
    (root / "archive" / str(YEAR) / "dossier" / "UPT01.pdf").write_bytes(b"%PDF-1.7 not the archived file")
    said = both("archive", "verify", cwd=root, expect=1)
    assert_languages(said)
    assert all("UPT01.pdf" in said[lang] for lang in said)
