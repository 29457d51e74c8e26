"""Who is asking, and what they may do: signed session cookies, CSRF tokens, throttled sign-in, roles.

The session cookie holds the account name, a random nonce and when it was issued, signed
with HMAC-SHA256 by the workspace's key (.dossier/rahasia): HttpOnly, SameSite=Lax.
Every form carries a CSRF token derived from the key and the session's nonce, and every
POST is refused without it. Behind an office proxy that authenticates, a trusted header
may name the account instead, accepted only from the proxy's address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from dossier.web.store import Store, User

COOKIE = "dossier_sesi"
SESSION_SECONDS = 12 * 3600
# Sign-in attempts: at most this many failures per name and per address in the window, then wait.
ATTEMPTS, WINDOW = 5, 300


@dataclass(frozen=True)
class Session:
    """A signed-in visitor: the account and the nonce its CSRF token is made from."""

    user: User
    nonce: str


class Signer:
    """Sign and check session cookies and CSRF tokens with the workspace's key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, text: str) -> str:
        return hmac.new(self.key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def cookie(self, name: str) -> str:
        payload = json.dumps({"u": name, "n": secrets.token_hex(16), "t": int(time.time())}, separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii")
        return f"{body}.{self._mac(body)}"

    def read(self, value: str | None) -> tuple[str, str] | None:
        """The (account name, nonce) of a cookie that is ours, unaltered and not expired."""
        if not value or "." not in value:
            return None
        body, _sep, mac = value.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
            name, nonce, issued = str(data["u"]), str(data["n"]), int(data["t"])
        except (ValueError, KeyError, TypeError):
            return None
        if not 0 <= time.time() - issued <= SESSION_SECONDS:
            return None
        return name, nonce

    def csrf(self, session: Session) -> str:
        return self._mac(f"csrf:{session.user.name}:{session.nonce}")

    def csrf_ok(self, session: Session, token: object) -> bool:  # a form field may be a file: it never matches
        return bool(token) and hmac.compare_digest(str(token), self.csrf(session))


class Throttle:
    """Count failed sign-ins per name and per address; refuse more than ATTEMPTS within WINDOW seconds."""

    def __init__(self) -> None:
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self.failures.get(key, []) if now - t < WINDOW]
        self.failures[key] = kept
        return kept

    def blocked(self, *keys: str) -> int:
        """Seconds to wait before trying again (0: go ahead)."""
        now = time.time()
        with self.lock:
            waits = [int(WINDOW - (now - recent[0])) + 1 for key in keys
                     if len(recent := self._recent(key, now)) >= ATTEMPTS]
        return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.time()
        with self.lock:
            for key in keys:
                self._recent(key, now).append(now)

    def cleared(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)


class Gate:
    """Find who is asking: the proxy's header (from the proxy only) or the session cookie."""

    def __init__(self, store: Store, signer: Signer, proxy_header: str | None = None, proxy_from: str | None = None):
        self.store = store
        self.signer = signer
        self.proxy_header = proxy_header
        self.proxy_from = proxy_from

    def session(self, request) -> Session | None:
        if self.proxy_header:
            client = request.client.host if request.client else ""
            named = request.headers.get(self.proxy_header)
            if named and client == self.proxy_from:
                user = self.store.user(named.strip())
                # The proxy vouches for the person; the nonce binds CSRF tokens to the account.
                return Session(user, "proxy") if user else None
        read = self.signer.read(request.cookies.get(COOKIE))
        if read is None:
            return None
        user = self.store.user(read[0])  # a removed account is signed out at once
        return Session(user, read[1]) if user else None


# --- what each role may do ------------------------------------------------------------------


def sees_all(user: User) -> bool:
    """The secretariat, the TPI and the leadership see every unit; a unit sees its own."""
    return user.role in ("sekretariat", "tpi", "pimpinan")


def may_read(user: User, code: str | None) -> bool:
    """Whether `user` may see a unit's page, files and documents (code None: the year's own documents)."""
    return sees_all(user) or (user.role == "unit" and code is not None and user.unit == code)


def may_upload_lke(user: User, code: str) -> bool:
    return user.role == "sekretariat" or (user.role == "unit" and user.unit == code)


def may_upload_review(user: User) -> bool:
    return user.role in ("sekretariat", "tpi")


def may_run_jobs(user: User) -> bool:
    return user.role == "sekretariat"
