"""Digests: of bytes, of files, of the year's inputs, and of the keys incremental builds compare."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from dossier.errors import ArchiveError
from dossier.i18n import _


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """The digest of dossier's own code (every .py file of the package): the tool, in the keys.

    The version alone would keep documents made by other code of the same version: a checkout
    updated with `git pull`, a fix installed over the same version number. The templates, rules
    and settings are in the keys on their own.
    """
    package = Path(__file__).resolve().parent
    return files_digest(sorted((p.relative_to(package).as_posix(), p) for p in package.rglob("*.py")))


def input_listing(inputs_dir: Path) -> list[tuple[str, str]]:
    """(path relative to inputs_dir, SHA-256 of its content) of every file under it, sorted by path."""
    if not inputs_dir.is_dir():
        raise ArchiveError(_("{folder}: the inputs folder of the year is missing; the archive records a hash of it.")
                           .format(folder=inputs_dir))
    files = sorted((p.relative_to(inputs_dir).as_posix(), p) for p in inputs_dir.rglob("*") if p.is_file())
    return [(rel, file_sha256(path)) for rel, path in files]


def source_hash(inputs_dir: Path, listing: list[tuple[str, str]] | None = None) -> str:
    """Hash every file under inputs/<year>/: the SHA-256 of a sha256sum-style listing.

    The listing has one line '<sha256 of the file>  <path relative to inputs_dir>' per file,
    sorted by path, so it can be checked by hand:
    cd inputs/2024 && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum
    `listing`: input_listing(inputs_dir) taken a moment before, when the caller has it.
    """
    lines = "".join(f"{sha}  {rel}\n" for rel, sha in (input_listing(inputs_dir) if listing is None else listing))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def digest(data: object) -> str:
    """A digest of JSON-able data (anything else by its str), independent of key order."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def files_digest(files: Iterable[tuple[str, Path]]) -> str:
    """A digest of (name, path) pairs: the names as given and the files' contents."""
    result = hashlib.sha256()
    for name, path in files:
        result.update(name.encode() + b"\0")
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    result.update(block)
        except OSError:
            result.update(b"<missing>")
    return result.hexdigest()
