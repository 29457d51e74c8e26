"""The layout of the workbooks staff fill in: the register `nominasi.xlsx` and each unit's LKE.

This is the input contract. `dossier.workbooks` writes these sheets, labels and
columns; `dossier.readers` reads them back, finding columns by their header
text (any order, any case), so a column marked optional may be absent from a
workbook written before it existed. To add a column, add one `Column` here (and
the model field its `key` names); writers and readers follow. Headers, labels,
hints and prompts are what users see, so they are in Bahasa Indonesia.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

REGISTER = "nominasi.xlsx"  # the award year's register, in inputs/<year>/
TABLE_ROWS = 500  # how far down the register's validations reach


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header, the field it fills, and how the writer lays it out.

    `key` names the model field (Unit, Quote, Innovation, Answer...) the column holds.
    A `required` column must be in the header row; an optional one may be missing.
    `choices` are the accepted values ("" = may stay empty); `prompt` is the
    message of the drop-down list the writer adds for them.
    """

    header: str
    key: str
    width: int
    hint: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    prompt: str = ""


@dataclass(frozen=True)
class Table:
    """A table sheet: its name, the row its header sits on when written, and its columns in order."""

    sheet: str
    columns: tuple[Column, ...]
    header_row: int = 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header

    def number(self, key: str) -> int:
        """The column's 1-based position as the writer lays it out (readers look headers up instead)."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)

    def letter(self, key: str) -> str:
        return get_column_letter(self.number(key))


@dataclass(frozen=True)
class Label:
    """One label of the Penghargaan sheet: its text in column A, the Award field, the hint in column C."""

    text: str
    key: str
    hint: str
    required: bool = True  # an optional label may be missing from a register written before it existed


# --- The register, nominasi.xlsx ------------------------------------------------------------

AWARD_SHEET = "Penghargaan"  # labels in column A, values in column B, hints in column C
AWARD_WIDTHS = (22, 50, 70)
AWARD_LABELS = (
    Label("Tahun", "year", "Tahun penghargaan, misalnya 2024."),
    Label("Instansi", "ministry", "Nama lengkap kementerian/lembaga, misalnya Kementerian Sumber Daya Maritim."),
    Label("Singkatan Instansi", "ministry_short", "Singkatan yang dipakai dalam siaran pers, misalnya KSDM."),
    Label("Pemberi Penghargaan", "awarding_body", "Pemberi penghargaan, misalnya Kementerian PANRB."),
    Label(
        "Tanggal Penyerahan",
        "ceremony_date",
        "Tanggal upacara penyerahan: tanggal Excel, 2024-12-12, atau 12 Desember 2024.",
    ),
    Label("Tempat Penyerahan", "ceremony_place", "Tempat upacara penyerahan penghargaan."),
    Label("Dibuka Oleh", "opened_by", "Pejabat yang membuka acara (nama dan jabatan)."),
    Label("Dihadiri Oleh", "attended_by", "Pejabat yang hadir mewakili instansi (nama dan jabatan)."),
    Label("Kota Rilis", "release_city", "Kota yang ditulis di awal siaran pers, misalnya Jakarta."),
    Label("Nama Acara", "event_name", "Nama resmi acara penyerahan, misalnya Penganugerahan Zona Integritas "
          "Tahun 2024.", required=False),
    Label("Rilis Sebut Semua Unit", "release_all_units", "Isi Ya agar siaran pers menyebut setiap unit yang "
          "diusulkan beserta predikatnya, juga yang belum memperoleh predikat; kosongkan untuk menyebut penerima saja.", required=False),
    Label("Unit Dievaluasi Nasional", "national_evaluated", "Boleh kosong. Jumlah unit kerja yang dievaluasi "
          "Tim Penilai Nasional tahun ini (semua instansi), untuk siaran pers.", required=False),
    Label("Unit Berpredikat Nasional", "national_awarded", "Boleh kosong. Jumlah unit kerja yang meraih predikat "
          "WBK/WBBM secara nasional tahun ini, untuk siaran pers.", required=False),
    Label(
        "Tanggal Evaluasi",
        "evaluation_date",
        "Tanggal selesainya evaluasi Tim Penilai Internal, yang menjadi tanggal LHE; sebelum Tanggal Usulan. "
        "Kosong: LHE memakai Tanggal Usulan.",
        required=False,
    ),
    Label(
        "Tanggal Usulan",
        "proposal_date",
        "Tanggal surat usulan dan surat pernyataan. Kosong: tanggal ditulis tangan pada titik-titik.",
        required=False,
    ),
    Label("Opini BPK", "bpk_opinion", "Opini BPK atas laporan keuangan instansi, misalnya Wajar Tanpa Pengecualian (WTP).",
          required=False),
    Label("Nilai SAKIP", "sakip", "Nilai/predikat SAKIP instansi, misalnya BB (77,50).", required=False),
)
AWARD_DATES = ("ceremony_date", "proposal_date", "evaluation_date")  # labels whose value is a date

UNIT = Table(
    "Unit",
    (
        Column(
            "Kode", "code", 10,
            "Kode unik unit, tanpa spasi, misalnya UPT01. Kode yang sama ditulis di sel Kode Unit pada LKE unit ini.",
        ),
        Column("Nama Unit", "name", 44),
        Column("Jenis Unit", "kind", 28),
        Column("Kota", "city", 16),
        Column("Provinsi", "province", 20),
        Column("Kepala Unit", "head", 28),
        Column(
            "Predikat Diusulkan", "proposed", 12, "WBK atau WBBM.",
            choices=("WBK", "WBBM"), prompt="Pilih WBK atau WBBM.",
        ),
        Column(
            "Predikat Saat Ini", "current", 12,
            "Kosongkan, atau WBK/WBBM jika unit sudah berpredikat itu (WBK adalah syarat usulan WBBM).",
            choices=("", "WBK", "WBBM"), prompt="Kosongkan, atau WBK/WBBM jika unit sudah berpredikat itu.",
        ),
        Column(
            "Hasil Penetapan", "result", 12,
            "Kosongkan sampai pengumuman. Lalu WBK/WBBM jika mendapat penghargaan, atau Tidak.",
            choices=("", "WBK", "WBBM", "Tidak"), prompt="Kosongkan sampai pengumuman; lalu WBK, WBBM atau Tidak.",
        ),
        Column(
            "Kategori Penghargaan", "category", 36,
            "Teks bebas untuk siaran pers, misalnya Wilayah Bebas dari Korupsi.",
        ),
        Column(
            "Berkas LKE", "lke_file", 30,
            "Boleh kosong. Nama berkas LKE unit ini di folder lke/, jika namanya tidak diawali kode unit.",
            required=False,
        ),
        Column(
            "Berkas LKE TPI", "lke_tpi_file", 30,
            "Boleh kosong. Nama berkas LKE berisi jawaban TPI untuk unit ini di folder lke/, jika namanya tidak memuat kata TPI.",
            required=False,
        ),
        Column(
            "Penerima", "recipient", 32,
            "Yang menerima penghargaan atas nama unit (nama dan jabatan), untuk siaran pers. Boleh kosong.",
            required=False,
        ),
        Column("NIP Kepala Unit", "head_nip", 22, "NIP kepala unit, untuk blok tanda tangan surat pernyataan.", required=False),
        Column("Tahun WBK", "wbk_year", 12, "Boleh kosong. Tahun unit meraih predikat WBK, disebut siaran pers bila "
               "unit meraih WBBM.", required=False),
    ),
)
UNIT_RECOMMENDED = ("kind", "city", "province", "head")  # warned about when empty: the documents show them

QUOTE = Table(
    "Kutipan",
    (
        Column("Nama", "name", 30),
        Column("Jabatan", "position", 40),
        Column("Kutipan", "text", 90, "Kutipan pejabat untuk siaran pers, tanpa tanda petik."),
        Column(
            "Tahap", "phase", 12,
            "sebelum (rilis sebelum pengumuman), sesudah (setelah pengumuman), atau kosong (keduanya).",
            required=False, choices=("", "sebelum", "sesudah"),
            prompt="Kosongkan (keduanya), atau sebelum / sesudah pengumuman.",
        ),
    ),
)

INNOVATION = Table(
    "Inovasi",
    (
        Column("Kode Unit", "unit_code", 12, "Kode unit dari lembar Unit.", prompt="Pilih kode unit dari lembar Unit."),
        Column("Nama Inovasi", "name", 36),
        Column("Tahun", "year", 8, "Tahun inovasi mulai diterapkan."),
        Column("Uraian", "description", 80),
    ),
)

# --- The LKE workbook ----------------------------------------------------------------------

LKE_SHEET = "LKE"
GUIDE_SHEET = "Petunjuk"
LKE_HEADER_ROW = 8
LKE_UNIT_LABEL = "Kode Unit"  # the reader finds the unit's code to the right of this label
LKE_TITLE_LABELS = (LKE_UNIT_LABEL, "Nama Unit", "Tahun", "Instansi")  # above the table, in the Kode column
LKE_TOTAL_LABEL = "Nilai Total"  # above the table, left of the Nilai column; the total's formula sits to its right
LKE_INPUTS = ("answer", "note", "evidence", "tpi_answer", "tpi_note")  # filled in by the unit and the TPI: unlocked on coded rows, the rest protected
LKE = Table(
    LKE_SHEET,
    (
        Column("No", "position", 6, required=False),
        Column("Kode", "code", 11),
        Column("Pertanyaan", "question", 52, required=False),
        Column("Pilihan Jawaban", "options", 62, required=False),
        Column("Jawaban", "answer", 11),
        # Written as formulas for the unit to see its score (question 0-1, groups weighted); never read.
        Column("Nilai", "score", 9, required=False),
        Column("Catatan", "note", 32, required=False),
        Column("Bukti Dukung", "evidence", 32, required=False),
        # The TPI (Tim Penilai Internal) reviews each answer: its own answer, where it differs, and why.
        Column(
            "Jawaban TPI", "tpi_answer", 11,
            "Diisi Tim Penilai Internal (TPI): jawaban TPI bila berbeda dari jawaban unit. "
            "Kosong berarti jawaban unit yang dinilai.",
            required=False,
        ),
        Column("Catatan TPI", "tpi_note", 32, "Diisi TPI: alasan koreksi atau catatan atas bukti dukung.", required=False),
    ),
    header_row=LKE_HEADER_ROW,
)

# The Petunjuk sheet: (line, None) or ("", bullet under the line above).
GUIDE = [
    ("Petunjuk Pengisian LKE Zona Integritas", None),
    ("1. Jangan mengubah isi kolom Kode, nama kolom judul tabel, maupun sel Kode Unit di bagian atas lembar LKE.", None),
    ("2. Isi kolom Jawaban (sel kuning) untuk setiap pertanyaan:", None),
    ("", "Ya/Tidak: pilih Ya atau Tidak dari daftar."),
    ("", "Pilihan A-C, A-D atau A-E: pilih huruf yang sesuai dengan uraian di kolom Pilihan Jawaban."),
    ("", "Pertanyaan jumlah (kode bertitik, misalnya PRE3A.4): isi bilangan bulat 0 atau lebih pada setiap baris."),
    ("", "Jumlah yang sudah melaporkan LHKPN/LHKASN tidak boleh melebihi jumlah yang wajib melaporkan."),
    ("", "Nilai survei IPAK (HBA) dan IPKP (HPA): isi indeks 1,00 sampai 4,00, misalnya 3,72."),
    ("3. Kolom Catatan: penjelasan singkat atas jawaban (boleh kosong).", None),
    ("4. Kolom Bukti Dukung: satu bukti per baris (Alt+Enter) atau dipisah titik koma (;).", None),
    ("", "Tulis lokasi berkas relatif terhadap folder bukti, misalnya UPT01/sk-tim-zi.pdf, atau alamat https://..."),
    ("", "Untuk pertanyaan jumlah, tulis catatan dan bukti dukung pada baris input pertama."),
    ("5. Kolom Nilai dan sel Nilai Total dihitung otomatis dengan rumus, sebagai gambaran bagi unit:", None),
    ("", "tiap pertanyaan dinilai dari Jawaban TPI bila kolom itu terisi, selain itu dari Jawaban unit;"),
    ("", "nilai tiap pertanyaan 0 sampai 1; nilai sub-area = rata-rata nilai pertanyaannya x bobot;"),
    ("", "nilai area, bagian dan komponen = jumlah nilai di bawahnya. Jawaban yang kosong bernilai 0."),
    ("", "Nilai resmi tetap dihitung sekretariat dari jawaban menurut aturan penilaian."),
    ("6. Lembar LKE dikunci tanpa kata sandi: hanya kolom Jawaban, Catatan, Bukti Dukung, Jawaban TPI dan Catatan TPI yang dapat diisi.", None),
    ("7. Nama berkas LKE bebas. Simpan sebagai .xlsx dan kirim ke sekretariat.", None),
    ("8. Kolom Jawaban TPI dan Catatan TPI (sel hijau) diisi oleh Tim Penilai Internal, bukan oleh unit.", None),
    ("", "TPI mengisi Jawaban TPI hanya bila jawabannya berbeda dari jawaban unit; nilai resmi memakai jawaban TPI."),
    ("", "Kolom Nilai memakai Jawaban TPI pada baris yang diisi TPI, dan jawaban unit pada baris lainnya."),
    ("", "Sebelum TPI mengisi, kolom Nilai adalah penilaian mandiri unit; mengosongkan Jawaban TPI mengembalikan "
         "jawaban unit."),
]
