"""Start the web workspace (uvicorn), and read a new password for `dossier pengguna`."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

from dossier.i18n import _


def reach(host: str, port: int) -> str:
    """One line saying who can now open the server."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return _("Open http://{host}:{port}/ in a browser on this computer; only this computer can reach it "
                 "(--host 0.0.0.0 opens it to the office network).").format(host=host, port=port)
    return _("Listening on {host}:{port}: every computer that can reach this one on the network can now open "
             "the sign-in page; put it behind the office's HTTPS proxy (see deploy/).").format(host=host, port=port)


def serve(root: Path, host: str, port: int, proxy_header: str | None, proxy_from: str | None, say) -> None:
    """Run the web workspace of `root` until interrupted."""
    # Deferred: `dossier pengguna` imports this module for read_password and needs no web server.
    import uvicorn

    from dossier.web.app import create_app

    app = create_app(root, proxy_header=proxy_header, proxy_from=proxy_from)
    say(reach(host, port))
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)


def unknown_unit(ws, code: str) -> str:
    """A warning when `code` is no unit of the newest year's register (empty when it is, or no register yet)."""
    from dossier.errors import DossierError
    from dossier.layout import REGISTER
    from dossier.readers.register import read_register

    try:
        year = ws.year(None)
    except DossierError:
        return ""
    path = ws.inputs(year) / REGISTER
    register = read_register(path, year) if path.is_file() else None
    if register is None or not register.units_read or not register.units:
        return ""
    codes = [u.code for u in register.units]
    if code in codes:
        return ""
    return _("unit {code} is not in the register of {year} (units: {codes}); the account can sign in, "
             "but sees nothing until the register lists the unit").format(code=code, year=year, codes=", ".join(codes))


def read_password() -> str:
    """A new password: typed twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat the password"))
    return sys.stdin.readline().rstrip("\r\n")
