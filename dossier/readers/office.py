"""Office evidence files (DOCX, XLSX, ...) turned into PDF by LibreOffice headless, cached by content hash."""

from __future__ import annotations

import os
from pathlib import Path

from dossier.i18n import _
from dossier.model import AwardYear

OFFICE_SUFFIXES = (".docx", ".doc", ".xlsx", ".xls", ".pptx", ".ppt", ".odt", ".ods", ".odp", ".rtf")
CONVERT_SECONDS = 90  # one conversion; a file LibreOffice chokes on must not hold up the build
OFFICE_CACHE = ".bukti-pdf"  # in build/<year>/: converted evidence, one PDF per source content hash


class ConversionFailed(Exception):
    """Raised when an office file cannot be turned into PDF.

    `reason` is for the packet's divider page, a document: always in Bahasa Indonesia.
    `detail` is for the user's warning, in the language spoken.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason, self.detail = reason, detail or reason


def office_cache_dir(year: AwardYear) -> Path:
    """build/<year>/.bukti-pdf for the workspace of `year` (inputs/<year> sits beside build/<year>)."""
    return year.inputs.parent.parent / "build" / str(year.year) / OFFICE_CACHE


def office_to_pdf(source: Path, cache: Path | None = None, *, seconds: float | None = None) -> bytes:
    """Convert an office file to PDF with LibreOffice headless, kept in `cache` by the file's SHA-256.

    LibreOffice runs with a private profile in a temporary folder (always removed), in its
    own process group, killed whole when it takes longer than `seconds`.
    """
    import hashlib
    import shutil
    import signal
    import subprocess
    import tempfile

    seconds = seconds or CONVERT_SECONDS
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    kept = cache / f"{digest}.pdf" if cache is not None else None
    if kept is not None and kept.is_file():
        cached = kept.read_bytes()
        if cached.startswith(b"%PDF-"):
            return cached
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConversionFailed("LibreOffice tidak terpasang untuk mengubahnya ke PDF",
                               _("LibreOffice (soffice) is not installed; scripts/setup installs it"))
    with tempfile.TemporaryDirectory(prefix="dossier-office-") as tmp:
        folder = Path(tmp)
        # A plain name: LibreOffice names its output after the input, and the entry may hold any characters.
        given = folder / "in" / f"bukti{source.suffix.lower()}"
        given.parent.mkdir()
        given.write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                   "--convert-to", "pdf", "--outdir", str(folder / "out"), str(given)]
        env = {**os.environ, "HOME": str(folder)}
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, cwd=folder, start_new_session=True)
        try:
            output, _unused = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process, signal.SIGKILL)
            raise ConversionFailed(f"konversi ke PDF melebihi batas waktu {seconds:g} detik",
                                   _("LibreOffice took longer than {seconds} s").format(seconds=f"{seconds:g}")) from None
        finally:
            _kill_group(process, signal.SIGKILL)  # a helper left behind would keep the profile busy
        made = folder / "out" / "bukti.pdf"
        if process.returncode != 0 or not made.is_file() or not made.read_bytes().startswith(b"%PDF-"):
            said = " ".join((output or b"").decode("utf-8", "replace").split())[-200:]
            exited = _("LibreOffice exited with {code}").format(code=process.returncode)
            raise ConversionFailed("LibreOffice tidak dapat mengubahnya ke PDF (berkas rusak atau tidak didukung)",
                                   f"{exited}: {said}" if said else exited)
        pdf = made.read_bytes()
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_name(f".{kept.name}.{os.getpid()}")
            partial.write_bytes(pdf)
            os.replace(partial, kept)  # whole or not at all, even with two workers converting at once
        except OSError:
            pass  # a cache we cannot write only makes the next build convert again
    return pdf


def _kill_group(process, sig) -> None:
    import contextlib

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(Exception):
        process.wait(timeout=5)
