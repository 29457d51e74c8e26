"""Seal what caches keep, so that a file put into build/ by someone else is never taken for ours.

A cache entry (a read workbook, an office file converted to PDF) carries an HMAC-SHA256 of
what it says and of the source it came from, under a key that lives in the user's config
folder, outside every workspace. Write access to build/ is then not enough to forge an entry:
an entry that does not carry our seal is a miss, and its source is read or converted again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "cache-key"
_key: bytes | None = None


def key_path() -> Path:
    """Where the cache key lives: the user's config folder (never the workspace, which a unit's files reach)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base, "dossier", KEY_FILE)


def cache_key() -> bytes:
    """The secret that authenticates every cache entry of this user, made once (mode 0600).

    It lives outside build/, so write access to build/ is not enough to forge an entry. When
    it cannot be read or made (a read-only home), a key for this process alone is used: the
    caches then simply miss in the next run.
    """
    global _key  # one key per process, read once
    if _key is None:
        path = key_path()
        try:
            _key = _read_key(path)
        except OSError:
            _key = secrets.token_bytes(32)
    return _key


def _read_key(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(partial, path)  # the first process to make it wins; the others read its key
        except FileExistsError:
            pass
        finally:
            partial.unlink(missing_ok=True)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        key = handle.read()
    if len(key) < 16:
        raise OSError("cache key too short")
    return key


def seal(data: bytes) -> str:
    """The HMAC-SHA256 of `data` under the cache key: what a cache entry carries to show it is ours."""
    return hmac.new(cache_key(), data, hashlib.sha256).hexdigest()


def sealed(data: bytes, mac: str) -> bool:
    """Whether `mac` is the seal of `data` (compared in constant time)."""
    return isinstance(mac, str) and hmac.compare_digest(seal(data), mac)
