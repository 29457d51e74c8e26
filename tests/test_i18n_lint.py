"""Every message a user reads is marked for translation, and translated (issue 16).

A lint over dossier's sources: the text given to click.echo/secho, to the CLI's info/debug,
to every error class, to every Problem and to the readers' error()/warning() is a gettext call (`_`, `ngettext`),
a message kept to be worded when shown (`msg`, `nmsg` from dossier.errors), or something
built elsewhere from one, never a bare English literal or f-string (a problem's code, such as
'lke.answer.not_option', is no text a user reads). Inside `_()` and `msg()` there is a
literal, or a name marked with N_() where it is defined, never an f-string (it would never
match the catalog). Then the catalog: every marked
message is in dossier.po, and each has its Indonesian.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dossier import i18n

PACKAGE = Path(i18n.__file__).parent
REPO = PACKAGE.parent
PO = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "dossier.po"

GETTEXT = {"_", "ngettext", "N_", "msg", "nmsg"}
PLURAL = {"ngettext", "nmsg"}  # their first two arguments are texts
# A problem's code ('lke.answer.not_option') and a severity ('warning') are no text a user reads.
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
# Callables whose first argument (or `message=`) is a text the user reads.
SHOWN = {"echo", "secho", "info", "debug", "fail", "ClickException", "UsageError", "BadParameter"}
BUILTIN = set(dir(builtins))
WORD = re.compile(r"[A-Za-z]{2,}")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _shown_text(node: ast.Call) -> ast.expr | None:
    """The argument of `node` that a user reads, when `node` shows or raises a message."""
    name = _name(node.func)
    keywords = {k.arg: k.value for k in node.keywords}
    if name in {"Problem", "error", "warning"}:  # Problem(where, what, ..., fix=), reader.error(where, code, what, fix)
        texts = [a for a in node.args[1:] if not _is_code(a)]
        texts += [keywords[k] for k in ("what", "fix", "message") if k in keywords]
        return next((t for t in texts if _literal_words(t)), texts[0] if texts else None)
    if name in SHOWN or name.endswith("Error") and name not in BUILTIN:  # dossier's errors; ValueError stays inside
        return keywords.get("message", node.args[0] if node.args else None)
    return None


def _is_code(node: ast.expr) -> bool:
    """A problem's code (or a choice of two), not words."""
    if isinstance(node, ast.IfExp):
        return _is_code(node.body) and _is_code(node.orelse)
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(CODE.match(node.value))


def _literal_words(node: ast.expr) -> bool:
    """True when `node` is English written in place: a literal, an f-string or a sum holding words."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join"}:
        return _literal_words(node.func.value)  # "...{x}".format(x=1), not _("...").format(x=1)
    return False


def _built_in_place(node: ast.expr) -> bool:
    """`_(f"...")`, `_("a" + b)`, `_("...".format(x))`: a text the catalog can never hold."""
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join"}
    return isinstance(node, (ast.JoinedStr, ast.BinOp))  # a name is a text marked with N_() where it is defined


def findings() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "i18n.py":
            continue  # the machinery: `_` passes its argument on
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(REPO)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) in GETTEXT:
                texts = node.args[:2] if _name(node.func) in PLURAL else node.args[:1]
                if any(_built_in_place(t) for t in texts):
                    found.append(f"{where}:{node.lineno}: {_name(node.func)}() of a text built in place, not a literal")
                continue
            text = _shown_text(node)
            if text is not None and _literal_words(text):
                found.append(f"{where}:{node.lineno}: {_name(node.func)}() shows text not marked for translation: "
                             f"{ast.unparse(text)[:70]}")
    return found


@pytest.mark.slow
def test_every_message_shown_is_marked_for_translation():
    found = findings()
    assert not found, "mark these with _() or ngettext() (dossier.i18n):\n" + "\n".join(found)


def test_the_lint_sees_what_it_should():
    source = '''
raise WorkbookError(f"{path}: sheet {name} is missing")
raise WorkbookError(_("{path}: sheet {name} is missing").format(path=path, name=name))
Problem(where, "not a number")
Problem(where, msg("not a number"), fix=msg("write a number"), code="lke.answer.not_a_number")
click.echo(f"{a}: {b}")
click.echo("Wrote {n} files".format(n=3))
_(f"wrote {n}")
_(HOWTO)
self.error(where, f"{code} appears twice")
self.error(where, "lke.code.repeated", msg("{code} appears twice", code=code), msg("keep one row per indicator"))
self.warning(where, "lke.code.repeated", msg("{code} appears twice", code=code), "keep one row per indicator")
Problem(where, msg("not a number"), fix="write a number")
msg(f"{code} appears twice")
'''
    tree = ast.parse(source)
    flagged = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _name(node.func) in GETTEXT and _built_in_place(node.args[0]):
                flagged.append(node.lineno)
            text = _shown_text(node)
            if text is not None and _literal_words(text):
                flagged.append(node.lineno)
    assert sorted(flagged) == [2, 4, 7, 8, 10, 12, 13, 14]


def _marked() -> set[str]:
    """The msgids (singular) marked in dossier's sources, extracted as `scripts/catalogs update` does."""
    method_map = [("**.py", "dossier.babel_extract:extract")]
    keywords = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2), "msg": None, "nmsg": (1, 2)}
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map, keywords=keywords):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.slow
def test_every_marked_message_has_its_indonesian():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(_marked() - set(translated))
    assert not missing, "not in dossier.po yet, run scripts/catalogs update and translate:\n" + "\n".join(missing)
    untranslated = sorted(
        (m.id if isinstance(m.id, str) else m.id[0]) for m in translated.values()
        if m.fuzzy or not all(m.string if isinstance(m.string, (tuple, list)) else (m.string,)))
    assert not untranslated, "no Indonesian yet in dossier.po:\n" + "\n".join(untranslated)


def test_placeholders_are_kept_in_the_translation():
    """A translation that drops or renames a {placeholder} would fail only when the message is shown."""
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(re.findall(r"\{[^{}]*\}", ids[-1]))
        for string in strings:
            assert set(re.findall(r"\{[^{}]*\}", string)) == wanted, (entry.id, string)


def test_no_message_carries_the_systems_english_for_a_file_error():
    """Regression: "Is a directory" or "Not a directory" (the system's strerror, English whatever the language
    spoken) appeared inside Indonesian messages. Every module words an OSError through errors.os_reason."""
    package = Path(__file__).resolve().parent.parent / "dossier"
    using = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                   if ".strerror" in p.read_text(encoding="utf-8") and p.name != "errors.py")
    assert using == []


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "itu folder, bukan berkas"),
    (lambda p: None, "tidak ada"),
])
def test_a_file_error_is_worded_in_the_language_spoken(tmp_path, speak, make, words):
    import errno as codes

    from dossier.errors import os_reason

    path = tmp_path / "logo.png"
    make(path)
    speak("id")
    try:
        path.read_bytes()
    except OSError as exc:
        assert str(os_reason(exc)) == words
    assert str(os_reason(OSError(codes.ENOSPC, "No space left on device"))) == "disk penuh"
    assert str(os_reason(OSError(codes.EXDEV, "Invalid cross-device link"))) == "Invalid cross-device link"  # rare: as said
