"""The `logo` setting must name a PNG or JPEG inside the workspace; anything else is set aside with a warning."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from PIL import Image

from dossier.cli import cli
from dossier.config import load_settings
from dossier.errors import ConfigError


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "kerja"
    root.mkdir()
    (tmp_path / "rahasia").write_text("root:x:0:0", encoding="utf-8")
    return root


def settings_with_logo(root, logo: str):
    (root / "dossier.toml").write_text(f'[dokumen]\nlogo = "{logo}"\n', encoding="utf-8")
    return load_settings(root)


def test_an_image_inside_the_workspace_is_the_logo(workspace):
    (workspace / "gambar").mkdir()
    (workspace / "gambar" / "logo.png").write_bytes(png())

    settings = settings_with_logo(workspace, "gambar/logo.png")

    assert settings.logo == workspace / "gambar" / "logo.png"
    assert settings.warnings == ()


@pytest.mark.parametrize("logo", ["../rahasia", "/etc/passwd", "tautan.png"])
def test_a_logo_outside_the_workspace_is_set_aside_with_a_warning(workspace, logo):
    (workspace / "tautan.png").symlink_to(workspace.parent / "rahasia")

    settings = settings_with_logo(workspace, logo)

    assert settings.logo is None
    (warning,) = settings.warnings
    assert "[dokumen] logo: " in warning
    assert f"outside the workspace {workspace.resolve()}; copy the image into the workspace" in warning


def test_a_logo_that_is_not_an_image_is_set_aside_with_a_warning(workspace):
    (workspace / "logo.png").write_text("bukan gambar", encoding="utf-8")

    settings = settings_with_logo(workspace, "logo.png")

    assert settings.logo is None
    assert settings.warnings == (
        f"{workspace / 'dossier.toml'}: [dokumen] logo: {workspace / 'logo.png'} is not a PNG or JPEG image; "
        "the documents are made without a logo",
    )


def test_a_missing_logo_is_still_an_error(workspace):
    with pytest.raises(ConfigError, match=r"logo: the file .*tidak-ada\.png does not exist"):
        settings_with_logo(workspace, "tidak-ada.png")


def test_the_cli_shows_the_logo_warning_once(workspace):
    settings_with_logo(workspace, "/etc/passwd")

    result = CliRunner().invoke(cli, ["-C", str(workspace), "archive", "verify"])

    assert result.output.count("warning: ") == 1
    assert "[dokumen] logo: /etc/passwd leads to /etc/passwd, outside the workspace" in result.output
    assert "Traceback" not in result.output
