"""A Babel extractor for dossier's Python sources: gettext calls plus Click's help texts.

Besides what Babel's own Python extractor finds (`_`, `ngettext`, `N_`), it takes the
docstrings of Click commands and the `help=` texts of options, which are English msgids
translated when the help is shown (dossier.i18n.TranslatedHelp). Used from babel.cfg.
"""

from __future__ import annotations

import ast
import inspect

from babel.messages.extract import extract_python


def extract(fileobj, keywords, comment_tags, options):
    """Yield (line, function, message, comments) for every message in one Python file."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    encoding = options.get("encoding", "utf-8")
    tree = ast.parse(source.decode(encoding) if isinstance(source, bytes) else source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_click_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, None, inspect.cleandoc(doc), ["help of a command"]
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                    yield keyword.value.lineno, None, inspect.cleandoc(keyword.value.value), ["help of an option"]


def _is_click_command(decorator: ast.expr) -> bool:
    """@cli.command(), @click.group(...), @archive_command.command("verify") and the like."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in {"command", "group"}
