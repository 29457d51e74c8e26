"""dossier.toml -> Settings, checked in one pass; every problem is reported at once."""

from __future__ import annotations

import json
import textwrap
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dossier.errors import ConfigError, os_reason
from dossier.i18n import _

FILENAME = "dossier.toml"


@dataclass(frozen=True)
class Setting:
    """One dossier.toml setting, declared once (see `setting`): the checks, the commented
    dossier.toml that `init` writes and the README's table of settings all come from it."""

    section: str
    key: str
    kind: str  # how it is read: "text", "lines", "members", "file", "image", "editions" or "language" (see READERS)
    default: object
    meaning: str  # English, for the README
    comment: str  # Indonesian: the comment above it in the dossier.toml that `init` writes
    example: str = ""  # a value to show in that comment, as TOML
    documents: bool = True  # whether it shapes what the documents show (the archive's signature does not)

    @property
    def name(self) -> str:
        return f"[{self.section}] {self.key}"


def setting(section: str, key: str, default: object, meaning: str, comment: str, *, kind: str = "text",
            example: str = "", documents: bool = True) -> Any:
    """A Settings field read from `[section] key` of dossier.toml."""
    declared = Setting(section, key, kind, default, meaning, comment, example, documents)
    if isinstance(default, dict):
        return field(default_factory=dict, metadata={"setting": declared})
    return field(default=default, metadata={"setting": declared})


@dataclass(frozen=True)
class Settings:
    """The workspace's settings, with defaults for everything left out.

    Each field declares its setting once: where it is in dossier.toml, its default, what it
    means (in English, for the README) and the comment `init` writes above it (in Indonesian).
    A new setting is one more field here.
    """

    edition: str = setting("lke", "edition", "2021", "the LKE edition that scores the years",
                           'Edisi LKE yang dipakai untuk menilai ("2021" = PermenPAN-RB 90/2021).')
    editions: dict[int, str] = setting(
        "lke", "editions", {}, "an edition per year, to rebuild an old year as it was",
        "Edisi LKE per tahun, agar tahun yang lalu disusun ulang dengan edisi yang menilainya dulu.",
        kind="editions", example='{ 2020 = "2014" }')
    tpi_lead: str = setting("penandatangan", "ketua_tpi", "", "the TPI lead who signs each dossier",
                            "Ketua Tim Penilai Internal (TPI) yang menandatangani halaman pernyataan setiap dokumen usulan.")
    tpi_position: str = setting("penandatangan", "jabatan_ketua_tpi", "Ketua Tim Penilai Internal",
                                "the TPI lead's position", "Jabatan ketua TPI.")
    tpi_nip: str = setting("penandatangan", "nip_ketua_tpi", "", "the TPI lead's NIP", "NIP ketua TPI.")
    signing_city: str = setting("penandatangan", "kota", "", "the city above the signatures (empty: the register's Kota Rilis)",
                                "Kota di atas tanda tangan. Kosong: Kota Rilis dari daftar usulan.", example='"Jakarta"')
    logo: Path | None = setting("dokumen", "logo", None, "a PNG or JPG for the dossier cover (and beside the letterhead)",
                                "Logo untuk sampul (dan di samping kop surat): berkas PNG atau JPG di folder ini.",
                                kind="image", example='"logo.png"')
    pr_bureau: str = setting("humas", "biro", "", "the public-relations bureau that signs off the press release",
                             "Biro hubungan masyarakat yang menerbitkan rilis pers.", example='"Biro Hubungan Masyarakat"')
    pr_contact: str = setting("humas", "kontak", "", "whom journalists contact about the press release",
                              "Kontak bagi wartawan.", example='"Nama Petugas, telepon 021-1234567, surel humas@kementerian.go.id"')
    letterhead: tuple[str, ...] = setting(
        "surat_usulan", "kop", (), "the cover letter's letterhead, one line per entry (empty: the register's Instansi)",
        "Kop surat usulan kepada Menteri PANRB, satu baris per isian; logo di atas ada di sampingnya. "
        "Kosong: Instansi dari daftar usulan.", kind="lines",
        example='["KEMENTERIAN SUMBER DAYA MARITIM", "SEKRETARIAT JENDERAL", "Jalan Merdeka Barat 1, Jakarta 10110"]')
    letter_number: str = setting("surat_usulan", "nomor", "", "the cover letter's number (empty: a dotted line)",
                                 "Nomor surat. Kosong: titik-titik untuk diisi tangan.")
    letter_signatory: str = setting("surat_usulan", "penandatangan", "", "who signs the cover letter",
                                    "Nama penanda tangan surat.")
    letter_position: str = setting("surat_usulan", "jabatan", "Sekretaris Jenderal", "the signatory's position",
                                   "Jabatan penanda tangan.")
    letter_nip: str = setting("surat_usulan", "nip", "", "the signatory's NIP", "NIP penanda tangan.")
    letter_to: str = setting("surat_usulan", "kepada", "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                             "the cover letter's addressee", "Tujuan surat.")
    letter_on_behalf: str = setting(
        "surat_usulan", "atas_nama", "", 'the office the signatory signs for ("a.n. Menteri ..."); empty: in their own name',
        'Jabatan yang diwakili penanda tangan ("a.n. Menteri ..."). Kosong: menandatangani atas namanya sendiri.',
        example='"Menteri Sumber Daya Maritim"')
    letter_copies: tuple[str, ...] = setting(
        "surat_usulan", "tembusan", (), "the cover letter's Tembusan (copies), one line each",
        "Tembusan surat usulan, satu baris per isian.", kind="lines",
        example='["Menteri Sumber Daya Maritim", "Inspektur Jenderal"]')
    lhe_number: str = setting("lhe", "nomor", "", "the number of the LHE's cover letter (empty: a dotted line)",
                              "Nomor surat pengantar Laporan Hasil Evaluasi (LHE) TPI. Kosong: titik-titik.")
    lhe_to: str = setting("lhe", "kepada", "", "the LHE's addressee (empty: the head of the unit)",
                          "Tujuan LHE. Kosong: pimpinan unit yang dievaluasi.")
    assignment_number: str = setting("lhe", "surat_tugas", "", "the number of the TPI's Surat Tugas",
                                     "Nomor Surat Tugas TPI.")
    assignment_date: str = setting("lhe", "tanggal_surat_tugas", "", "its date, as written",
                                   "Tanggal Surat Tugas, seperti ditulis.", example='"2 Mei 2024"')
    assignment_period: str = setting("lhe", "periode", "", "the period of the evaluation, as written",
                                     "Periode evaluasi, seperti ditulis.", example='"6 s.d. 22 Mei 2024"')
    supervisor: str = setting("lhe", "pengendali_teknis", "", "the TPI's Pengendali Teknis",
                              "Nama Pengendali Teknis TPI.")
    supervisor_nip: str = setting("lhe", "nip_pengendali_teknis", "", "the Pengendali Teknis's NIP",
                                  "NIP Pengendali Teknis.")
    team_members: tuple[tuple[str, str], ...] = setting(
        "lhe", "anggota", (), 'the TPI\'s members, as "Nama; NIP" (the Ketua is [penandatangan] ketua_tpi)',
        'Anggota TPI, satu per isian, sebagai "Nama; NIP" (ketuanya [penandatangan] ketua_tpi).', kind="members",
        example='["Rina Kartika, S.E.; 198703122010122001", "Dedi Kurniawan, S.H.; 199001052015031002"]')
    lhe_copies: tuple[str, ...] = setting("lhe", "tembusan", (), "the LHE's Tembusan (copies), one line each",
                                          "Tembusan LHE, satu baris per isian.", kind="lines",
                                          example='["Inspektur Jenderal"]')
    signing_certificate: Path | None = setting(
        "arsip", "sertifikat", None, "a PEM certificate that signs daftar-arsip.pdf (PAdES), with `kunci`",
        "Sertifikat (PEM) untuk menandatangani daftar-arsip.pdf (PAdES) saat pengarsipan; perlu "
        "pip install 'dossier[pades]'. Berkas di folder ini.", kind="file", example='"tanda-tangan/sertifikat.pem"',
        documents=False)
    signing_key: Path | None = setting(
        "arsip", "kunci", None, "its private key (PEM); a passphrase comes from DOSSIER_KUNCI_SANDI",
        "Kunci privat (PEM) sertifikat itu; kata sandinya dibaca dari variabel lingkungan DOSSIER_KUNCI_SANDI.",
        kind="file", example='"tanda-tangan/kunci.pem"', documents=False)
    signing_ca: Path | None = setting("arsip", "ca", None, "the CA that 'dossier archive verify' trusts for that signature",
                                      "CA yang dipercaya 'dossier archive verify' untuk tanda tangan itu.",
                                      kind="file", example='"tanda-tangan/ca.pem"', documents=False)
    language: str = setting(
        "antarmuka", "bahasa", "id", 'the language of the command line: "id" or "en"; DOSSIER_LANG overrides it',
        'Bahasa perintah: "id" (Bahasa Indonesia) atau "en" (Inggris). Variabel lingkungan DOSSIER_LANG=en '
        "melakukan hal yang sama.", kind="language")
    source: Path | None = None
    warnings: tuple[str, ...] = ()  # settings that were set aside (a logo outside the workspace, say)

    def edition_for(self, year: int) -> str:
        """The LKE edition that scores `year`."""
        return self.editions.get(year, self.edition)


def schema() -> list[tuple[str, Setting]]:
    """Every setting with the Settings field it sets, in the order of dossier.toml."""
    return [(f.name, f.metadata["setting"]) for f in fields(Settings) if "setting" in f.metadata]


def sections() -> dict[str, dict[str, Setting]]:
    """The settings by section, then key."""
    found: dict[str, dict[str, Setting]] = {}
    for _field, declared in schema():
        found.setdefault(declared.section, {})[declared.key] = declared
    return found


def load_settings(workspace: Path) -> Settings:
    """Read `dossier.toml` from the workspace; defaults apply when it is absent."""
    path = workspace / FILENAME
    if not path.exists():
        return Settings()
    try:
        # utf-8-sig: Windows Notepad starts UTF-8 files with a byte-order mark, which TOML does not allow.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: the file is not UTF-8 text; save it again as UTF-8.").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("{path}: {reason}. Check the quotes and '=' signs on that line.")
                          .format(path=path, reason=exc)) from None
    known = sections()
    problems: list[str] = []
    for section, value in data.items():
        if section not in known or not isinstance(value, dict):
            problems.append(_("[{section}] is not a known section (known: {known})")
                            .format(section=section, known=", ".join(known)))
            continue
        for key in value:
            if key not in known[section]:
                problems.append(_("[{section}] {key} is not a known setting (known: {known})")
                                .format(section=section, key=key, known=", ".join(sorted(known[section]))))
    read = Reading(workspace, path, problems)
    values: dict[str, Any] = {}
    for name, declared in schema():
        table = data.get(declared.section)
        if isinstance(table, dict) and declared.key in table:
            values[name] = READERS[declared.kind](read, declared, table[declared.key])
    if (values.get("signing_certificate") is None) != (values.get("signing_key") is None):
        problems.append(_("[arsip] sertifikat and kunci go together: give both (to sign the archive) or neither"))
    if problems:
        raise ConfigError("\n  ".join([_("{path}: settings are not valid:").format(path=path), *problems]))
    return Settings(**values, source=path, warnings=tuple(read.warnings))


@dataclass
class Reading:
    """What reading one dossier.toml needs: the workspace, the file, and where problems and warnings go."""

    workspace: Path
    path: Path
    problems: list[str]
    warnings: list[str] = field(default_factory=list)


def _text(read: Reading, declared: Setting, value: object) -> str:
    if not isinstance(value, str):
        read.problems.append(_("[{section}] {key} must be text in quotes, got {value!r}")
                             .format(section=declared.section, key=declared.key, value=value))
        return declared.default if isinstance(declared.default, str) else ""
    return value.strip()


def _lines(read: Reading, declared: Setting, value: object) -> tuple[str, ...]:
    lines = value.splitlines() if isinstance(value, str) else value
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        read.problems.append(_('[{section}] {key} must be a list of lines in quotes, e.g. {key} = {example}, got {value!r}')
                             .format(section=declared.section, key=declared.key, example=declared.example, value=value))
        return ()
    return tuple(line.strip() for line in lines if line.strip())


def _file(read: Reading, declared: Setting, value: object) -> Path | None:
    name = _text(read, declared, value)
    if not name:
        return None
    path = read.workspace / name
    if path.is_dir():
        read.problems.append(_("[{section}] {key}: {path} is a folder; name a file in it, or empty the setting")
                             .format(section=declared.section, key=declared.key, path=path))
    elif not path.is_file():
        read.problems.append(_("[{section}] {key}: the file {path} does not exist; put it there or empty the setting")
                             .format(section=declared.section, key=declared.key, path=path))
    return path


def _image(read: Reading, declared: Setting, value: object) -> Path | None:
    """A file that must be a whole PNG or JPEG inside the workspace; any other is set aside with a warning."""
    image = _file(read, declared, value)
    if image is None or not image.is_file():
        return image
    refused = _logo_problem(image, read.workspace)
    if refused:
        read.warnings.append(_("{path}: [{section}] {key}: {reason}; the documents are made without a logo")
                             .format(path=read.path, section=declared.section, key=declared.key, reason=refused))
        return None
    return image


def _members(read: Reading, declared: Setting, value: object) -> tuple[tuple[str, str], ...]:
    """A team as lines "Nama; NIP", read as (name, NIP) pairs."""
    return tuple((name.strip(), nip.strip()) for name, _sep, nip in
                 (line.partition(";") for line in _lines(read, declared, value)))


def _editions(read: Reading, declared: Setting, value: object) -> dict[int, str]:
    editions: dict[int, str] = {}
    for year, name in (value.items() if isinstance(value, dict) else [(value, None)]):
        if not str(year).isdigit() or not isinstance(name, str):
            read.problems.append(_('[lke] editions: expected year = "edition" such as 2020 = "2014", got {year} = {name!r}')
                                 .format(year=year, name=name))
        else:
            editions[int(str(year))] = name
    return editions


def _language(read: Reading, declared: Setting, value: object) -> str:
    """Checked here; dossier.i18n reads it itself, before the settings, to speak from the first message."""
    language = _text(read, declared, value).lower()
    if language not in ("id", "en"):
        read.problems.append(_('[antarmuka] bahasa must be "id" (Bahasa Indonesia) or "en" (English), got {value!r}')
                             .format(value=value))
        return str(declared.default)
    return language


READERS = {"text": _text, "lines": _lines, "members": _members, "file": _file, "image": _image, "editions": _editions, "language": _language}


def default_toml(values: dict[str, object] | None = None) -> str:
    """The commented dossier.toml that `init` writes: every setting at its default, explained in Indonesian.

    `values` (by Settings field) replaces defaults, as in the bundled sample's dossier.toml.
    """
    given = values or {}
    lines = ["# Pengaturan folder kerja dossier. Semua pengaturan boleh dikosongkan atau dihapus:",
             "# nilai bawaannya yang berlaku. Teks di antara tanda kutip boleh berisi huruf apa pun."]
    by_section: dict[str, list[tuple[str, Setting]]] = {}
    for name, declared in schema():
        by_section.setdefault(declared.section, []).append((name, declared))
    for section, settings in by_section.items():
        lines += ["", f"[{section}]"]
        for name, declared in settings:
            lines += [f"# {line}" for line in textwrap.wrap(declared.comment, 88)]
            if declared.example:
                lines.append(f"# Contoh: {declared.key} = {declared.example}")
            value = given.get(name, declared.default)
            if declared.kind == "members":  # (name, NIP) pairs are written back as "Nama; NIP"
                assert isinstance(value, (tuple, list)), "a members setting holds (name, NIP) pairs"
                value = tuple("; ".join(member) for member in value)
            lines.append(f"{declared.key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    """A default as TOML: text in quotes, a list, an inline table; None is the empty text."""
    if value is None:
        return '""'
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TypeError(f"no TOML for {value!r}")


def readme_table() -> str:
    """The README's table of settings (tests/test_config.py checks the README holds exactly this)."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for _field, declared in schema():
        default = _toml(declared.default) if declared.default not in (None, "", (), {}) else "empty"
        rows.append(f"| `{declared.name}` | {default if default == 'empty' else f'`{default}`'} | {declared.meaning} |")
    return "\n".join(rows)


DEFAULT_TOML = default_toml()

IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def _logo_problem(logo: Path, workspace: Path) -> str:
    """Why `logo` may not go on the cover, or "": it must be a PNG or JPEG inside the workspace, links resolved."""
    real, root = logo.resolve(), workspace.resolve()
    if not real.is_relative_to(root):
        return (_("{path} leads to {target}, outside the workspace {root}; copy the image into the workspace")
                .format(path=logo, target=real, root=root))
    try:
        with real.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return _("{path} cannot be read ({reason})").format(path=logo, reason=os_reason(exc))
    if not any(head.startswith(signature) for signature in IMAGE_SIGNATURES):
        return _("{path} is not a PNG or JPEG image").format(path=logo)
    return _damaged_image(real)


def _damaged_image(path: Path) -> str:
    """Why an image cannot be decoded in full (cut off or damaged), or ""; never shown half-blank."""
    # Only when a logo is set: every command reads the settings, and dossier.readers loads openpyxl.
    from PIL import Image

    from dossier.readers.evidence_safety import strict_images

    try:
        with strict_images(), Image.open(path) as image:
            image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on a damaged image
        return (_("{path} cannot be read in full ({kind}: {detail}); save the image again as PNG or JPEG")
                .format(path=path, kind=type(exc).__name__, detail=exc))
    return ""
