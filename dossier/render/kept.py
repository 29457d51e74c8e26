"""PDFs rendered once and kept in a folder by what makes their bytes: the recap's parts, a packet's dividers.

A rendering is kept as <key>.<seal>.pdf, the seal an HMAC of the key and the bytes under the
user's cache key (dossier/sealing.py), and used only while it carries that seal: a damaged,
replaced or forged file (one renamed to its own SHA-256, say) is rendered again, never used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from dossier.digests import code_digest, file_sha256
from dossier.errors import DossierError
from dossier.output import write_atomic
from dossier.sealing import seal

FILE_URL = re.compile(r"file://[^\"')\s]+")


class KeptRenderings:
    """One folder of kept renderings; `folder` None keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    @staticmethod
    def markup_key(html: str, *more: str) -> str:
        """The key of a rendering of `html` (and of `more`: its metadata, the sources it is made from).

        Every file the markup loads (a font) counts by its bytes in place of its path: a replaced
        font renders again, a moved workspace finds its renderings. dossier's own code and
        WeasyPrint's version count too: other code of the same version renders again.
        """
        import weasyprint  # deferred: only its version is needed, and importing it costs a second

        shown = FILE_URL.sub(lambda url: _file_digest(url.group(0)), html)
        digest = hashlib.sha256()
        for part in [shown, *more, code_digest(), weasyprint.__version__]:
            digest.update(hashlib.sha256(part.encode()).digest())
        return digest.hexdigest()[:40]

    def get(self, key: str, render: Callable[[], bytes]) -> bytes:
        """The rendering kept under `key` while it carries its seal, else `render()` kept anew."""
        data = self.find(key)
        return data if data is not None else self.keep(key, render())

    def find(self, key: str) -> bytes | None:
        """The rendering kept under `key` while it carries its seal; None when there is none (or not sealed)."""
        self.used.add(key)
        if self.folder is not None:
            for path in self.folder.glob(key + ".*.pdf"):
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if path.name == file_name(key, data):
                    return data
                path.unlink(missing_ok=True)  # damaged, changed or forged: rendered again by the caller
        return None

    def keep(self, key: str, data: bytes) -> bytes:
        """Keep `data` under `key` (sealed); the data back."""
        self.used.add(key)
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                write_atomic(self.folder / file_name(key, data), data)
            except (OSError, DossierError):
                pass  # a folder we cannot write (a remote worker, a full disk): the next build renders it again
        return data

    def prune(self) -> None:
        """Forget the renderings not used since this object was made (those of earlier content or layouts)."""
        for path in self.folder.glob("*.pdf") if self.folder is not None and self.folder.is_dir() else ():
            if path.name.split(".")[0] not in self.used or path.name.count(".") != 2:
                path.unlink(missing_ok=True)


def file_name(key: str, data: bytes) -> str:
    """The name a kept rendering carries: its key and the seal of its key and bytes."""
    mac = seal(key.encode() + b"\0" + data)
    return f"{key}.{mac}.pdf"


def _file_digest(url: str) -> str:
    """The SHA-256 of a file the markup loads (a font); empty when it cannot be read (WeasyPrint will say so)."""
    try:
        return file_sha256(Path(unquote(urlparse(url).path)))
    except OSError:
        return ""
