"""dossier.toml -> Settings, checked in one pass; every problem is reported at once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dossier.errors import ConfigError
from dossier.i18n import _

FILENAME = "dossier.toml"

DEFAULT_TOML = """\
# Settings of this dossier workspace. Every setting is optional: delete a line
# and its default applies. Text between quotes may hold any characters.

[lke]
# The LKE edition used to score an award year ("2021" = PermenPAN-RB 90/2021).
edition = "2021"
# A past year can keep the edition it was scored with, e.g.:
# editions = { 2020 = "2014" }

[penandatangan]
# The internal assessment team (TPI) lead who signs each dossier's statement page.
ketua_tpi = ""
jabatan_ketua_tpi = "Ketua Tim Penilai Internal"
nip_ketua_tpi = ""
# City written above the signatures, e.g. "Jakarta". Empty: the register's Kota Rilis.
kota = ""

[dokumen]
# A logo for the cover, relative to this folder (PNG or JPG), e.g. "logo.png".
logo = ""

[humas]
# The public-relations bureau that issues the press release, and how journalists reach it.
# biro = "Biro Hubungan Masyarakat"
# kontak = "Nama Petugas, telepon 021-1234567, surel humas@kementerian.go.id"
biro = ""
kontak = ""

[surat_usulan]
# The ministry's cover letter (surat usulan) to the Minister of PANRB, build/<year>/surat-usulan.pdf.
# Letterhead (kop surat): one line per entry; the logo above sits beside it. Empty: the register's Instansi.
kop = []
# e.g. kop = ["KEMENTERIAN SUMBER DAYA MARITIM", "SEKRETARIAT JENDERAL", "Jalan Merdeka Barat 1, Jakarta 10110"]
# The letter number; empty: a dotted line to fill in by hand.
nomor = ""
# Who signs it: name, position and NIP.
penandatangan = ""
jabatan = "Sekretaris Jenderal"
nip = ""
# The addressee.
kepada = "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"
# The office the signatory signs for ("a.n. Menteri ..."); empty: signs in their own name.
atas_nama = ""
# Tembusan (copies), one line each, e.g. tembusan = ["Menteri Sumber Daya Maritim", "Inspektur Jenderal"]
tembusan = []

[lhe]
# The TPI's evaluation report (LHE) of each unit, build/<year>/lhe/<code>.pdf.
# Its cover letter's number (empty: a dotted line) and addressee (empty: the head of the unit).
nomor = ""
kepada = ""
# The TPI's assignment: Surat Tugas number and date, and the period of the evaluation.
surat_tugas = ""
tanggal_surat_tugas = ""
periode = ""
# The team: the Pengendali Teknis and NIP; the members as "Nama; NIP" (the Ketua is [penandatangan] ketua_tpi).
pengendali_teknis = ""
nip_pengendali_teknis = ""
anggota = []
# e.g. anggota = ["Rina Kartika, S.E.; 198703122010122001", "Dedi Kurniawan, S.H.; 199001052015031002"]
tembusan = []

# [arsip]
# Sign daftar-arsip.pdf (PAdES) when archiving; needs pip install 'dossier[pades]'.
# Certificate and private key as PEM files, relative to this folder; a key with a
# passphrase reads it from the environment variable DOSSIER_KUNCI_SANDI.
# sertifikat = "tanda-tangan/sertifikat.pem"
# kunci = "tanda-tangan/kunci.pem"
# The CA that 'dossier archive verify' trusts for that signature:
# ca = "tanda-tangan/ca.pem"

# [antarmuka]
# The language dossier speaks on the command line: "id" (Bahasa Indonesia, the default)
# or "en" (English). The environment variable DOSSIER_LANG=en does the same.
# bahasa = "en"
"""


@dataclass(frozen=True)
class Settings:
    """The workspace's settings, with defaults for everything left out."""

    edition: str = "2021"
    editions: dict[int, str] = field(default_factory=dict)
    tpi_lead: str = ""
    tpi_position: str = "Ketua Tim Penilai Internal"
    tpi_nip: str = ""
    signing_city: str = ""
    logo: Path | None = None
    source: Path | None = None
    warnings: tuple[str, ...] = ()  # settings that were set aside (a logo outside the workspace, say)
    signing_certificate: Path | None = None  # [arsip] sertifikat: signs daftar-arsip.pdf, with signing_key
    signing_key: Path | None = None
    signing_ca: Path | None = None  # [arsip] ca: the CA archive verify trusts for that signature
    pr_bureau: str = ""  # [humas] biro: the bureau that signs off the press release
    pr_contact: str = ""  # [humas] kontak: who journalists call or write to
    letterhead: tuple[str, ...] = ()  # [surat_usulan] kop: the cover letter's letterhead lines
    letter_number: str = ""  # [surat_usulan] nomor
    letter_signatory: str = ""  # [surat_usulan] penandatangan
    letter_position: str = "Sekretaris Jenderal"  # [surat_usulan] jabatan
    letter_nip: str = ""  # [surat_usulan] nip
    letter_to: str = "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"  # [surat_usulan] kepada
    # --- issue 23 (documents a ministry expects): begin ---------------------------------------
    letter_on_behalf: str = ""  # [surat_usulan] atas_nama: "Menteri ...": the signatory signs "a.n." that office
    letter_copies: tuple[str, ...] = ()  # [surat_usulan] tembusan: the letter's Tembusan, one line each
    lhe_number: str = ""  # [lhe] nomor: the LHE cover letter's number; empty: a dotted line
    lhe_to: str = ""  # [lhe] kepada: the LHE's addressee; empty: the head of the unit
    assignment_number: str = ""  # [lhe] surat_tugas: the number of the TPI's Surat Tugas
    assignment_date: str = ""  # [lhe] tanggal_surat_tugas: its date, as written ("2 Mei 2024")
    assignment_period: str = ""  # [lhe] periode: the evaluation's period ("6 s.d. 22 Mei 2024")
    supervisor: str = ""  # [lhe] pengendali_teknis: the Pengendali Teknis's name
    supervisor_nip: str = ""  # [lhe] nip_pengendali_teknis
    team_members: tuple[tuple[str, str], ...] = ()  # [lhe] anggota: ["Nama; NIP", ...] -> ((name, nip), ...)
    lhe_copies: tuple[str, ...] = ()  # [lhe] tembusan: the LHE's Tembusan, one line each
    # --- issue 23: end -------------------------------------------------------------------------

    def edition_for(self, year: int) -> str:
        """The LKE edition that scores `year`."""
        return self.editions.get(year, self.edition)


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
    problems: list[str] = []
    known = {"lke": {"edition", "editions"}, "penandatangan": {"ketua_tpi", "jabatan_ketua_tpi", "nip_ketua_tpi", "kota"}, "dokumen": {"logo"}, "arsip": {"sertifikat", "kunci", "ca"},
             "humas": {"biro", "kontak"}, "antarmuka": {"bahasa"},  # [antarmuka] is read by dossier.i18n
             "surat_usulan": {"kop", "nomor", "penandatangan", "jabatan", "nip", "kepada",
                              "atas_nama", "tembusan"},  # issue 23: atas_nama, tembusan
             # issue 23: the TPI's evaluation report (LHE): its letter, the Surat Tugas and the team
             "lhe": {"nomor", "kepada", "surat_tugas", "tanggal_surat_tugas", "periode", "pengendali_teknis",
                     "nip_pengendali_teknis", "anggota", "tembusan"}}
    for section, value in data.items():
        if section not in known or not isinstance(value, dict):
            problems.append(_("[{section}] is not a known section (known: {known})")
                            .format(section=section, known=", ".join(known)))
            continue
        for key in value:
            if key not in known[section]:
                problems.append(_("[{section}] {key} is not a known setting (known: {known})")
                                .format(section=section, key=key, known=", ".join(sorted(known[section]))))

    def text(section: str, key: str, default: str) -> str:
        value = data.get(section, {}).get(key, default)
        if not isinstance(value, str):
            problems.append(_("[{section}] {key} must be text in quotes, got {value!r}")
                            .format(section=section, key=key, value=value))
            return default
        return value.strip()

    editions: dict[int, str] = {}
    for year, name in dict(data.get("lke", {}).get("editions", {})).items():
        if not str(year).isdigit() or not isinstance(name, str):
            problems.append(_('[lke] editions: expected year = "edition" such as 2020 = "2014", got {year} = {name!r}')
                            .format(year=year, name=name))
        else:
            editions[int(year)] = name
    letterhead = data.get("surat_usulan", {}).get("kop", [])
    if isinstance(letterhead, str):
        letterhead = letterhead.splitlines()
    if not isinstance(letterhead, list) or not all(isinstance(line, str) for line in letterhead):
        problems.append(_('[surat_usulan] kop must be a list of lines in quotes, e.g. '
                          'kop = ["KEMENTERIAN ...", "Jalan ..."], got {value!r}').format(value=letterhead))
        letterhead = []
    # --- issue 23: begin: lists of lines (Tembusan, the team) ---------------------------------------
    def lines(section: str, key: str) -> tuple[str, ...]:
        value = data.get(section, {}).get(key, [])
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            problems.append(_('[{section}] {key} must be a list of lines in quotes, e.g. {key} = ["...", "..."], '
                              'got {value!r}').format(section=section, key=key, value=value))
            return ()
        return tuple(line.strip() for line in value if line.strip())

    members = tuple((name.strip(), nip.strip()) for name, _sep, nip in
                    (line.partition(";") for line in lines("lhe", "anggota")))
    # --- issue 23: end -------------------------------------------------------------------------------
    logo_text = text("dokumen", "logo", "")
    logo = (workspace / logo_text) if logo_text else None
    warnings: list[str] = []
    if logo is not None and not logo.is_file():
        problems.append(_("[dokumen] logo: the file {path} does not exist; put the logo there or empty the setting")
                        .format(path=logo))
    elif logo is not None:
        refused = _logo_problem(logo, workspace)
        if refused:
            warnings.append(_("{path}: [dokumen] logo: {reason}; the documents are made without a logo")
                            .format(path=path, reason=refused))
            logo = None
    signing = {}
    for key in ("sertifikat", "kunci", "ca"):
        name = text("arsip", key, "")
        signing[key] = (workspace / name) if name else None
        if signing[key] is not None and not signing[key].is_file():
            problems.append(_("[arsip] {key}: the file {path} does not exist; put it there or empty the setting")
                            .format(key=key, path=signing[key]))
    if text("antarmuka", "bahasa", "id").lower() not in ("id", "en"):
        problems.append(_('[antarmuka] bahasa must be "id" (Bahasa Indonesia) or "en" (English), got {value!r}')
                        .format(value=data["antarmuka"]["bahasa"]))
    if (signing["sertifikat"] is None) != (signing["kunci"] is None):
        problems.append(_("[arsip] sertifikat and kunci go together: give both (to sign the archive) or neither"))
    if problems:
        raise ConfigError("\n  ".join([_("{path}: settings are not valid:").format(path=path), *problems]))
    return Settings(
        edition=text("lke", "edition", "2021"),
        editions=editions,
        tpi_lead=text("penandatangan", "ketua_tpi", ""),
        tpi_position=text("penandatangan", "jabatan_ketua_tpi", Settings.tpi_position),
        tpi_nip=text("penandatangan", "nip_ketua_tpi", ""),
        signing_city=text("penandatangan", "kota", ""),
        logo=logo,
        source=path,
        warnings=tuple(warnings),
        signing_certificate=signing["sertifikat"],
        signing_key=signing["kunci"],
        signing_ca=signing["ca"],
        pr_bureau=text("humas", "biro", ""),
        pr_contact=text("humas", "kontak", ""),
        letterhead=tuple(line.strip() for line in letterhead if line.strip()),
        letter_number=text("surat_usulan", "nomor", ""),
        letter_signatory=text("surat_usulan", "penandatangan", ""),
        letter_position=text("surat_usulan", "jabatan", Settings.letter_position),
        letter_nip=text("surat_usulan", "nip", ""),
        letter_to=text("surat_usulan", "kepada", Settings.letter_to),
        # --- issue 23: begin ---
        letter_on_behalf=text("surat_usulan", "atas_nama", ""),
        letter_copies=lines("surat_usulan", "tembusan"),
        lhe_number=text("lhe", "nomor", ""),
        lhe_to=text("lhe", "kepada", ""),
        assignment_number=text("lhe", "surat_tugas", ""),
        assignment_date=text("lhe", "tanggal_surat_tugas", ""),
        assignment_period=text("lhe", "periode", ""),
        supervisor=text("lhe", "pengendali_teknis", ""),
        supervisor_nip=text("lhe", "nip_pengendali_teknis", ""),
        team_members=members,
        lhe_copies=lines("lhe", "tembusan"),
        # --- issue 23: end ---
    )


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
        return _("{path} cannot be read ({reason})").format(path=logo, reason=exc.strerror or exc)
    if not any(head.startswith(signature) for signature in IMAGE_SIGNATURES):
        return _("{path} is not a PNG or JPEG image").format(path=logo)
    return _damaged_image(real)


def _damaged_image(path: Path) -> str:
    """Why an image cannot be decoded in full (cut off or damaged), or ""; never shown half-blank."""
    from PIL import Image

    from dossier.readers.evidence_safety import strict_images

    try:
        with strict_images(), Image.open(path) as image:
            image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on a damaged image
        return (_("{path} cannot be read in full ({kind}: {detail}); save the image again as PNG or JPEG")
                .format(path=path, kind=type(exc).__name__, detail=exc))
    return ""
