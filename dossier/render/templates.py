"""The Jinja environment every document is rendered with.

Templates are looked up in the workspace's `templates/` folder first, then in
the defaults shipped with dossier (Pelican's user-then-theme lookup). The
environment is sandboxed, escapes every value and refuses undefined names, so
a unit named `{{ 7*7 }}` or `<b>` is printed as it is and a typo in a template
stops the build with the template, line and name.

Every template and static file is read only from inside its folder: paths are
resolved, links included, so a link in `templates/` (or a `templates/static`
linked elsewhere) cannot bring a file from outside into a document.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from dossier.errors import TemplateError
from dossier.i18n import _
from dossier.render import format as fmt

STATIC = "static"


PACKAGE = Path(__file__).resolve().parents[1]  # the dossier package's folder


def default_templates_dir() -> Path:
    """The folder of the default templates: the installed package's, else the checkout's.

    A wheel holds them in dossier/templates/ (pyproject.toml maps the checkout's templates/
    there); an editable install runs from the checkout, where they sit beside the package.
    The folder is found as the rules and catalogs are, from the package's own file:
    importlib.resources gives a folder without __init__.py as a MultiplexedPath, which is
    no Path (its str() is its repr, so nothing under it was ever found).
    """
    installed = PACKAGE / "templates"
    if (installed / "base.html").is_file():
        return installed
    return PACKAGE.parent / "templates"


def search_path(workspace_templates: Path | None) -> list[Path]:
    """Where templates are looked up, in order: the workspace's folder, then the defaults."""
    places = [default_templates_dir()]
    if workspace_templates is not None and Path(workspace_templates).is_dir():
        places.insert(0, Path(workspace_templates))
    return places


def static_dirs(workspace_templates: Path | None) -> list[Path]:
    """The static folders (CSS, fonts, images), the workspace's first; documents may read only these.

    A static folder that resolves outside its templates folder (a link to /etc, say) is left out.
    """
    return [place / STATIC for place in search_path(workspace_templates) if _within(place / STATIC, place)]


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads a template only when its real path lies inside its search folder."""

    def get_source(self, environment: jinja2.Environment, template: str):
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if not os.path.isfile(filename):
                continue
            real = os.path.realpath(filename)
            if not _within(Path(real), Path(folder)):
                raise TemplateError(
                    _("{file}: leads to {real}, outside the templates folder {folder}; "
                      "a template may only use files inside its folder. Copy the file there instead of linking it.")
                    .format(file=filename, real=real, folder=folder)
                )
            with open(real, encoding=self.encoding) as handle:
                contents = handle.read()
            mtime = os.path.getmtime(real)

            def uptodate(real=real, mtime=mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate
        raise jinja2.TemplateNotFound(template)


def _within(path: Path, folder: Path) -> bool:
    """Whether `path`, links resolved, is `folder` or lies inside it (links resolved too)."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def environment(workspace_templates: Path | None) -> jinja2.Environment:
    """Build the sandboxed, escaping, strict environment for one workspace."""
    places = search_path(workspace_templates)
    env = ImmutableSandboxedEnvironment(
        loader=ConfinedLoader([str(p) for p in places]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=100,
    )
    env.filters.update(
        number=fmt.number,
        percent=fmt.percent,
        long_date=fmt.long_date,
        weekday=fmt.weekday,
        day_month=fmt.day_month,
        words=fmt.words,
        join_list=fmt.join_list,
        tie=fmt.tie,
    )
    env.globals["static_url"] = _static_url(static_dirs(workspace_templates))
    env.globals["search_path"] = tuple(str(p) for p in places)
    return env


def render(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render template `name`; any template mistake becomes a TemplateError saying where."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name or name
        search_path = env.globals.get("search_path", ())
        assert isinstance(search_path, tuple), "environment() sets a tuple"
        looked = ", ".join(str(Path(p) / missing) for p in search_path)
        raise TemplateError(_("template '{name}' not found (looked in: {looked}).")
                            .format(name=missing, looked=looked)) from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateError(_("{template}, line {line}: template syntax error: {error}.")
                            .format(template=where, line=exc.lineno, error=exc.message)) from None
    except jinja2.UndefinedError as exc:
        template, line = _template_line(exc, name)
        raise TemplateError(
            _("{template}, line {line}: {error}. "
              "Check the spelling against the names the document provides (see the default template).")
            .format(template=template, line=line, error=exc.message)
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        template, line = _template_line(exc, name)
        raise TemplateError(_("{template}, line {line}: not allowed in a template: {error}.")
                            .format(template=template, line=line, error=exc)) from None


_TRAILING_SPACE = re.compile(r"[ \t\r\n]+(</(?:p|td|th|li|h[1-6])>)")


def without_trailing_space(markup: str) -> str:
    """Drop white space before the end of a paragraph or cell, where it shows nothing.

    WeasyPrint breaks a line that ends in such space after its first word when the text
    just overflows one line ('Laporan' alone, then 'kinerja telah ...'); a template's
    line breaks and {% if %} blocks leave it there.
    """
    return _TRAILING_SPACE.sub(r"\1", markup)


def logo_uri(path: Path | None) -> str | None:
    """The logo as a data: URI for a template (None without a logo)."""
    if path is None:
        return None
    kind = "jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    return f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def export_defaults(target: Path, *, force: bool = False) -> list[Path]:
    """Copy every default template and static file into `target`; keep existing files unless `force`."""
    source = default_templates_dir()
    written = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        destination = Path(target) / path.relative_to(source)
        if destination.exists() and not force:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        written.append(destination)
    return written


def _static_url(folders: list[Path]):
    def static_url(name: str) -> Markup:
        """The file URL of static file `name`: the workspace's copy if it has one, else the default."""
        for folder in folders:
            candidate = folder / name
            if candidate.is_file():
                if not _within(candidate, folder):
                    raise TemplateError(_("static file '{name}': {file} leads to {real}, outside the static folder "
                                          "{folder}; copy the file there instead of linking it.")
                                        .format(name=name, file=candidate, real=candidate.resolve(), folder=folder))
                return Markup(candidate.resolve().as_uri())
        looked = ", ".join(str(f / name) for f in folders)
        raise TemplateError(_("static file '{name}' not found (looked in: {looked}).").format(name=name, looked=looked))

    return static_url


def _template_line(exc: BaseException, fallback: str) -> tuple[str, int | str]:
    """The template file and line a render error came from (the innermost template frame).

    Jinja rewrites the traceback so that template frames carry the template's
    file name and line; they are the frames marked with `__jinja_exception__`.
    """
    found: tuple[str, int | str] = (fallback, "?")
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def referenced_templates(source: str) -> list[str]:
    """The templates a template's source extends, includes or imports by a constant name.

    Found by Jinja's own parser (jinja2.meta); a template that does not parse references
    nothing here, and its rendering reports the mistake.
    """
    try:
        tree = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).parse(source)
    except jinja2.TemplateSyntaxError:
        return []
    return [name for name in meta.find_referenced_templates(tree) if name]
