"""Every kind of document the build makes, in the order a task renders them.

Adding a kind: declare a DocumentKind in its own module (see documents/kinds.py), with
its template, and list it here. Nothing else changes: the build, the archive, 'archive
verify' and the help of the commands that write it read the kind
(tests/test_registry.py adds one so).
"""

from __future__ import annotations

from dossier.documents import dossier, feedback, letter, lhe, packet, recap, recap_xlsx, release
from dossier.documents.kinds import DocumentKind

KINDS: list[DocumentKind] = [
    dossier.PDF_KIND,
    dossier.DOCX_KIND,
    packet.KIND,
    recap.PDF_KIND,
    recap_xlsx.XLSX_KIND,
    release.PDF_KIND,
    release.DOCX_KIND,
    feedback.XLSX_KIND,
    feedback.PDF_KIND,
    lhe.PDF_KIND,
    lhe.DOCX_KIND,
    letter.PDF_KIND,
    letter.DOCX_KIND,
]


def register(kind: DocumentKind) -> None:
    """Add a kind (after those above); a kind of the same name is replaced."""
    unregister(kind.kind)
    KINDS.append(kind)


def unregister(name: str) -> None:
    KINDS[:] = [k for k in KINDS if k.kind != name]


def written_by(command: str) -> list[DocumentKind]:
    """The kinds a command writes ('build', 'report', 'umpan-balik'), in the order they render."""
    return [k for k in KINDS if command in k.commands]


def archived_kinds() -> dict[str, DocumentKind]:
    """The kinds 'dossier archive' keeps, by name."""
    return {k.kind: k for k in KINDS if k.archived}
