"""The language dossier speaks: Bahasa Indonesia by default, English on request.

The people who run dossier are Indonesian secretariat staff, often on an English Windows,
so the machine's LANG / LC_ALL are not asked: the language is Indonesian unless
DOSSIER_LANG=en is set or the workspace's dossier.toml says `[antarmuka] bahasa = "en"`.
The choice is exported as DOSSIER_LANG so worker processes speak the same language.

Messages are written in English in the source (the gettext msgids) and marked with `_` or
`ngettext`; the catalogs live in dossier/locale/<lang>/LC_MESSAGES/ (domain `dossier`, and
domain `click` for Click's own strings such as "Usage:" and "Show this message and exit.").
English needs no catalog. A .po file is compiled by the build (setup.py); a source tree
without the compiled .mo, or with one older than its .po, compiles the .po in memory.

Click's help texts (command docstrings, option help) are English msgids, translated when the
help is shown (see TranslatedHelp): they are defined at import time, before the workspace,
and with it the language, is known.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import inspect
import io
import os
import tomllib
from pathlib import Path

import click

DOMAIN = "dossier"
CLICK_DOMAIN = "click"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
ENV = "DOSSIER_LANG"

_state: dict[str, object] = {}


def choose_language(workspace: Path | None = None) -> str:
    """The language to speak: DOSSIER_LANG, else the workspace's [antarmuka] bahasa, else Indonesian."""
    wanted = _known(_asked())
    if wanted:
        return wanted
    if workspace is not None:
        wanted = _known(_configured(workspace))
        if wanted:
            return wanted
    return DEFAULT_LANGUAGE


def _asked() -> str:
    """DOSSIER_LANG as the user (or a parent process) set it, not as set_language exported it here."""
    value = os.environ.get(ENV, "")
    if value and value == _state.get("exported") and not _state.get("user_set"):
        return ""  # ours: a workspace named later (-C) may still choose its language
    return value


def _known(name: str) -> str | None:
    """'en', 'EN', 'en_US.UTF-8' -> 'en'; anything that is not one of LANGUAGES -> None."""
    code = str(name).strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


def _configured(workspace: Path) -> str:
    """[antarmuka] bahasa of the workspace's dossier.toml; '' when absent or unreadable (config.py reports that)."""
    try:
        data = tomllib.loads((workspace / "dossier.toml").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    section = data.get("antarmuka")
    value = section.get("bahasa", "") if isinstance(section, dict) else ""
    return value if isinstance(value, str) else ""


def set_language(language: str) -> str:
    """Speak `language` from now on, in this process, in the worker processes it starts and in Click."""
    language = _known(language) or DEFAULT_LANGUAGE
    _state["user_set"] = bool(_asked())
    os.environ[ENV] = _state["exported"] = language
    _state["language"] = language
    _state["dossier"] = catalog(language, DOMAIN)
    _state["click"] = click_catalog = catalog(language, CLICK_DOMAIN)
    _translate_click(click_catalog)
    return language


def use_workspace(workspace: Path | None = None) -> str:
    """Choose the language for `workspace` (its dossier.toml) and speak it."""
    return set_language(choose_language(workspace))


@contextlib.contextmanager
def speaking(language: str):
    """Speak `language` inside the block (a document that is always Indonesian), then as before."""
    before = dict(_state)
    before_env = os.environ.get(ENV)
    set_language(language)
    try:
        yield
    finally:
        _state.clear()
        _state.update(before)
        if before_env is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before_env
        if isinstance(click_catalog := _state.get("click"), _gettext.NullTranslations):
            _translate_click(click_catalog)


def language() -> str:
    """The language spoken now ('id' or 'en')."""
    if "language" not in _state:
        use_workspace(None)
    return _state["language"]  # type: ignore[return-value]


def catalog(language: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """The translations of `domain` into `language`; English (no catalog) passes messages through."""
    return _load(LOCALE_DIR / language / "LC_MESSAGES", domain)


@functools.cache
def _load(folder: Path, domain: str) -> _gettext.NullTranslations:
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    # A second of slack: an installer may write the .po a moment after the .mo built from it.
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime - 1):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if po.is_file():  # a source tree that was never built, or a .po edited since
        return _gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    return _gettext.NullTranslations()


def compile_po(po: Path) -> bytes:
    """The .mo bytes of a .po catalog (Babel, as `pybabel compile` does; fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        messages = read_po(handle)
    out = io.BytesIO()
    write_mo(out, messages, use_fuzzy=False)
    return out.getvalue()


def _translations(domain: str = "dossier") -> _gettext.NullTranslations:
    if domain not in _state:
        language()
    return _state[domain]  # type: ignore[return-value]


def _(message: str) -> str:
    """`message` (English) in the language spoken now."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form, for `n`, in the language spoken now (Indonesian has one form)."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the language spoken now, as meant in `context` (a short word that may mean several things)."""
    return _translations().pgettext(context, message)


def decimal(value: float, places: int = 1) -> str:
    """`value` written as the language writes it: '4,2' in Indonesian, '4.2' in English (Babel)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0." + "0" * places, locale=language())


def click_text(message: str) -> str:
    """One of Click's own messages (domain `click`), in the language spoken now."""
    return _translations(CLICK_DOMAIN).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet (translated where it is shown)."""
    return message


# Click does `from gettext import gettext as _` (and ngettext) in each module, which looks in
# the process-wide domain 'messages' under the machine's LANG. Pointing those module names at
# our `click` catalog makes Click speak the chosen language whatever LANG says.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                  "shell_completion", "_termui_impl", "utils")


def _translate_click(translations: _gettext.NullTranslations) -> None:
    import importlib

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a Click without that module
            continue
        if hasattr(module, "_"):
            setattr(module, "_", translations.gettext)  # noqa: B010 (a module attribute mypy cannot know)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", translations.ngettext)  # noqa: B010


def translate_help(command, ctx=None) -> None:
    """Put `command`'s help, its options' help and its subcommands' help in the language spoken now.

    The English texts stay the msgids (kept on the objects), so the language can change later.
    """
    targets = [command, *(command.get_params(ctx) if ctx is not None else command.params)]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx) if ctx is not None else command.commands:
            sub = command.get_command(ctx, name) if ctx is not None else command.commands[name]
            if sub is not None:
                targets.append(sub)
    for target in targets:
        for attribute in ("help", "short_help"):
            _translate_attribute(target, attribute)


def _translate_attribute(target, attribute: str) -> None:
    keep = f"_dossier_msgid_{attribute}"
    source = getattr(target, keep, None)
    if source is None:
        source = getattr(target, attribute, None)
        if not isinstance(source, str) or not source:
            return
        source = inspect.cleandoc(source)
        setattr(target, keep, source)
    translated = _(source)
    if translated == source:  # --help and --version carry Click's own texts
        translated = click_text(source)
    setattr(target, attribute, translated)


class TranslatedHelp:
    """A mixin for click.Command classes: the help is shown in the language spoken now."""

    def format_help(self, ctx, formatter) -> None:
        translate_help(self, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]


class TranslatedCommand(TranslatedHelp, click.Command):
    """A click.Command whose help is shown in the language spoken now."""
