"""Templates stay inside their folder: links in templates/ or templates/static cannot bring in outside files."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from dossier.errors import RenderError, TemplateError
from dossier.render.pdf import html_to_pdf
from dossier.render.templates import environment, render, static_dirs

SECRET = "root:x:0:0:rahasia"


@pytest.fixture
def outside(tmp_path):
    """A folder outside the workspace holding files no document may show (as /etc would)."""
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "passwd").write_text(SECRET, encoding="utf-8")
    (folder / "shadow").write_text(SECRET, encoding="utf-8")
    return folder


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "kerja" / "templates"
    folder.mkdir(parents=True)
    return folder


def test_a_linked_template_outside_the_folder_is_refused(templates, outside):
    (templates / "passwd.html").symlink_to(outside / "passwd")
    (templates / "dossier.html").write_text('<p>{% include "passwd.html" %}</p>', encoding="utf-8")

    with pytest.raises(TemplateError) as error:
        render(environment(templates), "dossier.html", {})

    message = error.value.format_message()
    assert f"{templates / 'passwd.html'}: leads to {outside / 'passwd'}, outside the templates folder" in message
    assert SECRET not in message


def test_the_real_etc_passwd_cannot_be_included_through_a_link(templates):
    (templates / "akun.html").symlink_to("/etc/passwd")
    (templates / "dossier.html").write_text('{% include "akun.html" %}', encoding="utf-8")

    with pytest.raises(TemplateError, match="outside the templates folder"):
        render(environment(templates), "dossier.html", {})


def test_a_linked_override_of_a_default_template_is_refused(templates, outside):
    (templates / "base.html").symlink_to(outside / "passwd")

    with pytest.raises(TemplateError, match="outside the templates folder"):
        render(environment(templates), "release.html", {})


def test_a_static_folder_linked_elsewhere_is_not_read(templates, outside):
    (templates / "static").symlink_to(outside, target_is_directory=True)
    (templates / "dossier.html").write_text('<pre>{% include "static/passwd" %}</pre>', encoding="utf-8")

    with pytest.raises(TemplateError, match="outside the templates folder"):
        render(environment(templates), "dossier.html", {})
    assert templates / "static" not in static_dirs(templates)


def test_a_static_folder_linked_elsewhere_cannot_be_embedded_as_an_attachment(templates, outside):
    (templates / "static").symlink_to(outside, target_is_directory=True)
    roots = static_dirs(templates)
    for href in ((outside / "shadow").as_uri(), (templates / "static" / "shadow").as_uri()):
        html = f'<html><head><link rel="attachment" href="{href}"></head><body><p>Isi</p></body></html>'

        with pytest.raises(RenderError, match=r"refused to read .*shadow.*outside the folders a document may read"):
            html_to_pdf(html, base_url=roots[-1], allowed_roots=roots)


def test_static_url_refuses_a_linked_static_file(templates, outside):
    (templates / "static").mkdir()
    (templates / "static" / "logo.png").symlink_to(outside / "shadow")
    (templates / "dossier.html").write_text("{{ static_url('logo.png') }}", encoding="utf-8")

    with pytest.raises(TemplateError, match=r"static file 'logo.png': .* outside the static folder"):
        render(environment(templates), "dossier.html", {})


def test_links_that_stay_inside_the_folder_still_work(templates):
    (templates / "bagian").mkdir()
    (templates / "bagian" / "salam.html").write_text("Salam {{ nama }}", encoding="utf-8")
    (templates / "salam.html").symlink_to(templates / "bagian" / "salam.html")
    (templates / "dossier.html").write_text('{% include "salam.html" %}', encoding="utf-8")

    assert render(environment(templates), "dossier.html", {"nama": "UPT01"}) == "Salam UPT01"


def test_an_attachment_inside_the_static_folder_is_still_embedded(templates):
    (templates / "static").mkdir()
    (templates / "static" / "catatan.txt").write_text("catatan", encoding="utf-8")
    roots = static_dirs(templates)
    html = '<html><head><link rel="attachment" href="catatan.txt"></head><body><p>Isi</p></body></html>'

    pdf = html_to_pdf(html, base_url=roots[0], allowed_roots=roots)

    assert PdfReader(io.BytesIO(pdf)).attachments["catatan.txt"] == [b"catatan"]
