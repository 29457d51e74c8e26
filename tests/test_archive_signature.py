"""The optional PAdES signature of daftar-arsip.pdf, tested with a throwaway CA made here."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import pytest

pytest.importorskip("pyhanko", reason="pyHanko (the 'pades' extra) is not installed")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from dossier import archive  # noqa: E402
from dossier.archive import archive_year  # noqa: E402
from dossier.archive_verify import verify_year  # noqa: E402
from dossier.errors import ArchiveError  # noqa: E402
from dossier.output import Output  # noqa: E402
from dossier.workspace import Workspace  # noqa: E402
from tests.test_archive import YEAR, make_workspace, pdfs  # noqa: E402,F401  (pdfs is a fixture)

NOW = datetime.datetime.now(datetime.UTC)


def _certificate(subject: str, key, issuer: x509.Certificate | None, issuer_key, *, ca: bool) -> x509.Certificate:
    usage = {"digital_signature": True, "content_commitment": not ca, "key_encipherment": False,
             "data_encipherment": False, "key_agreement": False, "key_cert_sign": ca, "crl_sign": ca,
             "encipher_only": False, "decipher_only": False}
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def make_ca(folder, name: str) -> dict:
    """A throwaway CA and a signing certificate it issued, written as PEM files under `folder`."""
    folder.mkdir(parents=True)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(f"CA Uji {name}", ca_key, None, ca_key, ca=True)
    cert = _certificate(f"Sekretariat ZI {name}", key, ca, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "sertifikat.pem").write_bytes(cert.public_bytes(pem))
    (folder / "kunci.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    return {"ca": folder / "ca.pem", "sertifikat": folder / "sertifikat.pem", "kunci": folder / "kunci.pem"}


def configure(ws: Workspace, files: dict, *, ca: str | None = None) -> None:
    lines = ["[arsip]"] + [f'{k} = "{files[k].relative_to(ws.root).as_posix()}"' for k in ("sertifikat", "kunci")]
    if ca:
        lines.append(f'ca = "{ca}"')
    (ws.root / "dossier.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.__dict__.pop("settings", None)  # read the settings again


@pytest.fixture
def signed(tmp_path, pdfs) -> Workspace:
    ws = make_workspace(tmp_path / "kerja", pdfs)
    configure(ws, make_ca(ws.root / "tanda-tangan", "Kementerian"), ca="tanda-tangan/ca.pem")
    archive_year(ws, YEAR)
    return ws


@pytest.mark.slow
def test_the_index_is_signed_and_verifies(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader

    index = signed.archive_dir(YEAR) / "daftar-arsip.pdf"
    (signature,) = PdfFileReader(io.BytesIO(index.read_bytes())).embedded_signatures
    assert signature.field_name == "TandaTanganArsip"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    manifest = (signed.archive_dir(YEAR) / "manifest.json").read_bytes()
    assert PdfReader(index).attachments["manifest.json"] == [manifest]

    assert verify_year(signed, YEAR, hashlib.sha256(manifest).hexdigest()) == []


def test_a_changed_byte_in_the_signed_index_is_found(signed):
    index = signed.archive_dir(YEAR) / "daftar-arsip.pdf"
    data = bytearray(index.read_bytes())
    at = data.index(b"/Producer")  # a byte the signature covers, in the document information
    data[at + 2] ^= 0x01
    index.write_bytes(bytes(data))

    findings = [str(f) for f in verify_year(signed, YEAR)]

    assert any(f.startswith("archive/2024/daftar-arsip.pdf: signature: TandaTanganArsip (signed by Common Name: "
                            "Sekretariat ZI Kementerian) no longer matches the file") for f in findings), findings


def test_something_added_after_signing_is_found(signed):
    index = signed.archive_dir(YEAR) / "daftar-arsip.pdf"
    writer = PdfWriter(io.BytesIO(index.read_bytes()), incremental=True)
    writer.add_metadata({"/Subject": "diubah"})
    out = io.BytesIO()
    writer.write(out)
    index.write_bytes(out.getvalue())

    findings = [str(f) for f in verify_year(signed, YEAR)]

    assert any("does not cover the whole file: something was added after signing" in f for f in findings), findings


def test_an_unsigned_index_is_found_when_a_certificate_is_configured(signed):
    folder = signed.archive_dir(YEAR)
    manifest = (folder / "manifest.json").read_bytes()
    data = json.loads(manifest)
    files = [Output(f["path"], f["kind"], f["unit"] or "", f["bytes"], f["sha256"]) for f in data["files"]]
    header = {k: v for k, v in data.items() if k not in ("year", "files")}
    (folder / "daftar-arsip.pdf").write_bytes(archive.render_index(signed, YEAR, header, files, manifest))

    assert [str(f) for f in verify_year(signed, YEAR)] == [
        f"archive/2024/daftar-arsip.pdf: signature: not signed, though {signed.root / 'dossier.toml'} "
        "names a certificate to sign with"
    ]


def test_a_signature_by_another_ca_is_not_trusted(tmp_path, pdfs):
    ws = make_workspace(tmp_path / "kerja", pdfs)
    configure(ws, make_ca(ws.root / "lain", "Palsu"))
    make_ca(ws.root / "tanda-tangan", "Kementerian")
    archive_year(ws, YEAR)
    configure(ws, {k: ws.root / "lain" / f"{k}.pem" for k in ("sertifikat", "kunci")}, ca="tanda-tangan/ca.pem")

    findings = [str(f) for f in verify_year(ws, YEAR)]

    assert findings == [
        "archive/2024/daftar-arsip.pdf: signature: TandaTanganArsip is signed by Common Name: Sekretariat ZI Palsu, "
        f"whose certificate is not issued by the CA {ws.root / 'tanda-tangan' / 'ca.pem'}"
    ]


def test_a_key_that_does_not_load_is_refused_with_a_message(tmp_path, pdfs):
    ws = make_workspace(tmp_path / "kerja", pdfs)
    files = make_ca(ws.root / "tanda-tangan", "Kementerian")
    files["kunci"].write_text("bukan kunci", encoding="utf-8")
    configure(ws, files)

    with pytest.raises(ArchiveError, match=r"\[arsip\] the key .*kunci\.pem and certificate .* could not be loaded"):
        archive_year(ws, YEAR)
    assert not ws.archive_dir(YEAR).exists()
