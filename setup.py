"""Compile the message catalogs as part of the build: every dossier/locale/**/*.po becomes the
.mo next to it in the built package (Babel, as `pybabel compile` does). The .mo files are not
kept in git; a source tree without them compiles the .po in memory (dossier.i18n.catalog)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogs(build_py):
    """build_py, then compile each .po into the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the source tree's .po
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("dossier", "locale").glob("*/LC_MESSAGES/*.po")):
            mo = Path(self.build_lib, po.with_suffix(".mo"))
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source), use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_catalogs})
