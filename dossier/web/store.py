"""What `dossier serve` keeps in the workspace: accounts, the audit trail and the jobs.

Everything lives in `<workspace>/.dossier/` (hidden, beside dossier.toml, outside inputs/
and build/): `web.sqlite` (SQLite through the standard library, in WAL mode so the server
and the `dossier pengguna` commands can use it at once), `rahasia` (the key that signs
session cookies; made once, readable by its owner only) and `pekerjaan/<id>.log` (each
job's output). Passwords are kept as scrypt hashes with a random salt per password.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import DossierError
from dossier.i18n import _

FOLDER = ".dossier"
DATABASE = "web.sqlite"
SECRET = "rahasia"
ROLES = ("sekretariat", "tpi", "unit", "pimpinan")
MIN_PASSWORD = 8
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# scrypt at N=2**14, r=8, p=1 (16 MiB, about 50 ms): the parameters are stored with each hash.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, user TEXT NOT NULL,
    state TEXT NOT NULL, created REAL NOT NULL, started REAL, ended REAL, exit_code INTEGER
);
"""


class AccountError(DossierError):
    """Raised when an account command is given a name, role, unit or password it cannot use."""


@dataclass(frozen=True)
class User:
    """A person who signs in: a name, one role and, for a unit account, the unit's code."""

    name: str
    role: str
    unit: str = ""


@dataclass(frozen=True)
class Job:
    """One run of a CLI command on the workspace, queued, running or ended."""

    id: int
    command: tuple[str, ...]
    user: str
    state: str  # antri, berjalan, selesai, gagal, dibatalkan, terputus
    created: float
    started: float | None
    ended: float | None
    exit_code: int | None

    @property
    def finished(self) -> bool:
        return self.state not in ("antri", "berjalan")


def hash_password(password: str) -> str:
    """The stored form of a password: scrypt with a fresh 16-byte salt, its parameters alongside."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` gives `stored`, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        made = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                              maxmem=64 * 1024 * 1024, dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(made.hex(), digest)


# A hash to compare against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = hash_password(secrets.token_hex(8))


class Store:
    """The server's database of one workspace."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / FOLDER
        self.path = self.folder / DATABASE
        self.folder.mkdir(mode=0o700, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        db.execute("PRAGMA busy_timeout=15000")
        return db

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with closing(self._connect()) as db:
            return db.execute(sql, args).fetchall()

    def _insert(self, sql: str, args: tuple) -> int:
        with closing(self._connect()) as db:
            return db.execute(sql, args).lastrowid or 0

    # --- the key that signs cookies -------------------------------------------------------

    def secret(self) -> bytes:
        """The key that signs session cookies: made once, kept in .dossier/rahasia (owner-only)."""
        path = self.folder / SECRET
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            pass
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex())
        return key

    # --- accounts ---------------------------------------------------------------------------

    def add_user(self, name: str, role: str, unit: str, password: str) -> User:
        """Add an account; refuse a taken or malformed name, an unknown role, a short password."""
        check_name(name)
        if role not in ROLES:
            raise AccountError(_("role '{role}' is not known; choose one of {roles}.")
                               .format(role=role, roles=", ".join(ROLES)))
        if role == "unit" and not unit:
            raise AccountError(_("a unit account needs its unit: give --unit CODE."))
        if role != "unit" and unit:
            raise AccountError(_("only a unit account belongs to a unit; leave out --unit for role {role}.")
                               .format(role=role))
        check_new_password(password)
        if self.user(name):
            raise AccountError(_("an account named '{name}' already exists; choose another name, "
                                 "or change its password with 'dossier pengguna sandi'.").format(name=name))
        self._run("INSERT INTO users (name, role, unit, hash, created) VALUES (?, ?, ?, ?, ?)",
                  (name, role, unit, hash_password(password), time.time()))
        return User(name, role, unit)

    def user(self, name: str) -> User | None:
        rows = self._run("SELECT name, role, unit FROM users WHERE name = ?", (name,))
        return User(*rows[0]) if rows else None

    def users(self) -> list[User]:
        return [User(*row) for row in self._run("SELECT name, role, unit FROM users ORDER BY role, name")]

    def check_exists(self, name: str) -> None:
        if not self.user(name):
            raise AccountError(_("there is no account named '{name}' ('dossier pengguna daftar' lists them).")
                               .format(name=name))

    def remove_user(self, name: str) -> None:
        self.check_exists(name)
        self._run("DELETE FROM users WHERE name = ?", (name,))

    def set_password(self, name: str, password: str) -> None:
        self.check_exists(name)
        check_new_password(password)
        self._run("UPDATE users SET hash = ? WHERE name = ?", (hash_password(password), name))

    def authenticate(self, name: str, password: str) -> User | None:
        """The account when the password is right; None otherwise (in the same time either way)."""
        rows = self._run("SELECT name, role, unit, hash FROM users WHERE name = ?", (name,))
        stored = rows[0][3] if rows else _DUMMY
        ok = check_password(password, stored)
        return User(*rows[0][:3]) if rows and ok else None

    # --- who did what -------------------------------------------------------------------------

    def record(self, user: str, action: str, target: str = "", detail: str = "") -> None:
        self._run("INSERT INTO audit (at, user, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                  (time.time(), user, action, target, detail))

    def audit(self, limit: int | None = None) -> list[tuple[float, str, str, str, str]]:
        sql = "SELECT at, user, action, target, detail FROM audit ORDER BY id DESC"
        return self._run(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())

    # --- jobs -----------------------------------------------------------------------------------

    def add_job(self, command: tuple[str, ...], user: str) -> int:
        return self._insert("INSERT INTO jobs (command, user, state, created) VALUES (?, ?, 'antri', ?)",
                            ("\x1f".join(command), user, time.time()))

    def job(self, job_id: int) -> Job | None:
        rows = self._run("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def jobs(self, limit: int = 50) -> list[Job]:
        return [_job(row) for row in self._run("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,))]

    def next_job(self) -> Job | None:
        rows = self._run("SELECT * FROM jobs WHERE state = 'antri' ORDER BY id LIMIT 1")
        return _job(rows[0]) if rows else None

    def set_job(self, job_id: int, state: str, **fields) -> None:
        names = ", ".join(f"{k} = ?" for k in fields)
        self._run(f"UPDATE jobs SET state = ?{', ' + names if names else ''} WHERE id = ?",
                  (state, *fields.values(), job_id))

    def interrupt_running(self) -> int:
        """Mark jobs left running by a server that stopped as interrupted; how many there were."""
        rows = self._run("SELECT id FROM jobs WHERE state = 'berjalan'")
        self._run("UPDATE jobs SET state = 'terputus', ended = ? WHERE state = 'berjalan'", (time.time(),))
        return len(rows)

    def log_path(self, job_id: int) -> Path:
        folder = self.folder / "pekerjaan"
        folder.mkdir(exist_ok=True)
        return folder / f"{int(job_id)}.log"


def _job(row: tuple) -> Job:
    job_id, command, user, state, created, started, ended, exit_code = row
    return Job(job_id, tuple(command.split("\x1f")), user, state, created, started, ended, exit_code)


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise AccountError(_("'{name}' cannot be an account name; use 1-64 letters, digits, '.', '_' or '-', "
                             "starting with a letter or digit.").format(name=name))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("the password is too short; use at least {count} characters.").format(count=MIN_PASSWORD))
