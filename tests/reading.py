"""What a reader finds in a built document: the text of a PDF as poppler's pdftotext reads it, of a DOCX as Word shows it."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from docx import Document


def pdf_text(pdf: Path | bytes, *options: str) -> str:
    """pdftotext's text of a PDF file or of PDF bytes; `options` as pdftotext takes them ("-layout", "-f", "2"...)."""
    data = pdf if isinstance(pdf, bytes) else None
    source = "-" if data is not None else str(pdf)
    return subprocess.run(["pdftotext", *options, source, "-"], input=data, capture_output=True, check=True).stdout.decode()


def flat(text: str) -> str:
    """`text` as one line: every run of white space one space, soft hyphens gone, no-break spaces plain."""
    return " ".join(text.replace("\u00ad", "").replace("\u00a0", " ").split())


def docx_text(docx: Path | bytes) -> str:
    """The paragraphs of a DOCX, then each table row on a line of its own (its cells joined by " | "),
    then the headers and footers."""
    document = Document(io.BytesIO(docx) if isinstance(docx, bytes) else str(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [" | ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)
