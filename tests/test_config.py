"""dossier.toml: each setting declared once, and the checks, the file `init` writes and the README follow."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from dossier import config
from dossier.config import DEFAULT_TOML, Settings, default_toml, load_settings, readme_table, schema
from dossier.errors import ConfigError

from .conftest import REPO


def write(folder: Path, text: str) -> Path:
    (folder / "dossier.toml").write_text(text, encoding="utf-8")
    return folder


def test_the_dossier_toml_init_writes_holds_every_setting_at_its_default(tmp_path):
    data = tomllib.loads(DEFAULT_TOML)
    for _name, declared in schema():
        assert declared.key in data[declared.section], declared.name
    assert dataclasses.replace(load_settings(write(tmp_path, DEFAULT_TOML)), source=None) == Settings()


def test_each_setting_is_explained_in_indonesian_above_it():
    lines = DEFAULT_TOML.splitlines()
    for _name, declared in schema():
        section = lines.index(f"[{declared.section}]")  # a key may repeat in another section ([lhe] nomor)
        at = next(i for i, line in enumerate(lines) if i > section and line.startswith(f"{declared.key} = "))
        comments = []
        for line in reversed(lines[:at]):
            if not line.startswith("# "):
                break
            comments.insert(0, line[2:])
        assert " ".join(c for c in comments if not c.startswith("Contoh:")) == declared.comment, declared.name
    assert "The " not in DEFAULT_TOML and "Settings of" not in DEFAULT_TOML  # no English left over


def test_the_readme_table_is_the_declared_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "README.md's table of settings should read:\n" + readme_table()
    assert len(readme_table().splitlines()) == len(schema()) + 2


def test_the_sample_dossier_toml_is_the_declared_file_with_its_values():
    settings = load_settings(REPO)
    values = {name: getattr(settings, name) for name, _declared in schema()
              if getattr(settings, name) != getattr(Settings(), name)}
    assert values["tpi_lead"] and values["letterhead"]
    text = (REPO / "dossier.toml").read_text(encoding="utf-8")
    assert text.endswith(default_toml(values))


@pytest.mark.parametrize(("text", "expected"), [
    ('[penandatangan]\nketua_tpi = 3\n', "[penandatangan] ketua_tpi must be text in quotes, got 3"),
    ('[surat_usulan]\nkop = 3\n', "[surat_usulan] kop must be a list of lines in quotes, e.g. kop = ["),
    ('[surat_usulan]\nkop = ["A", 2]\n', "[surat_usulan] kop must be a list of lines in quotes"),
    ('[arsip]\nca = "tidak-ada.pem"\n', "[arsip] ca: the file "),
    ('[dokumen]\nlogo = "tidak-ada.png"\n', "[dokumen] logo: the file "),
    ('[dokumen]\nlogo = "."\n', "[dokumen] logo: "),  # the workspace itself: a folder, not a file that is missing
    ('[arsip]\nca = "."\n', "is a folder; name a file in it, or empty the setting"),
    ('[lke]\neditions = { abc = "2014" }\n', '[lke] editions: expected year = "edition"'),
    ('[lke]\neditions = "2014"\n', '[lke] editions: expected year = "edition"'),
    ('[antarmuka]\nbahasa = "fr"\n', '[antarmuka] bahasa must be "id"'),
    ('[arsip]\nsertifikat = "dossier.toml"\n', "[arsip] sertifikat and kunci go together"),
    ('[humas]\ntelepon = "021"\n', "[humas] telepon is not a known setting (known: biro, kontak)"),
    ('[cetak]\nwarna = "biru"\n', "[cetak] is not a known section (known: lke, penandatangan, dokumen,"),
])
def test_a_wrong_setting_is_named_with_what_would_be_right(tmp_path, text, expected):
    with pytest.raises(ConfigError) as failed:
        load_settings(write(tmp_path, text))
    assert expected in failed.value.format_message()


def test_every_wrong_setting_is_reported_at_once(tmp_path):
    text = '[penandatangan]\nketua_tpi = 3\nkota = []\n[surat_usulan]\nkop = 1\n[antarmuka]\nbahasa = "fr"\n'
    with pytest.raises(ConfigError) as failed:
        load_settings(write(tmp_path, text))
    message = failed.value.format_message()
    assert message.count("\n  ") == 4
    for name in ("ketua_tpi", "kota", "kop", "bahasa"):
        assert name in message


def test_values_are_read_and_trimmed(tmp_path):
    (tmp_path / "kunci.pem").write_text("k")
    (tmp_path / "sertifikat.pem").write_text("c")
    settings = load_settings(write(tmp_path, '[lke]\neditions = { 2020 = "2014" }\n'
                                              '[penandatangan]\nketua_tpi = "  Dr. A  "\n'
                                              '[surat_usulan]\nkop = "BARIS SATU\\n\\nBARIS DUA "\n'
                                              '[arsip]\nsertifikat = "sertifikat.pem"\nkunci = "kunci.pem"\n'
                                              '[antarmuka]\nbahasa = "EN"\n'))
    assert settings.editions == {2020: "2014"} and settings.edition_for(2020) == "2014"
    assert settings.edition_for(2024) == "2021"
    assert settings.tpi_lead == "Dr. A"
    assert settings.letterhead == ("BARIS SATU", "BARIS DUA")
    assert (settings.signing_certificate, settings.signing_key) == (tmp_path / "sertifikat.pem", tmp_path / "kunci.pem")
    assert settings.language == "en"
    assert settings.tpi_position == "Ketua Tim Penilai Internal"  # left out: its default


def test_a_new_setting_is_one_field(tmp_path, monkeypatch):
    """Declared as one field, a setting is checked, read, written by init and listed in the README's table."""

    @dataclasses.dataclass(frozen=True)
    class Wider(Settings):
        lhe_team: str = config.setting("lhe", "tim", "Tim Penilai Internal", "who writes the LHE",
                                       "Tim yang menyusun LHE.")

    monkeypatch.setattr(config, "Settings", Wider)
    lhe_section = default_toml().split("\n[lhe]\n", 1)[1].split("\n[", 1)[0]
    assert "\n# Tim yang menyusun LHE.\ntim = \"Tim Penilai Internal\"" in lhe_section
    assert "| `[lhe] tim` | `\"Tim Penilai Internal\"` | who writes the LHE |" in readme_table()
    assert load_settings(write(tmp_path, '[lhe]\ntim = "Tim A"\n')).lhe_team == "Tim A"
    assert load_settings(write(tmp_path, default_toml())).lhe_team == "Tim Penilai Internal"
    with pytest.raises(ConfigError, match=r"\[lhe\] tim must be text in quotes"):
        load_settings(write(tmp_path, "[lhe]\ntim = 1\n"))



def test_no_module_but_config_spells_where_a_setting_is():
    """A setting's section and key are declared once: a module that names one ('[penandatangan] ketua_tpi',
    for a message or a place) takes it from the declaration, so a renamed key cannot leave a stale name behind.
    Keys such as ketua_tpi are looked for as strings too; one-word keys (logo, kota) are everyday names."""
    import dossier

    package = Path(dossier.__file__).parent
    for source in package.rglob("*.py"):
        if source.name == "config.py":
            continue
        code = re.sub(r'""".*?"""|#.*', "", source.read_text(encoding="utf-8"), flags=re.DOTALL)  # examples aside
        for _name, declared in schema():
            where = source.relative_to(package.parent)
            assert f"[{declared.section}] {declared.key}" not in code, f"{where} spells {declared.name}"
            assert "_" not in declared.key or f'"{declared.key}"' not in code, f"{where} spells {declared.name}"
