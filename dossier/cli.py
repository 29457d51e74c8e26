"""The `dossier` command line: parse options, call the library, print. Nothing else."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from datetime import date
from pathlib import Path

import click

from dossier import __version__
from dossier.errors import os_reason
from dossier.i18n import TranslatedCommand, TranslatedHelp, _, click_text, ngettext, use_workspace


class Context:
    """What the group's options set for every command."""

    def __init__(self) -> None:
        self.root = Path(".")
        self.verbosity = 0
        self._warned = False

    @property
    def workspace(self):
        from dossier.errors import ConfigError, WorkspaceError
        from dossier.workspace import Workspace

        if not self.root.is_dir():
            message = (_("the workspace folder {folder} is not a folder; give -C an existing workspace folder.")
                       if self.root.exists() else
                       _("the workspace folder {folder} does not exist; give -C an existing workspace folder."))
            raise WorkspaceError(message.format(folder=self.root))
        ws = Workspace(self.root.resolve())
        if not self._warned:  # settings set aside (a logo outside the workspace, say) are said once
            self._warned = True
            try:
                warnings = ws.settings.warnings
            except ConfigError:  # reported by the command that needs the settings
                warnings = ()
            for warning in warnings:
                click.secho(_("warning: {problem}").format(problem=warning), fg="yellow", err=True)
        return ws

    def award_year(self, ws, year: int | None, *, needs_lke: bool = False, say: bool = True) -> int:
        """The year a command works on, said on its first line (on stderr, so stdout stays the command's own).

        `needs_lke`: refuse, naming the previous year, a year started with 'init --year' whose lke/ is
        still empty, where the user most likely still means to finish the year before.
        """
        chosen = ws.year(year)
        if say:
            self.info(_("Award year {year} (inputs/{year}/).").format(year=chosen))
        if needs_lke:
            ws.check_has_lke(chosen)
        return chosen

    def info(self, message: str) -> None:
        if self.verbosity >= 0:
            click.echo(message, err=True)

    def debug(self, message: str) -> None:
        if self.verbosity > 0:
            click.echo(message, err=True)

    def show_read(self, award_year) -> None:
        """With -v: say what was read, and which workbook went to which unit."""
        from dossier.console import read_lines

        for line in read_lines(award_year):
            self.debug(line)


pass_context = click.make_pass_decorator(Context, ensure=True)


def _set_workspace(ctx: click.Context, _param, value):
    if value is not None:
        ctx.ensure_object(Context).root = Path(value)
        use_workspace(Path(value))  # its dossier.toml may ask for English
    return value


def _count(sign: int):
    def callback(ctx: click.Context, _param, value):
        if value:
            ctx.ensure_object(Context).verbosity += sign * value
        return value

    return callback


def _set_colour(ctx: click.Context, _param, value):
    if value or os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty
        ctx.color = False
    return value


def _year(ctx: click.Context, param, value):
    """An award year: ASCII digits, 1900-2999 (int() would take '２０２６' or '٢٠٢٦')."""
    from dossier.workspace import FIRST_YEAR, LAST_YEAR, is_year

    if value is None:
        return None
    if not is_year(value):
        raise click.BadParameter(_("'{value}' is not an award year; write it in digits 0-9, {first}-{last}, e.g. 2025.")
                                 .format(value=value, first=FIRST_YEAR, last=LAST_YEAR), ctx, param)
    return int(value)


def common_options(command):
    """-C, -v, -q and --no-color, taken before the command or after it."""
    for option in reversed((
        click.option("-C", "--workspace", type=click.Path(file_okay=False, path_type=Path), expose_value=False,
                     is_eager=True, callback=_set_workspace, help="Workspace folder (default: the current folder)."),
        click.option("-v", "--verbose", count=True, expose_value=False, callback=_count(1),
                     help="Say more: what is read and what is built."),
        click.option("-q", "--quiet", count=True, expose_value=False, callback=_count(-1), help="Say only what went wrong."),
        click.option("--no-color", is_flag=True, expose_value=False, callback=_set_colour,
                     help="No colour (also when NO_COLOR is set)."),
    )):
        command = option(command)
    return command


workspace_option = common_options
year_option = click.option("--year", callback=_year, metavar="YEAR", help="Award year (default: the newest under inputs/).")


class SeasonGroup(TranslatedHelp, click.Group):
    """A command group that lists its commands in the order they were added: the order of the season."""

    command_class = TranslatedCommand  # help in the language spoken

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class WritesDocuments(TranslatedCommand):
    """A command whose help ends with the documents it writes, as their kinds declare (documents/registry.py)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        # The document modules load Jinja, pypdf and openpyxl: only when this help is shown.
        from dossier.documents.registry import written_by

        rows: dict[str, list[str]] = {}  # description -> the paths of its kinds
        for kind in written_by(self.name or ""):
            rows.setdefault(kind.description or kind.kind, []).append(kind.path.format(unit=_("<code>")))
        with formatter.section(_("Writes, in build/<year>/")):
            for description, paths in rows.items():
                line = _("{documents}: {paths}").format(documents=_(description), paths=", ".join(paths))
                width = max(formatter.width - formatter.current_indent, 20)
                formatter.write(textwrap.fill(line, width, initial_indent=" " * formatter.current_indent,
                                              subsequent_indent=" " * (formatter.current_indent + 4),
                                              break_on_hyphens=False, break_long_words=False) + "\n")


class AtLeastOne(click.IntRange):
    """A whole number from 1 up, named in the language spoken ("'abc' bukan bilangan bulat yang sah")."""

    def __init__(self) -> None:
        super().__init__(min=1)

    @property
    def name(self) -> str:  # type: ignore[override]  # Click only reads it. It names it "integer range", in English
        return _("whole number")


class KindChoice(click.Choice):
    """A kind of document as the registry and manifest.json name it.

    The registry imports every document module: it is read when the option is used or its
    help shown, not when the command line starts.
    """

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]  # Click only reads it; __init__ above does not set it
        from dossier.documents.registry import KINDS

        return tuple(k.kind for k in KINDS)


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    """--version, in the language spoken (Click's own option words it at import, in English)."""
    if value and not ctx.resilient_parsing:
        click.echo(click_text("%(prog)s, version %(version)s") % {"prog": "dossier", "version": __version__})
        ctx.exit()


@click.group(cls=SeasonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@common_options
def cli() -> None:
    """Build Zona Integritas (WBK/WBBM) nomination dossiers from the units' LKE workbooks.

    A workspace holds dossier.toml, inputs/<year>/nominasi.xlsx, inputs/<year>/lke/*.xlsx
    and inputs/<year>/bukti/. Outputs go to build/<year>/. The commands below are listed
    in the order of the season.
    """


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--year", callback=_year, metavar="YEAR", help="Award year to lay out (default: this year).")
@workspace_option
@pass_context
def init(obj: Context, directory: Path | None, year: int | None) -> None:
    """Create a workspace, or the next award year in an existing one (its register carried forward)."""
    from dossier.layout import REGISTER
    from dossier.workspace import Workspace, create_workspace, is_workspace, start_year

    root = directory or obj.root
    year = year or date.today().year
    register = Path("inputs", str(year), REGISTER)
    if is_workspace(root):
        made = start_year(Workspace(root.resolve()), year)
        for problem in made.left_out:
            click.secho(_("warning: not carried forward: {problem}").format(problem=problem), fg="yellow", err=True)
        source = (ngettext("with the {count} unit of {year} carried forward",
                           "with the {count} units of {year} carried forward", made.units)
                  .format(count=made.units, year=made.carried_from)
                  if made.carried_from else _("with an empty register"))
        obj.info(_("Added award year {year} to the workspace {folder}, {source}.")
                 .format(year=year, folder=root.resolve(), source=source))
        obj.info(_("Next: check {register} (Predikat Diusulkan, Predikat Saat Ini, the ceremony), "
                   "then run 'dossier lke-template'.").format(register=register))
        return
    create_workspace(root, year)
    obj.info(_("Created a workspace in {folder} for award year {year}.").format(folder=root.resolve(), year=year))
    obj.info(_("Next: fill in {register} (sheets Penghargaan and Unit), then run 'dossier lke-template' "
               "to write a blank LKE workbook per unit.").format(register=register))
    obj.info(_("CARA-PAKAI.txt in the workspace explains each step after that: "
               "validate, score, build, report, archive."))


@cli.command("lke-template")
@year_option
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Only this unit (repeatable).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Folder for the workbooks (default: build/<year>/lke-kosong).")
@click.option("--format", "layout", type=click.Choice(["dossier", "resmi"]), default="dossier", show_default=True, help="resmi: the official KemenPAN-RB layout (sheet LKE ZI).")
@workspace_option
@pass_context
def lke_template(obj: Context, year: int | None, units: tuple[str, ...], output: Path | None, layout: str) -> None:
    """Write a blank LKE workbook for each unit that has none yet (or each unit named), to send to the units."""
    from dossier.workspace import write_blank_lkes

    ws = obj.workspace
    year = obj.award_year(ws, year)
    written = write_blank_lkes(ws, year, list(units), output, layout)
    for path in written:
        obj.debug(_("wrote {path}").format(path=path))
    if not written:
        obj.info(_("Every unit of {year} already has an LKE workbook in lke/; nothing written "
                   "(--unit CODE writes a unit's blank workbook anyway).").format(year=year))
        return
    obj.info(_("Wrote {count} blank LKE workbook(s) to {folder}: {codes}.").format(
        count=len(written), folder=written[0].parent, codes=", ".join(p.stem.split(" ")[0] for p in written)))


@cli.command()
@year_option
@click.option("--strict", is_flag=True, help="Treat warnings (such as missing answers) as errors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print every problem as a JSON record (file, sheet, cell, row, unit, indicator, severity, code, "
                   "message, fix).")
@workspace_option
@pass_context
def validate(obj: Context, year: int | None, strict: bool, as_json: bool) -> None:
    """Read the whole award year and list every problem found, and how many answers each unit left blank."""
    from dossier.console import missing_lines, problem_lines, problem_records
    from dossier.decision import register_warnings
    from dossier.scoring import score_unit

    ws = obj.workspace
    year = obj.award_year(ws, year)
    award_year = ws.load(year)
    obj.show_read(award_year)
    edition = ws.edition(year)
    scored = [score_unit(u, award_year.lke[u.code], edition) for u in award_year.units if u.code in award_year.lke]
    # What the year's decision warns about: a holder proposed again, a result for a unit not proposed.
    award_year.problems.extend(register_warnings(award_year.units, scored))
    if as_json:
        click.echo(json.dumps({"year": year, "problems": problem_records(award_year.problems)}, ensure_ascii=False, indent=2))
    else:
        for line in problem_lines(award_year.problems):
            click.echo(line)
    for line in missing_lines(scored) if not as_json else ():
        click.echo(line)
    errors, warnings = len(award_year.errors), len(award_year.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    summary = _("{year}: {units} unit(s), {workbooks} LKE workbook(s): {errors} error(s), {warnings} warning(s).").format(
        year=year, units=len(award_year.units), workbooks=len(award_year.lke), errors=errors, warnings=warnings)
    if failed:
        raise click.exceptions.Exit(_fail(summary))
    obj.info(summary + (" " + _("All clear.") if not warnings else ""))


@cli.command()
@year_option
@click.option("--json", "as_json", is_flag=True, help="Print the unrounded scores as JSON.")
@workspace_option
@pass_context
def score(obj: Context, year: int | None, as_json: bool) -> None:
    """Score every unit and show its eligibility for WBK and WBBM, with every shortfall."""
    from dossier.console import problem_lines, score_table
    from dossier.improve import score_json, ways
    from dossier.scoring import score_unit

    ws = obj.workspace
    year = obj.award_year(ws, year, say=not as_json)  # JSON says its year in its own "year"
    award_year = ws.load(year)
    obj.show_read(award_year)
    edition = ws.edition(year)
    scores = [score_unit(u, award_year.lke.get(u.code), edition) for u in award_year.units]
    if as_json:
        units = [score_json(s) for s in scores]
        click.echo(json.dumps({"year": year, "edition": edition.name, "units": units}, ensure_ascii=False, indent=2))
    else:
        click.echo(score_table(scores, {s.unit.code: ways(s) for s in scores}))
    if award_year.errors:
        for line in problem_lines(award_year.errors):
            click.echo(line, err=True)
        count = len(award_year.errors)
        raise click.exceptions.Exit(_fail(
            ngettext("{count} error in the inputs: these scores may be wrong. Run 'dossier validate'.",
                     "{count} errors in the inputs: these scores may be wrong. Run 'dossier validate'.", count)
            .format(count=count)
        ))


@cli.command("build", cls=WritesDocuments)
@year_option
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Only this unit's documents (repeatable).")
@click.option("--format", "formats", type=click.Choice(["pdf", "docx"]), multiple=True, help="Only this format (default: both).")
@click.option("--kind", "kinds", type=KindChoice(), multiple=True,
              help="Only this kind of document, as manifest.json names it (repeatable; default: every kind).")
@click.option("-j", "--jobs", type=AtLeastOne(), metavar="N", help="Worker processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild everything, even what has not changed.")
@click.option("--timeout", type=AtLeastOne(), metavar="N", default=300, show_default=True, help="Seconds one unit's documents may take.")
@click.option("--executor", metavar="dask://HOST:PORT", help="Render on an existing Dask cluster (needs dossier[dask]).")
@click.option("--progress", "progress_format", type=click.Choice(["jsonl"]),
              help="jsonl: one JSON object per event on standard output (started, done, unit_failed, finished).")
@workspace_option
@pass_context
def build_command(obj: Context, year, units, formats, kinds, jobs, force, timeout, executor, progress_format) -> None:
    """Build every document of the year, each unit's and the year's (listed below); only what changed is rebuilt."""
    from dossier.build import remote_executor

    with remote_executor(executor) as pool:
        _run_build(obj, year, units=list(units), formats=formats, jobs=jobs, force=force, timeout=timeout,
                   year_documents=not units, executor=pool, progress_format=progress_format, only=tuple(kinds))


@cli.command(cls=WritesDocuments)
@year_option
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@workspace_option
@pass_context
def report(obj: Context, year, force) -> None:
    """Build the year's documents alone (listed below), after the results are filled in."""
    from dossier.documents.registry import written_by

    _run_build(obj, year, unit_documents=False, force=force, only=tuple(k.kind for k in written_by("report")))


@cli.command("umpan-balik", cls=WritesDocuments)
@year_option
@click.option("--unit", "units", multiple=True, metavar="CODE", help="Only this unit's feedback (repeatable).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@workspace_option
@pass_context
def feedback_command(obj: Context, year, units, force) -> None:
    """Write each unit's feedback (umpan balik, listed below), even for a unit whose LKE has errors.

    It says the problems in the unit's workbook, the indicators without evidence, the TPI's
    corrections and notes, its shortfalls and the way to its proposed predicate.
    'dossier build' writes it too.
    """
    from dossier.documents.registry import written_by

    _run_build(obj, year, units=list(units), year_documents=False, force=force,
               only=tuple(k.kind for k in written_by("umpan-balik")))


def _run_build(obj: Context, year, *, formats=(), progress_format: str | None = None, **options) -> None:
    from dossier.build import Progress, build
    from dossier.console import BuildProgress, build_summary, problem_lines
    from dossier.errors import DossierError

    ws = obj.workspace
    year = obj.award_year(ws, year, needs_lke=True)
    formats = tuple(formats or ("pdf", "docx")) + ("xlsx",)
    progress: Progress
    jsonl = None
    if progress_format == "jsonl":
        from dossier.web.progress import JsonlProgress

        progress = jsonl = JsonlProgress()
    else:
        progress = BuildProgress(obj.verbosity)
    try:
        result = build(ws, year, formats=formats, progress=progress, **options)
    except DossierError as exc:
        if jsonl is not None:
            jsonl.finished(None, exc.message)
        raise
    if jsonl is not None:
        jsonl.finished(result)
    for output in result.built:
        path = f"build/{year}/{output.path}"
        obj.debug(_("wrote {path} ({pages} page(s))").format(path=path, pages=output.pages) if output.pages
                  else _("wrote {path}").format(path=path))
    shown = [p for p in result.problems if p.severity == "error" or obj.verbosity >= 0]  # -q: errors only
    for line in problem_lines(shown):
        click.echo(line, err=True)
    for label, reason in result.failed.items():
        click.secho(_("failed: {label}: {reason}").format(label=label, reason=reason), fg="red", err=True)
    summary = build_summary(result, ws.build_dir(year))
    if not result.ok:
        raise click.exceptions.Exit(_fail(summary))
    obj.info(summary)


@cli.group("archive", cls=SeasonGroup, invoke_without_command=True)
@year_option
@click.option("--force", is_flag=True, help="Replace an existing archive; the previous one is kept under a dated name.")
@workspace_option
@click.pass_context
def archive_command(ctx: click.Context, year: int | None, force: bool) -> None:
    """Keep the year's final PDFs in archive/<year>/ with manifest.json and a printable index.

    'dossier archive verify' checks an archived year against its manifest.
    """
    if ctx.invoked_subcommand is not None:
        return
    from dossier.archive import archive_year

    obj = ctx.ensure_object(Context)
    ws = obj.workspace
    year = obj.award_year(ws, year, needs_lke=True)
    result = archive_year(ws, year, force=force)
    for warning in result.warnings:
        click.secho(_("warning: {problem}").format(problem=warning), fg="yellow", err=True)
    if result.replaced:
        obj.info(_("The previous archive is kept as {path}.").format(path=result.replaced.relative_to(ws.root)))
    obj.info(_("Archived {count} file(s) of {year} in {folder}; check them later with 'dossier archive verify'.")
             .format(count=len(result.files), year=year, folder=result.path.relative_to(ws.root)))
    click.echo(_("Fingerprint (SHA-256 of manifest.json; record it in the official letter): {fingerprint}")
               .format(fingerprint=result.fingerprint))


@archive_command.command("verify")
@year_option
@click.option("--sidik-jari", "fingerprint", metavar="HEX",
              help="The fingerprint recorded when the year was archived; the manifest must still have it.")
@workspace_option
@click.pass_context
def archive_verify(ctx: click.Context, year: int | None, fingerprint: str | None) -> None:
    """Check archive/<year>/ against its manifest, its index, its dossiers' own data and (given) its fingerprint."""
    from dossier.archive import archived_year
    from dossier.archive_verify import format_findings, verify_year

    before = ctx.parent.params.get("year") if ctx.parent else None  # 'dossier archive --year 2023 verify'
    if before is not None and year is not None and before != year:
        raise click.UsageError(_("two different years, --year {before} before 'verify' and --year {after} after it; give one.")
                               .format(before=before, after=year))
    year = year if year is not None else before
    obj = ctx.ensure_object(Context)
    ws = obj.workspace
    year = archived_year(ws, year)
    obj.info(_("Award year {year} (archive/{year}/).").format(year=year))
    findings = verify_year(ws, year, fingerprint)
    if findings:
        click.echo(format_findings(findings))
        raise click.exceptions.Exit(_fail(_("archive/{year} is not intact.").format(year=year)))
    if fingerprint:
        obj.info(_("archive/{year}: every file matches its manifest, the index and its own source data "
                   "and the recorded fingerprint.").format(year=year))
    else:
        obj.info(_("archive/{year}: every file matches its manifest, the index and its own source data "
                   "(give --sidik-jari to check the fingerprint too).").format(year=year))


@cli.group(cls=SeasonGroup)
def templates() -> None:
    """Work with the document templates."""


@templates.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@workspace_option
@pass_context
def templates_export(obj: Context, directory: Path | None, force: bool) -> None:
    """Copy the default templates to DIRECTORY (default: the workspace's templates/) for editing."""
    from dossier.render.templates import export_defaults

    target = directory or obj.root / "templates"
    written = export_defaults(target, force=force)
    obj.info(_("Copied {count} template file(s) to {folder}. Files you keep there override the defaults.")
             .format(count=len(written), folder=target))


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; 0.0.0.0 opens it to the office network.")
@click.option("--proxy-auth", "proxy_header", metavar="HEADER",
              help="Trust this header to name the signed-in account (set by an authenticating proxy).")
@click.option("--proxy-from", "proxy_from", metavar="ADDR", help="The proxy's address: the header is accepted only from it.")
@workspace_option
@pass_context
def serve(obj: Context, port: int, host: str, proxy_header: str | None, proxy_from: str | None) -> None:
    """Serve the workspace in a browser: the season board, the units' pages, uploads and jobs."""
    from dossier.web.server import serve as run

    if bool(proxy_header) != bool(proxy_from):
        raise click.UsageError(_("--proxy-auth and --proxy-from go together: name the header and the proxy's address."))
    ws = obj.workspace
    run(ws.root, host, port, proxy_header, proxy_from, obj.info)


@cli.group(cls=SeasonGroup)
def pengguna() -> None:
    """The accounts that sign in to 'dossier serve' (kept in the workspace's .dossier/)."""


@pengguna.command("tambah")
@click.argument("name")
@click.option("--peran", "role", required=True, type=click.Choice(["sekretariat", "tpi", "unit", "pimpinan"]),
              help="The account's role.")
@click.option("--unit", "unit", default="", metavar="CODE", help="The unit of a unit account.")
@workspace_option
@pass_context
def pengguna_tambah(obj: Context, name: str, role: str, unit: str) -> None:
    """Add an account; the password is asked twice (or read from standard input)."""
    from dossier.web.server import read_password, unknown_unit
    from dossier.web.store import Store, check_name

    ws = obj.workspace
    check_name(name)
    warning = unknown_unit(ws, unit.strip()) if role == "unit" and unit.strip() else ""
    if warning:
        click.secho(_("warning: {problem}").format(problem=warning), fg="yellow", err=True)
    user = Store(ws.root).add_user(name, role, unit.strip(), read_password())
    obj.info(_("Added account {name} ({role}{unit}).").format(
        name=user.name, role=user.role, unit=f" {user.unit}" if user.unit else ""))


@pengguna.command("daftar")
@workspace_option
@pass_context
def pengguna_daftar(obj: Context) -> None:
    """List the accounts: name, role, unit."""
    from dossier.web.store import Store

    users = Store(obj.workspace.root).users()
    for user in users:
        click.echo(f"{user.name}\t{user.role}\t{user.unit}")
    if not users:
        obj.info(_("No accounts yet; add one with 'dossier pengguna tambah NAME --peran sekretariat'."))


@pengguna.command("hapus")
@click.argument("name")
@workspace_option
@pass_context
def pengguna_hapus(obj: Context, name: str) -> None:
    """Remove an account; it is signed out at once."""
    from dossier.web.store import Store

    Store(obj.workspace.root).remove_user(name)
    obj.info(_("Removed account {name}.").format(name=name))


@pengguna.command("sandi")
@click.argument("name")
@workspace_option
@pass_context
def pengguna_sandi(obj: Context, name: str) -> None:
    """Set an account's password (asked twice, or read from standard input)."""
    from dossier.web.server import read_password
    from dossier.web.store import Store

    store = Store(obj.workspace.root)
    store.check_exists(name)  # before the password is typed
    store.set_password(name, read_password())
    obj.info(_("Changed the password of {name}.").format(name=name))


def _fail(message: str) -> int:
    click.secho(message, fg="red", err=True)
    return 1


class Interrupted(BaseException):
    """Ctrl-C, raised past Click (which would say only "Aborted!") to main, which says what it means."""


def _interrupted(_signum, _frame):
    raise Interrupted()


def main() -> None:
    """Entry point of the console script."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _interrupted)
    for stream in (sys.stdout, sys.stderr):
        # A terminal in Latin-1 (or ASCII) cannot show a unit named with an emoji: shown as '?', never a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        from dossier.readers.safety import check_xml_safety
        from dossier.workers import interruption, private_temp_folder

        check_xml_safety()
        use_workspace(Path("."))  # Indonesian unless DOSSIER_LANG or dossier.toml asks for English; -C may change it
        with private_temp_folder():  # nothing of ours is left in the temp folder, however the command ends
            try:
                cli(obj=Context(), prog_name="dossier")
            except Exception as exc:  # raised in place of a Ctrl-C or SIGTERM as it unwound: that is what it is
                stop = interruption(exc)
                if stop is None:
                    raise
                raise stop from None
    except OSError as exc:  # a folder we may not write, a disk full, a file gone: said, never a traceback
        _fail(_("Error: {file}: {reason}; check that the folder exists and may be written, and that the disk has "
                "room, then run the command again.").format(file=exc.filename or "", reason=os_reason(exc)))
        sys.exit(1)
    except Interrupted:
        # Workers are stopped and temporary files removed on the way out (local_pool, private_temp_folder).
        _fail("\n" + _("Stopped (Ctrl-C). Every file is written whole or not at all and the manifest only at the end, "
                       "so running the same command again is safe: it continues from what was finished."))
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
